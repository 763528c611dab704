"""The Typer application, the one error boundary and the options every command shares.

Commands live one group per module beside this one (validate, score, lifecycle) and
register themselves on ``app`` when ``slactl.cli`` imports them."""

import contextlib
import os
import sys
from datetime import date, datetime, timezone
from typing import IO, TYPE_CHECKING, Annotated, Any, Iterator, Optional

import typer
from typer.core import TyperGroup

from slactl import __version__
from slactl.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, InputError, SlactlError

if TYPE_CHECKING:
    from slactl.core.asof import AsOf


class SlactlGroup(TyperGroup):
    """The one error boundary: user errors print one line, bugs one line (+ --debug)."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            for param in command.params:
                _name_metavar(param)
        return command

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except SlactlError as exc:
            err(f"slactl: {exc.message}")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err("slactl: interrupted")
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
                err(f"slactl: internal error: {type(exc).__name__}: {exc} (re-run with --debug for details)")
            raise typer.Exit(EXIT_INTERNAL) from None


def _name_metavar(param: Any) -> None:
    """An option's value is named in words (``--state STATE``), never by its type (``<str>``)."""
    if getattr(param, "metavar", "") is None and not getattr(param, "is_flag", True) and param.opts:
        longest = max(param.opts, key=len)
        name = longest.lstrip("-").replace("-", "_").upper()
        param.metavar = {"AS_OF": "WHEN", "START": "DATE", "END": "DATE", "WITHIN": "DAYS"}.get(name, name)


def _debug(ctx: Any) -> bool:
    return bool((ctx.obj or {}).get("debug")) or os.environ.get("SLACTL_DEBUG") == "1"


def err(message: str) -> None:
    from slactl.sanitize import terminal_text

    sys.stderr.write(terminal_text(message) + "\n")
    sys.stderr.flush()


def _quiet_pipe() -> None:
    """After EPIPE, point stdout at /dev/null so the interpreter's final flush stays silent."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _typer_app() -> typer.Typer:
    return typer.Typer(
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


app = _typer_app()
"""The command line; each command module registers its commands on it."""

WorkspaceOpt = Annotated[Optional[str], typer.Option(
    "--workspace", "-w", metavar="DIR", help="Workspace folder (default: $SLACTL_WORKSPACE or ./agreements).",
    envvar="SLACTL_WORKSPACE", show_default=False)]
OutputOpt = Annotated[Optional[str], typer.Option(
    "--output", "-o", metavar="FILE", help="Write the report to FILE (atomically; never overwrites without --force).")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Allow --output to replace an existing file.")]
AsOfDateOpt = Annotated[Optional[str], typer.Option(
    "--as-of", metavar="DATE", help="Evaluate as of this date (YYYY-MM-DD; a time counts as its date as written); default today.",
    show_default=False)]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"slactl {__version__}")
        raise typer.Exit()


def main_options(
    ctx: typer.Context,
    workspace: WorkspaceOpt = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """slactl keeps a support organisation's SLAs honest.

    \b
    Example:  slactl -w agreements score examples/generic.csv
    """
    ctx.obj = {"workspace": workspace, "debug": debug}


app.callback()(main_options)


def listing_app(summaries: dict[str, str]) -> typer.Typer:
    """An app with the same options whose commands only have their names and summaries: what
    ``slactl --help`` (or ``--version``, or no command at all) needs, without importing a
    single command module."""
    listing = _typer_app()
    listing.callback()(main_options)
    for name, summary in summaries.items():
        listing.command(name, help=summary)(_listed_only)
    return listing


def _listed_only() -> None:  # pragma: no cover - a listing app never runs a command
    raise AssertionError("a command of the listing app ran")


def _from_environment(ctx: Any) -> bool:
    """Whether this context's ``--workspace`` came from $SLACTL_WORKSPACE, not the command line."""
    source = ctx.get_parameter_source("workspace") if ctx is not None else None
    return source is not None and source.name == "ENVIRONMENT"


def workspace_root(ctx: typer.Context, local: str | None) -> str:
    """The workspace: -w after the command, else -w before it, else $SLACTL_WORKSPACE, else ./agreements."""
    given = (ctx.obj or {}).get("workspace")
    if local is not None and _from_environment(ctx) and given is not None and not _from_environment(ctx.parent):
        local = None  # the command's value is only the environment's: the global -w wins
    root = local or given or os.environ.get("SLACTL_WORKSPACE") or "agreements"
    if not os.path.exists(root):
        raise InputError(f"workspace {root} does not exist (use -w DIR or set SLACTL_WORKSPACE)")
    if not os.path.isdir(root):
        raise InputError(f"workspace {root} is not a folder")
    return root


def date_value(option: str, text: str | None) -> "date | None":
    """A date option (YYYY-MM-DD), or None when it is not given."""
    from datetime import date

    if text is None:
        return None
    s = text.strip()
    try:
        if len(s) != 10:
            raise ValueError
        return date.fromisoformat(s)
    except ValueError:
        raise InputError(f"{option} '{text}' is not a valid date (YYYY-MM-DD)") from None


def as_of_value(text: str | None) -> "AsOf":
    """--as-of, parsed once per command: the one place a command reads the clock (README "Commands")."""
    from slactl.core.asof import AsOf

    # the local offset: without --as-of, "today" is the local calendar day
    now = datetime.now(timezone.utc).astimezone()
    return AsOf.parse(text, now, zone_hint=_zone_hint)


def _zone_hint(name: str) -> str:
    from slactl.exports.sniff import zone_hint

    return zone_hint(name)


def fail_under_value(text: str | None) -> float | str | None:
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


@contextlib.contextmanager
def output_to(path: str | None, force: bool, newline: str | None = None) -> Iterator[IO[str]]:
    """stdout, or an atomic write to ``path``."""
    if path is None or path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    from slactl.atomic import atomic_writer

    with atomic_writer(path, overwrite=force, newline=newline) as fh:
        yield fh


def choose_format(fmt: str | None, output: str | None, allowed: tuple[str, ...]) -> str:
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


def load(ctx: typer.Context, workspace: str | None, extra: list[str] = ()):  # type: ignore[no-untyped-def,assignment]
    from slactl.workspace import holidaydata
    from slactl.workspace.loader import load_workspace

    holidaydata.install()  # public holidays computed on an earlier run come from disk
    root = workspace_root(ctx, workspace)
    loaded = load_workspace(root, list(extra))
    if not loaded.files:
        raise InputError(f"workspace {root} holds no .yaml or .yml files (wrong -w folder?)")
    return loaded


def require_clean(loaded: Any, day: date) -> None:
    """Refuse a workspace whose documents did not load (a typo would skew every figure);
    errors the commands handle themselves (an overlap becomes "ambiguous") are shown on
    stderr as warnings."""
    from slactl.workspace.checks import SCORABLE, check_workspace

    findings = loaded.errors + [f for f in check_workspace(loaded, day) if f.severity == "error"]
    blocking = [f for f in findings if f.code not in SCORABLE]
    if blocking:
        shown = "\n".join("  " + str(f).replace("\n", "\\n") for f in blocking[:10])  # one line each
        more = f"\n  ... and {len(blocking) - 10} more" if len(blocking) > 10 else ""
        raise InputError(f"the workspace has {len(blocking)} error(s); run 'slactl validate':\n{shown}{more}")
    for f in findings:
        err("slactl: warning: " + str(f).replace("\n", "\\n"))


def main(argv: list[str] | None = None, command_line: typer.Typer | None = None) -> int:
    """Run ``command_line`` (default: ``app``) on ``argv``; returns the exit code."""
    try:
        (command_line or app)(args=argv, prog_name="slactl")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_USAGE)
    return 0
