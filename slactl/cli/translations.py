"""The translations command: start a language, or check the workspace's translations."""

from typing import Annotated, Optional

import typer

from slactl.cli.base import ForceOpt, OutputOpt, WorkspaceOpt, app, err, output_to
from slactl.errors import InputError


@app.command()
def translations(
    ctx: typer.Context,
    lang: Annotated[Optional[str], typer.Option("--lang", help="Start this language: the file gets its code and plural rule (e.g. de, pt_BR).", show_default=False)] = None,
    check: Annotated[bool, typer.Option("--check", help="Check the workspace's translations/*.po instead: exit 1 naming the messages each one lacks.")] = False,
    workspace: WorkspaceOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Write the template of slactl's messages (.pot) to translate reports and mails.

    Copy it to WORKSPACE/translations/<lang>.po and translate it (Poedit, Weblate or any
    editor); --lang de makes --lang de of report and spec.language: de of notices use it.
    A file for a shipped language (en, ru, de) rewords only the phrases it has.

    \b
    Example:  slactl translations --lang de -o agreements/translations/de.po
    """
    from slactl.i18n import check_language

    if check:
        raise typer.Exit(_check(ctx, workspace))
    if lang is not None:
        import re

        if not re.fullmatch(r"[A-Za-z]{2,3}([_-][A-Za-z]{2,4})?", lang.strip()):
            raise InputError(f"--lang: '{lang}' is not a language code (like de or pt_BR)")
        try:
            lang = check_language(lang)
        except ValueError:
            lang = lang.strip().replace("-", "_")
    from slactl.i18n.build import template_text

    if output not in (None, "-"):  # a workspace's first language: its translations/ folder is made
        import os

        from slactl.cli.base import workspace_root

        folder = os.path.dirname(os.path.abspath(output))
        wanted = os.path.join(os.path.abspath(workspace_root(ctx, workspace)), "translations")
        if folder == wanted and not os.path.lexists(folder):
            os.mkdir(folder)
    with output_to(output, force) as out:
        out.write(template_text(lang))
    if output not in (None, "-"):
        err(f"slactl: wrote {output}")


def _check(ctx: typer.Context, workspace: str | None) -> int:
    """Every ``translations/*.po`` of the workspace read (errors exit 2); 1 when one lacks a message."""
    import os

    from slactl.cli.base import workspace_root
    from slactl.i18n import REGISTRY, use_workspace

    root = workspace_root(ctx, workspace)
    found: list[str] = []
    use_workspace(root, found.append)
    own = [lang for lang in REGISTRY.languages() if REGISTRY.workspace_file(lang)]
    if not own:
        print(f"{os.path.join(root, 'translations')}: no .po file (slactl translations --lang xx writes one)")
        return 0
    for lang in own:
        REGISTRY.chain(lang)
    for line in found:
        err(line)
    for lang in own:
        if not any(REGISTRY.workspace_file(lang) in w and "not translated" in w for w in found):  # type: ignore[operator]
            print(f"{REGISTRY.workspace_file(lang)}: complete" if lang not in REGISTRY.shipped_names()
                  else f"{REGISTRY.workspace_file(lang)}: rewords the shipped {lang}")
    return 1 if any("not translated" in w for w in found) else 0
