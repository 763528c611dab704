"""Safe, position-keeping YAML reading.

PyYAML alone keeps the last of duplicate keys, would construct objects for
``!!python`` tags with the unsafe loaders, and its C composer recurses (and
crashes) on absurd nesting. So we take libyaml's *event* stream and compose the
tree ourselves, iteratively: every node keeps its line and column, duplicate
keys and foreign tags become findings, and aliases are expanded against a
budget so an alias bomb is refused instead of eating the machine. Nothing is
ever constructed from a tag.
"""
from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from typing import Any

import yaml

from slactl.core.findings import ERROR, Finding

try:  # libyaml when present (10x faster), pure Python otherwise
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_FLOW_DEPTH = 100
MAX_DEPTH = 100
MAX_NODES = 200_000  # per file, counting every alias expansion

_STD = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}
_resolver = yaml.resolver.Resolver()

MAP, SEQ, SCALAR = "map", "seq", "scalar"


@dataclass(slots=True, eq=False)
class YNode:
    """A composed YAML node. ``value`` is a list of (key, value) pairs for maps,
    a list of nodes for sequences and the raw text for scalars."""

    kind: str
    value: Any  # list[tuple[YNode, YNode]] | list[YNode] | str
    line: int  # 1-based
    column: int  # 1-based
    tag: str = ""  # resolved tag for scalars (tag:yaml.org,2002:int, ...)
    plain: bool = False  # an unquoted scalar
    start: int = 0  # offsets in the text, for reporting spans
    end: int = 0

    @property
    def text(self) -> str:
        return self.value if isinstance(self.value, str) else ""

    def get(self, key: str) -> YNode | None:
        """The value node of ``key`` in a map (first occurrence), else None."""
        if self.kind != MAP:
            return None
        for k, v in self.value:  # type: ignore[union-attr]
            if k.kind == SCALAR and k.value == key:
                return v
        return None


@dataclass(slots=True)
class Document:
    file: str
    index: int  # 0-based position in the file
    root: YNode


@dataclass(slots=True)
class LoadResult:
    documents: list[Document] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


class _Stop(Exception):
    """Abandon the file: a finding has been recorded."""


def decode(data: bytes, file: str) -> tuple[str | None, Finding | None]:
    """UTF-8 (a BOM allowed) or a finding pointing at the first bad byte."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, Finding(file, 1, 1, ERROR, "yaml-encoding",
                             "file is UTF-16; save it as UTF-8")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        return None, Finding(file, line, col, ERROR, "yaml-encoding",
                             f"byte 0x{data[exc.start]:02x} is not UTF-8; save the file as UTF-8")


def _flow_depth(text: str) -> tuple[int, int]:
    """Deepest bracket nesting and its offset: libyaml slows down quadratically
    (then the C composer crashes) on deep flow nesting, so refuse it up front."""
    if text.count("[") + text.count("{") <= MAX_FLOW_DEPTH:
        return 0, 0
    depth = 0
    for m in re.finditer(r"[\[\]{}]", text):
        depth += 1 if m.group() in "[{" else -1
        if depth > MAX_FLOW_DEPTH:
            return depth, m.start()
    return 0, 0


def _pos(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def load_text(text: str, file: str) -> LoadResult:
    """Compose every document of ``text``; problems become findings, never exceptions."""
    result = LoadResult()
    depth, offset = _flow_depth(text)
    if depth:
        line, col = _pos(text, offset)
        result.findings.append(Finding(file, line, col, ERROR, "yaml-too-deep",
                                       f"nesting deeper than {MAX_FLOW_DEPTH} levels"))
        return result
    try:
        _compose(text, file, result)
    except _Stop:
        pass
    except yaml.MarkedYAMLError as exc:
        # An unclosed bracket or quote is noticed lines later: point at where it opened.
        opened = exc.context_mark is not None and exc.context and (
            "flow" in exc.context or "quoted" in exc.context)
        mark = exc.context_mark if opened else (exc.problem_mark or exc.context_mark)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        if opened:
            problem = f"{exc.context} that is never closed ({problem})"
        result.findings.append(Finding(file, line, col, ERROR, "yaml-syntax", f"YAML syntax error: {problem}"))
    except yaml.YAMLError as exc:  # ReaderError: control characters and the like
        line, col = 1, 1
        if isinstance(exc, yaml.reader.ReaderError):
            line, col = _pos(text, exc.position) if exc.position <= len(text) else (1, 1)
            char = exc.character if isinstance(exc.character, int) else ord(exc.character or "\0")
            message = f"control character U+{char:04X} is not allowed in YAML"
        else:
            message = f"YAML error: {exc}"
        result.findings.append(Finding(file, line, col, ERROR, "yaml-syntax", message))
    return result


def _compose(text: str, file: str, result: LoadResult) -> None:
    anchors: dict[str, YNode] = {}
    budget = [MAX_NODES]
    stack: list[tuple[YNode, list]] = []  # (collection node, pending key holder)
    root: YNode | None = None
    doc_index = 0

    def fail(line: int, col: int, code: str, message: str) -> None:
        result.findings.append(Finding(file, line, col, ERROR, code, message))
        raise _Stop

    def add(node: YNode) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        parent, pending = stack[-1]
        if parent.kind == SEQ:
            parent.value.append(node)  # type: ignore[union-attr]
        elif not pending:
            pending.append(node)
        else:
            key = pending.pop()
            parent.value.append((key, node))  # type: ignore[union-attr]

    event: Any
    for event in yaml.parse(text, Loader=_Loader):
        mark = event.start_mark
        line, col = mark.line + 1, mark.column + 1
        etype = type(event)
        if etype is yaml.ScalarEvent:
            tag = event.tag
            if tag is not None and tag != "!" and tag not in _ALLOWED_TAGS:
                fail(line, col, "yaml-tag", f"tag {tag!r} is not allowed (slactl reads plain data only)")
            plain = event.implicit[0] and event.style is None
            if tag in (None, "!"):
                tag = _resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
            node = YNode(SCALAR, event.value, line, col, tag, plain, mark.index, event.end_mark.index)
            _count(budget, fail, line, col)
            if event.anchor:
                anchors[event.anchor] = node
            add(node)
        elif etype is yaml.MappingStartEvent or etype is yaml.SequenceStartEvent:
            if event.tag is not None and event.tag != "!" and event.tag not in _ALLOWED_TAGS:
                fail(line, col, "yaml-tag", f"tag {event.tag!r} is not allowed (slactl reads plain data only)")
            kind = MAP if etype is yaml.MappingStartEvent else SEQ
            node = YNode(kind, [], line, col, start=mark.index)
            _count(budget, fail, line, col)
            if len(stack) >= MAX_DEPTH:
                fail(line, col, "yaml-too-deep", f"nesting deeper than {MAX_DEPTH} levels")
            if event.anchor:
                anchors[event.anchor] = node
            add(node)
            stack.append((node, []))
        elif etype is yaml.MappingEndEvent or etype is yaml.SequenceEndEvent:
            node, _ = stack.pop()
            node.end = event.end_mark.index
            if node.kind == MAP:
                _check_duplicates(node, file, result)
        elif etype is yaml.AliasEvent:
            target = anchors.get(event.anchor)
            if target is None:  # libyaml reports this itself; be safe
                fail(line, col, "yaml-syntax", f"unknown alias *{event.anchor}")
            _count(budget, fail, line, col, _size(target, budget[0]))
            add(target)  # type: ignore[arg-type]
        elif etype is yaml.DocumentEndEvent:
            if root is not None:
                result.documents.append(Document(file, doc_index, root))
            root = None
            anchors.clear()
            doc_index += 1


def _count(budget: list[int], fail, line: int, col: int, n: int = 1) -> None:  # type: ignore[no-untyped-def]
    budget[0] -= n
    if budget[0] < 0:
        fail(line, col, "yaml-too-large",
             f"document expands to more than {MAX_NODES} nodes (an alias bomb?); refused")


def _size(node: YNode | None, limit: int) -> int:
    """Nodes an alias expands to, counted up to ``limit`` (iterative, bounded)."""
    if node is None:
        return 0
    count, todo = 0, [node]
    while todo and count <= limit:
        n = todo.pop()
        count += 1
        if n.kind == SEQ:
            todo.extend(n.value)  # type: ignore[arg-type]
        elif n.kind == MAP:
            for k, v in n.value:  # type: ignore[union-attr]
                todo.append(v)
                count += 1
    return count


def _check_duplicates(node: YNode, file: str, result: LoadResult) -> None:
    seen: dict[str, YNode] = {}
    for key, _ in node.value:  # type: ignore[union-attr]
        if key.kind != SCALAR:
            continue
        first = seen.get(key.value)  # type: ignore[arg-type]
        if first is not None:
            result.findings.append(Finding(
                file, key.line, key.column, ERROR, "yaml-duplicate-key",
                f"duplicate key '{key.value}' (first defined on line {first.line})"))
        else:
            seen[key.value] = key  # type: ignore[index]


def load_file(path: str, display: str | None = None) -> LoadResult:
    """Read, decode and compose one file. I/O errors become findings too."""
    file = display or path
    try:
        # O_NONBLOCK: a named pipe called *.yaml must not block the run forever
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return LoadResult(findings=[Finding(file, 1, 1, ERROR, "file-unreadable",
                                                    "not a regular file (a pipe, device or socket); refused")])
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return LoadResult(findings=[Finding(file, 1, 1, ERROR, "file-unreadable",
                                            f"cannot read file: {exc.strerror or exc}")])
    if len(data) > MAX_FILE_BYTES:
        return LoadResult(findings=[Finding(file, 1, 1, ERROR, "yaml-too-large",
                                            f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; refused")])
    text, finding = decode(data, file)
    if finding is not None:
        return LoadResult(findings=[finding])
    return load_text(text, file)  # type: ignore[arg-type]
