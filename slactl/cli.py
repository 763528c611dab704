"""The command line: a table of contents. Each command parses options, calls the
core, picks a reporter; exceptions become exit codes in ``SlactlGroup.invoke``."""
from __future__ import annotations

import contextlib
import os
import sys
from datetime import date, datetime
from typing import IO, Annotated, Any, Iterator, Optional

import typer
from typer.core import TyperGroup

from slactl import __version__
from slactl.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, InputError, SlactlError


class SlactlGroup(TyperGroup):
    """The one error boundary: user errors print one line, bugs one line (+ --debug)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except SlactlError as exc:
            _err(f"slactl: {exc.message}")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            _err("slactl: interrupted")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except BrokenPipeError:
            _quiet_pipe()
            raise typer.Exit(0) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - the boundary is the point
            if type(exc).__module__.startswith(("click", "typer")):
                raise
            if _debug(ctx):
                import traceback

                traceback.print_exc()
            else:
                _err(f"slactl: internal error: {type(exc).__name__}: {exc} (re-run with --debug for details)")
            raise typer.Exit(EXIT_INTERNAL) from None


def _debug(ctx: Any) -> bool:
    return bool((ctx.obj or {}).get("debug")) or os.environ.get("SLACTL_DEBUG") == "1"


def _err(message: str) -> None:
    from slactl.console import inert

    sys.stderr.write(inert(message) + "\n")
    sys.stderr.flush()


def _quiet_pipe() -> None:
    """After EPIPE, point stdout at /dev/null so the interpreter's final flush stays silent."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


app = typer.Typer(
    cls=SlactlGroup,
    name="slactl",
    help="Service Level Agreements kept as YAML in git: validate, clone, lifecycle and scoring.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    add_completion=False,
    rich_markup_mode=None,
)

WorkspaceOpt = Annotated[Optional[str], typer.Option(
    "--workspace", "-w", help="Workspace folder (default: $SLACTL_WORKSPACE or ./agreements).",
    envvar="SLACTL_WORKSPACE", show_default=False)]
OutputOpt = Annotated[Optional[str], typer.Option(
    "--output", "-o", help="Write the report to FILE (atomically; never overwrites without --force).")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Allow --output to replace an existing file.")]
AsOfDateOpt = Annotated[Optional[str], typer.Option(
    "--as-of", help="Evaluate as of this date (YYYY-MM-DD); default today.", show_default=False)]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"slactl {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    workspace: WorkspaceOpt = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """slactl keeps a support organisation's SLAs honest.

    Example:  slactl -w agreements score examples/generic.csv
    """
    ctx.obj = {"workspace": workspace, "debug": debug}


def _workspace(ctx: typer.Context, local: str | None) -> str:
    root = local or (ctx.obj or {}).get("workspace") or os.environ.get("SLACTL_WORKSPACE") or "agreements"
    if not os.path.exists(root):
        raise InputError(f"workspace {root} does not exist (use -w DIR or set SLACTL_WORKSPACE)")
    if not os.path.isdir(root):
        raise InputError(f"workspace {root} is not a folder")
    return root


def _as_of_date(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text.strip()[:10]) if len(text.strip()) >= 10 else date.fromisoformat(text)
    except ValueError:
        raise InputError(f"--as-of '{text}' is not a date (YYYY-MM-DD)") from None


@contextlib.contextmanager
def _output(path: str | None, force: bool, newline: str | None = None) -> Iterator[IO[str]]:
    """stdout, or an atomic write to ``path``."""
    if path is None or path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    from slactl.atomic import atomic_writer

    with atomic_writer(path, overwrite=force, newline=newline) as fh:
        yield fh


def _choose(fmt: str | None, output: str | None, allowed: tuple[str, ...]) -> str:
    from slactl.console import default_format

    if fmt is None:
        if os.environ.get("GITHUB_ACTIONS") == "true" and "github" in allowed and output is None:
            return "github"
        by_suffix = {".json": "json", ".csv": "csv", ".md": "markdown", ".html": "html", ".htm": "html"}
        suffix = os.path.splitext(output or "")[1].lower()
        fmt = by_suffix[suffix] if by_suffix.get(suffix) in allowed else default_format(output)
    fmt = fmt.lower()
    if fmt not in allowed:
        raise InputError(f"--format {fmt} is not available here; choose one of: {', '.join(allowed)}")
    return fmt


def _load(ctx: typer.Context, workspace: str | None, extra: list[str] = ()):  # type: ignore[no-untyped-def,assignment]
    from slactl.workspace import load_workspace

    root = _workspace(ctx, workspace)
    loaded = load_workspace(root, list(extra))
    if not loaded.files:
        raise InputError(f"workspace {root} holds no .yaml or .yml files (wrong -w folder?)")
    return loaded


def _require_clean(loaded: Any, as_of: date | None = None) -> None:
    """Refuse a workspace whose documents did not load (a typo would skew every figure);
    errors the commands handle themselves (an overlap becomes "ambiguous") are shown on
    stderr as warnings."""
    from slactl.checks import SCORABLE, check_workspace

    findings = loaded.errors + [f for f in check_workspace(loaded, as_of or date.today()) if f.severity == "error"]
    blocking = [f for f in findings if f.code not in SCORABLE]
    if blocking:
        shown = "\n".join("  " + str(f).replace("\n", "\\n") for f in blocking[:10])  # one line each
        more = f"\n  ... and {len(blocking) - 10} more" if len(blocking) > 10 else ""
        raise InputError(f"the workspace has {len(blocking)} error(s); run 'slactl validate':\n{shown}{more}")
    for f in findings:
        _err("slactl: warning: " + str(f).replace("\n", "\\n"))


# ---------------------------------------------------------------- validate

@app.command()
def validate(
    ctx: typer.Context,
    paths: Annotated[Optional[list[str]], typer.Argument(help="Files to report on (default: the whole workspace).",
                                                         show_default=False)] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f",
                                               help="table, text, json, github or markdown.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    as_of: AsOfDateOpt = None,
    workspace: WorkspaceOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Check agreement files: structure, references and meaning.

    The whole workspace is always loaded so references resolve; findings are
    reported for PATHS only when given (what pre-commit passes).

    Example:  slactl -w agreements validate --format json
    """
    from slactl.checks import check_workspace
    from slactl.findings import ERROR, sort_key
    from slactl.reporters.validate import REPORTERS

    from slactl.workspace import discover

    chosen = _choose(fmt, output, tuple(REPORTERS))
    files: list[str] = []
    for p in paths or ():  # pre-commit passes files; people may pass folders
        if os.path.isdir(p):
            files += discover(p)
        elif not os.path.exists(p):
            raise InputError(f"{p}: no such file")
        elif not p.endswith((".yaml", ".yml")):
            raise InputError(f"{p}: not a .yaml or .yml file")
        else:
            files.append(p)
    paths = files if paths else None
    loaded = _load(ctx, workspace, list(paths or ()))
    findings = loaded.findings + check_workspace(loaded, _as_of_date(as_of))
    files = loaded.files
    if paths:
        wanted = {os.path.realpath(p) for p in paths}
        findings = [f for f in findings if os.path.realpath(f.file) in wanted]
        files = [f for f in files if os.path.realpath(f) in wanted]
    findings.sort(key=sort_key)
    with _output(output, force) as out:
        REPORTERS[chosen](out, len(files), findings)
    failed = any(f.severity == ERROR for f in findings) or (strict and bool(findings))
    raise typer.Exit(1 if failed else 0)


# ---------------------------------------------------------------- schema

@app.command()
def schema(
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Print the JSON Schema of the file format (for editors and other tools).

    Example:  slactl schema -o slactl.schema.json
    """
    import json

    from slactl.schema import SCHEMA

    with _output(output, force) as out:
        json.dump(SCHEMA, out, indent=2)
        out.write("\n")


# ---------------------------------------------------------------- score

def _as_of_instant(text: str | None, tz: str) -> float:
    """--as-of for score: an ISO instant; naive values are in --tz; a date is its midnight."""
    if not text:
        return datetime.now().timestamp()
    from zoneinfo import ZoneInfo

    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"--as-of '{text}' is not an ISO 8601 date or timestamp (e.g. 2026-11-22T12:00:00Z)") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(tz))
    return value.timestamp()


def _fail_under(text: str | None) -> float | str | None:
    if text is None:
        return None
    if text.strip().lower() == "target":
        return "target"
    try:
        value = float(text.strip().rstrip("%"))
    except ValueError:
        raise InputError(f"--fail-under '{text}' must be a percentage (e.g. 95) or 'target'") from None
    if not 0 <= value <= 100:
        raise InputError(f"--fail-under {value} must be between 0 and 100")
    return value


@app.command()
def score(
    ctx: typer.Context,
    export: Annotated[str, typer.Argument(help="Ticket export (CSV).", metavar="EXPORT.csv", show_default=False)],
    preset: Annotated[str, typer.Option("--preset", "-p", help="auto, generic, zendesk, jira, freshdesk, servicenow.")] = "auto",
    mapping: Annotated[Optional[str], typer.Option("--mapping", help="YAML file mapping your export's columns (default: EXPORT.mapping.yaml beside the export, if there is one).")] = None,
    tz: Annotated[str, typer.Option("--tz", help="Time zone of timestamps without an offset.")] = "UTC",
    encoding: Annotated[Optional[str], typer.Option("--encoding", help="Force the export's encoding (e.g. cp1251).")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Measure open tickets up to this instant (default now).", show_default=False)] = None,
    fail_under: Annotated[Optional[str], typer.Option("--fail-under", help="Exit 1 when a group's compliance is below PCT, or 'target' for each agreement's own target.", show_default=False)] = None,
    group_by: Annotated[str, typer.Option("--group-by", help="agreement, customer, priority, service or month.")] = "agreement",
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="table, text, json, csv, markdown or html.")] = None,
    progress: Annotated[Optional[bool], typer.Option("--progress/--no-progress", help="Progress bar on stderr (default: when stderr is a terminal).", show_default=False)] = None,
    workspace: WorkspaceOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Score a ticket export against the agreements: per ticket and per agreement x priority.

    Example:  slactl score examples/generic.csv --as-of 2026-11-22T12:00:00Z --fail-under target
    """
    from slactl.reporters.score import REPORTERS
    from slactl.scoring import GROUP_BYS
    from slactl.scorerun import run_score

    chosen = _choose(fmt, output, tuple(REPORTERS))
    if group_by not in GROUP_BYS:
        raise InputError(f"--group-by {group_by}: choose one of {', '.join(GROUP_BYS)}")
    threshold = _fail_under(fail_under)
    loaded = _load(ctx, workspace)
    _require_clean(loaded)
    from slactl.exports import open_export

    if mapping is None and preset == "auto":  # EXPORT.mapping.yaml beside the export is used by itself
        beside = os.path.splitext(export)[0] + ".mapping.yaml"
        if os.path.isfile(beside):
            mapping = beside
            _err(f"slactl: reading {export} through the column mapping {beside}")
    with open_export(export, preset=preset, tz=tz, encoding=encoding, mapping=mapping) as source:
        for warning in source.warnings:
            _err(f"slactl: warning: {source.path}: {warning}")
        as_of_t = _as_of_instant(as_of, source.timezone)
        with _output(output, force, newline="" if chosen == "csv" else None) as out:
            said = len(source.warnings)
            scorer = run_score(loaded.workspace, source, as_of_t, REPORTERS[chosen], out, group_by=group_by,
                               progress=progress)
        for warning in source.warnings[said:]:  # learnt while reading (event-log collapse...)
            _err(f"slactl: warning: {source.path}: {warning}")
    if scorer.created_after_as_of:
        _err(f"slactl: warning: {scorer.created_after_as_of} ticket(s) were created after --as-of "
             f"{as_of or 'now'}; is --as-of right?")
    raise typer.Exit(_score_exit(scorer, threshold))


def _score_exit(scorer: Any, threshold: float | str | None) -> int:
    """--fail-under: 'target' judges each agreement x priority against its own target;
    a percentage judges the rows shown (the --group-by groups). Nothing judged fails too."""
    if threshold is None:
        return 0
    rows = scorer.summary() if threshold == "target" else scorer.grouped()
    judged = [r for r in rows if r.get("compliance_pct") is not None]
    if not judged:
        _err("slactl: --fail-under: no ticket could be judged (nothing met or breached)")
        return 1
    if threshold == "target":
        below = [r for r in judged if r.get("ok") is False]
    else:
        below = [r for r in judged if r["compliance_pct"] < threshold]  # type: ignore[operator]
    for r in below:
        name = " / ".join(str(v) for k, v in r.items() if k not in _NUMBERS)
        goal = r["target_pct"] if threshold == "target" else threshold
        _err(f"slactl: below target: {name}: {r['compliance_pct']}% < {goal}%")
    return 1 if below else 0


_NUMBERS = {"tickets", "met", "breached", "pending", "missing", "unmeasured", "compliance_pct", "target_pct", "ok",
            "at_risk", "median_minutes", "p90_minutes", "mean_minutes"}


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point."""
    try:
        app(args=argv, prog_name="slactl")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_USAGE)
    return 0


from slactl import cli_lifecycle  # noqa: E402  (the lifecycle commands: list, clone, renew, expiring, notify)

cli_lifecycle.register(app)
