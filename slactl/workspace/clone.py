"""New agreements from existing ones (``clone`` and ``renew``) by editing YAML *text*.

The source is composed with PyYAML's pure-Python loader (its marks are
character offsets into the text) and only the changed values are spliced in,
from the end backwards, the way pre-commit's ``migrate_config`` does: comments,
key order, quoting and the ``# yaml-language-server`` modeline stay exactly as
written.

What changes: ``metadata.name``, ``spec.period`` start and end, ``spec.status``
(set, or inserted after the period, as ``planned``) and, for a clone,
the whole ``spec.customer`` block, regenerated from the new customer: the old
customer's id, name, aliases, contacts and any comment inside the block are
gone. ``metadata.labels`` and ``annotations`` are kept: they classify the
package (tier, owner), they do not identify the customer. Comments outside the
customer block are kept too; :func:`mentions` lists any that still name the old
customer so the command can point at them.
"""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import yaml

from slactl.core.model import Agreement, Customer
from slactl.sanitize import yaml_double_quoted

if TYPE_CHECKING:
    from slactl.workspace.loader import Entry, Loaded

_PLAIN_SAFE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_ .@/+()-]*")
_STR_TAG = "tag:yaml.org,2002:str"
_resolver = yaml.resolver.Resolver()
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


class CloneError(ValueError):
    """The source cannot be edited safely (an alias where a value was expected, a missing key)."""


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` with ``new``."""

    start: int
    end: int
    new: str


# ---------------------------------------------------------------- periods and names

def same_length_end(src_start: date, src_end: date, new_start: date) -> date:
    """The end of a period starting at ``new_start`` as long as the source's.

    A period of whole calendar months (2026-01-01..2026-12-31, 2025-12-15..2026-06-14)
    stays whole months, so a yearly contract renewed into a leap year still ends
    on 31 December; any other period keeps its length in days.
    """
    from dateutil.relativedelta import relativedelta

    after = src_end + timedelta(days=1)
    months = (after.year - src_start.year) * 12 + after.month - src_start.month
    if months > 0 and after.day == src_start.day and src_start + relativedelta(months=months) == after:
        return new_start + relativedelta(months=months) - timedelta(days=1)
    return new_start + (src_end - src_start)


def renewed_by(loaded: Loaded, src: Agreement, start: date, end: date | None) -> tuple[Entry, Agreement] | None:
    """(entry, agreement) of another agreement for the same customer and services whose period
    meets the renewal's (the renewal someone made before), else None."""
    if end is None:
        try:
            end = same_length_end(src.start, src.end, start)
        except (ValueError, OverflowError):
            end = date.max
    for e in loaded.entries:
        other = e.obj
        if not isinstance(other, Agreement):
            continue
        if e.partial or other.name == src.name or other.status == "terminated":
            continue
        if (other.customer.id.casefold() == src.customer.id.casefold() and other.services == src.services
                and other.start <= end and start <= other.end):
            return e, other
    return None


def renewed_name(name: str, start: date, old_year: int | None = None) -> str:
    """``acme-support-2026`` -> ``acme-support-2027``; a name without a year gets ``-<year>``.

    The year in the name moves on by the years between the old and the new period
    (``old_year`` is the old period's start year), so a December-to-November contract
    named after its end year keeps being named after its end year.
    """
    years = list(_YEAR.finditer(name))
    if years:
        last = years[-1]
        shift = start.year - old_year if old_year is not None else None
        year = int(last.group()) + shift if shift else start.year
        if year == int(last.group()):
            year += 1
        return name[: last.start()] + str(year) + name[last.end():]
    return f"{name}-{start.year}"


# ---------------------------------------------------------------- documents

def extract_document(text: str, index: int) -> str:
    """The text of document ``index`` as a file of its own.

    The first document keeps everything before it; a later one gets the file's
    leading comment block (modeline and header) followed by its own text.
    """
    starts: list[tuple[int, int]] = []
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.DocumentStartEvent):
            starts.append((event.start_mark.index, event.end_mark.index))  # type: ignore[union-attr]
    if not 0 <= index < len(starts):
        raise CloneError(f"document {index + 1} not found")
    stop = starts[index + 1][0] if index + 1 < len(starts) else len(text)
    if index == 0:
        body = text[:stop]
    else:
        begin = starts[index][1]
        eol = text.find("\n", begin)
        rest = text[begin:eol if eol >= 0 else len(text)]
        if not rest.strip() or rest.lstrip().startswith("#"):  # the rest of the '---' line
            begin = eol + 1 if eol >= 0 else len(text)
        body = _header(text) + text[begin:stop]
    return body if body.endswith("\n") else body + "\n"


def _header(text: str) -> str:
    """The file's leading comment lines (modeline, description), up to the first other line."""
    out = []
    for line in text.splitlines(keepends=True):
        if not line.lstrip().startswith("#"):
            break
        out.append(line)
    return "".join(out)


# ---------------------------------------------------------------- the edit

def clone_text(text: str, *, name: str, start: date, end: date,
               customer: Customer | None) -> tuple[str, list[Edit]]:
    """The single-document agreement ``text`` with new values; also the edits made.

    ``customer`` None keeps the customer block (a renewal for the same customer).
    """
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is None:
        raise CloneError("the source is empty")
    meta = _value(root, "metadata")
    spec = _value(root, "spec")
    period = _value(spec, "period")
    edits = [
        _scalar_edit(_value(meta, "name"), name),
        _scalar_edit(_value(period, "start"), start.isoformat()),
        _scalar_edit(_value(period, "end"), end.isoformat()),
    ]
    status_node = _pair(spec, "status")
    if status_node is not None:
        edits.append(_scalar_edit(status_node[1], "planned"))
    else:
        edits.append(_insert_status(text, spec, _pair(spec, "period")))  # type: ignore[arg-type]
    if customer is not None:
        pair = _pair(spec, "customer")
        if pair is None:
            raise CloneError("the source has no spec.customer")
        edits.append(_customer_edit(text, pair[0], pair[1], customer))
    return apply(text, edits), edits


def apply(text: str, edits: list[Edit]) -> str:
    """Splice ``edits`` into ``text`` from the end backwards (they must not overlap)."""
    out = text
    last = len(text) + 1
    for e in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        if e.end > last:
            raise CloneError("overlapping edits")  # a bug, never a user's input
        out = out[: e.start] + e.new + out[e.end:]
        last = e.start
    return out


def _pair(node: yaml.Node, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            if v.start_mark.index < k.end_mark.index:
                raise CloneError(f"'{key}' is a YAML alias; write the value out to clone this agreement")
            return k, v
    return None


def _value(node: yaml.Node, key: str) -> yaml.Node:
    pair = _pair(node, key)
    if pair is None:
        raise CloneError(f"the source has no '{key}'")
    return pair[1]


def _scalar_edit(node: yaml.Node, value: str) -> Edit:
    if not isinstance(node, yaml.ScalarNode):
        raise CloneError(f"expected a single value at line {node.start_mark.line + 1}")
    return Edit(node.start_mark.index, node.end_mark.index, _scalar(value, node.style))


def _scalar(value: str, style: str | None = None) -> str:
    """``value`` as a YAML scalar, in the source's quoting style when it had one."""
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    if style == '"' or not _plain_ok(value):
        return yaml_double_quoted(value)
    return value


def _plain_ok(value: str) -> bool:
    if not _PLAIN_SAFE.fullmatch(value) or value != value.strip() or " #" in value:
        return False
    if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return True  # dates stay plain, as they are written by hand
    return _resolver.resolve(yaml.ScalarNode, value, (True, False)) == _STR_TAG


def _content_end(text: str, node: yaml.Node) -> int:
    """Where ``node``'s own text ends (a block collection's end mark runs on to the next key)."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        return _content_end(text, node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return _content_end(text, node.value[-1])
    end = node.end_mark.index
    while end > node.start_mark.index and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def _line_end(text: str, pos: int) -> int:
    eol = text.find("\n", pos)
    return len(text) if eol < 0 else eol


def _through_comments(text: str, pos: int, indent: int | None) -> int:
    """Extend ``pos`` over a trailing comment on its line and, when ``indent`` is
    given, over following comment lines indented at least that much."""
    eol = _line_end(text, pos)
    rest = text[pos:eol]
    if rest.strip() and not rest.lstrip().startswith("#"):
        return pos
    pos = eol
    while indent is not None and pos < len(text):
        nxt = _line_end(text, pos + 1)
        line = text[pos + 1:nxt].rstrip("\r")
        stripped = line.lstrip(" ")
        if not stripped.startswith("#") or len(line) - len(stripped) < indent:
            break
        pos = nxt
    if pos > 0 and text[pos - 1] == "\r":
        pos -= 1
    return pos


def _insert_status(text: str, spec: yaml.Node, period: tuple[yaml.Node, yaml.Node]) -> Edit:
    key, value = period
    end = _content_end(text, value)
    if getattr(spec, "flow_style", False):
        return Edit(end, end, ", status: planned")
    at = _through_comments(text, end, None)
    newline = "\r\n" if "\r\n" in text else "\n"
    return Edit(at, at, f"{newline}{' ' * key.start_mark.column}status: planned")


def customer_text(c: Customer, *, flow: bool, indent: int = 0, newline: str = "\n") -> str:
    """The customer mapping: id, name and contacts (``[]`` when none); never aliases."""
    items = [("id", _scalar(c.id))]
    if c.name is not None:
        items.append(("name", _scalar(c.name)))
    items.append(("contacts", "[" + ", ".join(_scalar(a) for a in c.contacts) + "]"))
    if flow:
        return "{" + ", ".join(f"{k}: {v}" for k, v in items) + "}"
    return (newline + " " * indent).join(f"{k}: {v}" for k, v in items)


def _customer_edit(text: str, key: yaml.Node, value: yaml.Node, c: Customer) -> Edit:
    """Replace everything from the ':' after ``customer`` to the end of its block, comments included."""
    colon = key.end_mark.index
    while colon < len(text) and text[colon] in " \t":
        colon += 1
    if text[colon:colon + 1] != ":":
        raise CloneError(f"cannot find the ':' after 'customer' on line {key.start_mark.line + 1}")
    newline = "\r\n" if "\r\n" in text else "\n"
    flow = not isinstance(value, yaml.MappingNode) or bool(value.flow_style)
    indent = value.start_mark.column
    end = _through_comments(text, _content_end(text, value), None if flow else indent)
    if flow:
        return Edit(colon, end, ": " + customer_text(c, flow=True))
    return Edit(colon, end, ":" + newline + " " * indent + customer_text(c, flow=False, indent=indent,
                                                                      newline=newline))


# ---------------------------------------------------------------- leftovers

def mentions(text: str, old: Customer) -> list[tuple[int, str]]:
    """Lines of ``text`` that still name the old customer (id, name, alias or contact)."""
    terms = {t for t in (old.name, *old.aliases, *old.contacts) if t and len(t.strip()) >= 3}
    if len(old.id) >= 3 and old.id != "*":
        terms.add(old.id)
    if not terms:
        return []
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(t.strip())}(?!\w)"
                                  for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        m = pattern.search(line)
        if m:
            found.append((number, m.group()))
    return found


# ---------------------------------------------------------------- validate and write

def validate_new(root: str, target: str, text: str, as_of: date):  # type: ignore[no-untyped-def]
    """Findings of the workspace with ``text`` added as ``target`` (nothing is written there).

    The text goes to a private temporary folder outside the workspace; findings
    about it are reported under ``target``'s name.
    """
    from slactl.workspace.checks import check_workspace
    from slactl.core.findings import Finding
    from slactl.workspace.loader import display_path, load_workspace

    from slactl.atomic import write_error

    with tempfile.TemporaryDirectory(prefix="slactl-clone-") as tmp:
        probe = os.path.join(tmp, os.path.basename(target))
        try:
            with open(probe, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        except OSError as exc:  # a full disk or ulimit -f: exit 2 "no space left", not an internal error
            raise write_error(probe, exc) from None
        loaded = load_workspace(root, [probe])
        findings = loaded.findings + check_workspace(loaded, as_of)
        shown, wanted = display_path(probe), display_path(target)
        return [Finding(wanted if f.file == shown else f.file, f.line, f.column, f.severity, f.code,
                        f.message.replace(shown, wanted)) for f in findings]


def write_new(path: str, text: str) -> None:
    """Create ``path`` atomically; refuses (exit 1) when it exists, even by a race."""
    from slactl.atomic import atomic_writer

    with atomic_writer(path, overwrite=False, newline="") as fh:
        fh.write(text)
