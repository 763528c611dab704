"""The README is true: every console example runs on a fresh copy of the repository and prints
what the README shows under it; every option of every command is in its reference; each
command's help example runs. ``python3 dev.py docs`` rewrites the shown output when it drifts."""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests import readme_runner as rr
from tests.conftest import ROOT

TEXT = rr.README.read_text(encoding="utf-8")
BLOCKS = rr.blocks(TEXT)


def _commands() -> dict[str, object]:
    from typer.main import get_command

    from slactl.cli import load_commands

    return dict(get_command(load_commands()).commands)  # type: ignore[attr-defined]


def test_the_readme_has_examples_to_run() -> None:
    assert len(BLOCKS) >= 15
    ran = {rr.argv(e)[1] if not rr.argv(e)[1].startswith("-") else rr.argv(e)[3]
           for b in BLOCKS for e in b.examples if rr.argv(e)[0] == "slactl"}
    assert ran >= set(_commands()), f"commands without a console example: {set(_commands()) - ran}"


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: f"README.md:{b.line}")
def test_console_example_prints_what_the_readme_shows(block: rr.Block, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    for example in block.examples:  # every path an example reads exists in a fresh copy
        for path in rr.input_paths(rr.argv(example)):
            written = {a for e in block.examples[:block.examples.index(example)] for o, a in
                       zip(rr.argv(e), rr.argv(e)[1:]) if o in rr.OUTPUT_OPTIONS}
            assert (ROOT / path).exists() or path in written, f"README.md:{example.line}: {path} does not exist"
    results = rr.run_block(block, tmp_path)
    for ran in results:
        where = f"README.md:{ran.example.line}: {ran.example.command}"
        text = "\n".join(ran.output)
        assert ran.code in (0, 1), f"{where}: exit {ran.code}\n{text}"
        assert "Traceback" not in text, f"{where}\n{text}"
        missing = rr.missing_lines(ran.example.shown, ran.output)
        assert not missing, (f"{where}: the README shows lines the run does not print (run `python3 dev.py docs`):\n"
                             + "\n".join(missing) + "\n--- the run printed:\n" + text)
    leftovers = [p for p in repo.rglob("*") if ".git" not in p.relative_to(repo).parts
                 and (p.name.startswith(".") or p.name.endswith((".lock", ".journal")))
                 and not (ROOT / p.relative_to(repo)).exists()]
    assert not leftovers, f"the examples left state in the repository: {leftovers}"


def test_regenerating_keeps_elisions_and_updates_lines() -> None:
    shown = ["head 1", "...", "row b 2", "row c 3", "...", "tail"]
    output = ["head 10", "row a", "row b 20", "row c 30", "row d", "tail"]
    assert rr.regenerate(shown, output) == ["head 10", "...", "row b 20", "row c 30", "...", "tail"]
    assert rr.regenerate(["old"], ["new", "lines"]) == ["new", "lines"]
    assert rr.missing_lines(shown, output) == ["head 1", "row b 2", "row c 3"]


def test_the_option_tables_are_what_dev_py_docs_writes() -> None:
    assert rr.with_option_tables(TEXT) == TEXT, "run `python3 dev.py docs`: an option table is out of date"


def _names(option: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text) is not None


def _section(command: str) -> str:
    """The README's reference section of ``command``: from its heading to the next heading of level 1-3
    (``#`` lines inside code blocks are not headings)."""
    taken: list[str] | None = None
    fenced = False
    for line in TEXT.split("\n"):
        if line.startswith("```"):
            fenced = not fenced
        heading = not fenced and re.match(r"#{1,3} ", line)
        if taken is not None and heading:
            break
        if taken is None and heading and re.match(rf"#+ `?slactl {command}`?\s*$", line):
            taken = []
        elif taken is not None:
            taken.append(line)
    assert taken is not None, f"the README has no heading 'slactl {command}'"
    return "\n".join(taken)


@pytest.mark.parametrize("command", sorted(_commands()))
def test_every_option_of_the_command_is_in_its_reference(command: str) -> None:
    section = _section(command)
    cmd = _commands()[command]
    for param in cmd.params:  # type: ignore[attr-defined]
        for opt in getattr(param, "opts", []):
            if opt.startswith("--"):
                assert _names(opt, section), f"slactl {command} {opt} is not in the README's section of {command}"


def test_global_options_are_in_the_readme() -> None:
    from typer.main import get_command

    from slactl.cli import load_commands

    for param in get_command(load_commands()).params:
        for opt in param.opts:
            assert _names(opt, TEXT), f"slactl {opt} is not in the README"


@pytest.mark.parametrize("command", sorted(_commands()))
def test_the_help_example_runs(command: str, tmp_path: Path) -> None:
    help_text = _commands()[command].help or ""  # type: ignore[attr-defined]
    examples = re.findall(r"Example:\s+(slactl .*)", help_text)
    assert examples, f"slactl {command} --help has no example"
    repo = rr.fresh_copy(tmp_path / "repo")
    for example in examples:  # every one, on a fresh clone
        args = shlex.split(example)
        for path in rr.input_paths(args):
            assert (repo / path).exists(), f"the help example of {command} names {path}, which does not exist"
        done = subprocess.run([sys.executable, "-m", "slactl", *args[1:]], cwd=repo,
                              env=rr.environment(tmp_path / "h"), capture_output=True, text=True, timeout=600,
                              stdin=subprocess.DEVNULL)
        assert done.returncode in (0, 1), f"{example}: exit {done.returncode}\n{done.stdout}{done.stderr}"
        assert "Traceback" not in done.stdout + done.stderr
        assert "refusing to overwrite" not in done.stderr, example


@pytest.mark.parametrize("command", ["clone", "mapping", "score", "explain"])
def test_help_examples_are_printed_on_one_line_to_paste(command: str) -> None:
    done = subprocess.run([sys.executable, "-m", "slactl", command, "--help"], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "80"}, timeout=60)
    shown = [line.strip() for line in done.stdout.splitlines() if line.strip().startswith("Example:")]
    wanted = re.findall(r"Example:\s+(slactl .*)", _commands()[command].help or "")  # type: ignore[attr-defined]
    assert [line.split(None, 1)[1] for line in shown] == wanted


def test_no_line_of_prose_is_said_twice() -> None:
    seen: dict[str, int] = {}
    fenced = False
    for number, line in enumerate(TEXT.split("\n"), 1):
        if line.strip().startswith("```"):
            fenced = not fenced
            continue
        words = line.strip()
        if fenced or len(words) < 30 or set(words) <= set("|-: "):
            continue
        assert words not in seen, f"README.md:{number} repeats line {seen[words]}: {words}"
        seen[words] = number


def test_every_link_of_the_readme_leads_somewhere() -> None:
    fenced = False
    anchors = set()
    for line in TEXT.split("\n"):
        if line.strip().startswith("```"):
            fenced = not fenced
        elif not fenced and (m := re.match(r"#+ (.*)", line)):
            anchors.add(re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-"))
    for target in re.findall(r"\]\(([^)]+)\)", TEXT):
        if target.startswith("#"):
            assert target[1:] in anchors, f"README: no heading for the link {target}"
        elif not target.startswith(("http://", "https://")):
            assert (ROOT / target).exists(), f"README links {target}, which does not exist"
