"""The README's console examples, run as a user runs them, and the README rewritten from real runs.

A ```console block holds commands (``$ slactl ...``; a line ending in ``\\`` continues on
the next) each followed by the output it prints; ``...`` on a line of its own stands for
lines left out. ``$ echo $?`` prints the exit code of the command before it.

Each block runs on a fresh copy of the repository (a ``git clone`` of this checkout, so
``slactl diff`` has a history; outside git, a copy of its files), its commands in order, with
``NO_COLOR=1``, ``COLUMNS=100`` and a private ``HOME`` and ``XDG_STATE_HOME``: stdout and
stderr together, as a terminal shows them.

``python3 dev.py docs`` (``python -m tests.readme_runner --write``) rewrites the shown output
from those runs, keeping where the README elides: each run of shown lines between ``...``
lines is replaced by as many lines of the real output, from the line that best matches its
first one. It also rewrites the option tables of the command reference (between
``<!-- options: CMD -->`` and ``<!-- /options -->``) from the commands' own help.
"""
from __future__ import annotations

import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
ELIDED = "..."
OUTPUT_OPTIONS = ("-o", "--output", "--state")  # their values are written, not read
PATH_SUFFIXES = (".csv", ".xlsx", ".yaml", ".yml", ".json", ".po", ".pot", ".txt", ".html", ".md")


@dataclass
class Example:
    command: str                 # the command line after "$ ", continuations joined
    shown: list[str]             # the output lines the README shows under it
    line: int                    # 1-based line of the "$" in the README
    out_start: int = 0           # 0-based index in the README's lines of the first output line
    out_end: int = 0             # one past the last


@dataclass
class Block:
    line: int
    examples: list[Example] = field(default_factory=list)


def blocks(text: str) -> list[Block]:
    """Every ```console block of ``text`` with its commands and their shown output."""
    lines = text.split("\n")
    found: list[Block] = []
    i = 0
    while i < len(lines):
        if lines[i].strip() != "```console":
            i += 1
            continue
        block = Block(i + 1)
        i += 1
        current: Example | None = None
        while i < len(lines) and lines[i].strip() != "```":
            if lines[i].startswith("$ "):
                start = i
                command = lines[i][2:]
                while command.endswith("\\") and i + 1 < len(lines):
                    i += 1
                    command = command[:-1].rstrip() + " " + lines[i].strip()
                current = Example(command.strip(), [], start + 1, i + 1, i + 1)
                block.examples.append(current)
            elif current is not None:
                current.shown.append(lines[i])
                current.out_end = i + 1
            i += 1
        for example in block.examples:  # blank lines between one output and the next "$" are layout
            while example.shown and not example.shown[-1].strip():
                example.shown.pop()
                example.out_end -= 1
        found.append(block)
        i += 1
    return found


def argv(example: Example) -> list[str]:
    return shlex.split(example.command)


VALUE_OPTIONS = ("--tz", "--as-of", "--period", "--customer", "-c", "--agreement", "-a", "--service",
                 "--lang", "--format", "-f", "--fail-under", "--group-by", "--preset", "-p")


def input_paths(args: list[str]) -> list[str]:
    """The arguments of a command line that name files it reads."""
    paths = []
    skip = False
    for arg in args[1:]:
        if skip:
            skip = False
            continue
        if arg in OUTPUT_OPTIONS or arg in VALUE_OPTIONS:  # written, or not a file (--tz Europe/Moscow)
            skip = True
            continue
        if arg.startswith("-"):
            continue
        if "/" in arg or arg.endswith(PATH_SUFFIXES):
            paths.append(arg)
    return paths


# ---------------------------------------------------------------- the fresh copy

def fresh_copy(target: Path) -> Path:
    """The repository at ``target``: a git clone of this checkout, else a copy of its files."""
    if (ROOT / ".git").exists() and shutil.which("git"):
        done = subprocess.run(["git", "clone", "--quiet", "--local", str(ROOT), str(target)],
                              capture_output=True, text=True, timeout=120)
        if done.returncode == 0:
            return target
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", ".pytest_cache",
                                                                ".hypothesis", "*.egg-info"))
    return target


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACTL_", "XDG_", "GITHUB_"))}
    env.update(NO_COLOR="1", COLUMNS="100", LINES="50", TERM="dumb", PYTHONUNBUFFERED="1", HOME=str(home),
               XDG_STATE_HOME=str(home / "state"), XDG_CACHE_HOME=str(home / "cache"), TZ="UTC",
               PYTHONIOENCODING="utf-8")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


@dataclass
class Ran:
    example: Example
    code: int
    output: list[str]


def run_block(block: Block, base: Path) -> list[Ran]:
    """Run the block's commands in order on a fresh copy under ``base``."""
    repo = fresh_copy(base / "repo")
    env = environment(base / "home")
    results: list[Ran] = []
    last = 0
    for example in block.examples:
        args = argv(example)
        if args[:2] == ["echo", "$?"]:
            results.append(Ran(example, 0, [str(last)]))
            continue
        if not args or args[0] != "slactl":
            raise AssertionError(f"README line {example.line}: only 'slactl' commands and 'echo $?' run in a "
                                 f"console block, not {example.command!r}")
        done = subprocess.run([sys.executable, "-m", "slactl", *args[1:]], cwd=repo, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
        text = done.stdout.decode("utf-8", "replace")
        last = done.returncode
        results.append(Ran(example, done.returncode, [line.rstrip() for line in text.rstrip("\n").split("\n")]
                           if text.strip() else []))
    return results


# ---------------------------------------------------------------- comparing and rewriting

def missing_lines(shown: list[str], output: list[str]) -> list[str]:
    """The shown lines (not ``...``) that the output lacks, matched in order."""
    missing = []
    at = 0
    for line in (s.rstrip() for s in shown):
        if line == ELIDED:
            continue
        try:
            at = output.index(line, at) + 1
        except ValueError:
            missing.append(line)
    return missing


def regenerate(shown: list[str], output: list[str]) -> list[str]:
    """The shown output rewritten from ``output``, keeping the README's elisions (module docstring)."""
    if ELIDED not in (s.rstrip() for s in shown):
        return list(output)
    result: list[str] = []
    at = 0
    segment: list[str] = []

    def flush() -> None:
        nonlocal at
        if not segment:
            return
        head = segment[0].rstrip()
        rest = output[at:]
        if head in rest:
            start = at + rest.index(head)
        else:
            close = difflib.get_close_matches(head, rest, n=1, cutoff=0.0)
            start = at + rest.index(close[0]) if close else at
        taken = output[start:start + len(segment)]
        result.extend(taken)
        at = start + len(taken)
        segment.clear()

    for line in shown:
        if line.rstrip() == ELIDED:
            flush()
            result.append(ELIDED)
        else:
            segment.append(line)
    flush()
    return result


def option_table(command: str) -> list[str]:
    """The Markdown table of ``command``'s options, from its own help."""
    from typer.main import get_command

    from slactl.cli import load_commands

    group = get_command(load_commands())
    cmd = group.commands[command]  # type: ignore[attr-defined]
    rows = [f"| {command} option | what it does |", "|---|---|"]  # (the command in each row: no line twice)
    for param in cmd.params:
        if not getattr(param, "opts", None) or param.param_type_name == "argument":
            continue
        names = ", ".join(f"`{o}`" for o in sorted(param.opts + param.secondary_opts, key=len))
        text = " ".join((getattr(param, "help", None) or "").split()).replace("|", "\\|")
        rows.append(f"| {command} {names} | {text} |")
    return rows


OPTIONS_BLOCK = re.compile(r"<!-- options: (\w+) -->\n.*?<!-- /options -->", re.S)


def with_option_tables(text: str) -> str:
    def table(match: re.Match[str]) -> str:
        name = match.group(1)
        body = "\n".join(option_table(name))
        return (f"<!-- options: {name} -->\n<details><summary>Every option of <code>slactl {name}</code></summary>"
                f"\n\n{body}\n\n</details>\n<!-- /options -->")
    return OPTIONS_BLOCK.sub(table, text)


def rewrite(text: str, runs: list[list[Ran]]) -> str:
    lines = text.split("\n")
    edits = []
    for ran_block in runs:
        for ran in ran_block:
            edits.append((ran.example.out_start, ran.example.out_end, regenerate(ran.example.shown, ran.output)))
    for start, end, new in sorted(edits, reverse=True):
        lines[start:end] = new
    return with_option_tables("\n".join(lines))


def run_all(text: str) -> list[list[Ran]]:
    found = blocks(text)
    with tempfile.TemporaryDirectory(prefix="slactl-readme-") as tmp:
        return [run_block(block, Path(tmp) / f"block{n}") for n, block in enumerate(found)]


def main() -> int:
    text = README.read_text(encoding="utf-8")
    runs = run_all(text)
    bad = [r for block in runs for r in block if r.code not in (0, 1)
           and r.example.command.split()[:2] != ["echo", "$?"]]
    for r in bad:
        print(f"README.md:{r.example.line}: exit {r.code}: {r.example.command}", file=sys.stderr)
    new = rewrite(text, runs)
    if "--write" in sys.argv[1:]:
        if new != text:
            README.write_text(new, encoding="utf-8")
            print(f"README.md: rewrote the output of {sum(len(b) for b in runs)} example(s)")
        else:
            print("README.md: every example prints what it shows")
    else:
        sys.stdout.writelines(difflib.unified_diff(text.splitlines(True), new.splitlines(True), "README.md",
                                                   "README.md (from real runs)"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
