"""Catalogue tools: compile the shipped ``.po`` files to ``.mo``, write the ``.pot`` template.

    python -m slactl.i18n.build      (what ``python3 dev.py catalogues`` runs)

The template is ``en.po`` with the English text moved into a comment, so a translator's
tool (Poedit, Weblate, ``msginit``) starts a language from it; ``slactl translations``
writes the same file for a workspace.
"""
from __future__ import annotations

import io
import os
import sys

from slactl.i18n.catalogues import LOCALES, SHIPPED


def _read(path: str):  # type: ignore[no-untyped-def]
    from babel.messages.pofile import read_po

    with open(path, "rb") as fh:
        return read_po(fh)


def mo_bytes(po_path: str) -> bytes:
    """The compiled form of ``po_path``, as :func:`compile_all` writes it."""
    from babel.messages.mofile import write_mo

    from datetime import datetime, timezone

    catalog = _read(po_path)
    # the .po has no dates (git keeps them); fixed ones keep the .mo the same for the same .po
    catalog.creation_date = catalog.revision_date = datetime(2026, 1, 1, tzinfo=timezone.utc)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    return buf.getvalue()


def template_text(lang: str | None = None) -> str:
    """The ``.pot``: every message id of slactl, untranslated, its English text as a comment;
    with ``lang``, a ``.po`` to start that language (its language and plural rule in the header)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    english = _read(os.path.join(LOCALES, "en.po"))
    pot = Catalog(locale=lang, project="slactl", domain="slactl", fuzzy=False, header_comment=(
        "# slactl's messages: copy to WORKSPACE/translations/<lang>.po and translate.\n"
        "# Placeholders in braces ({customer}) are filled in by slactl: keep them as they are."))
    for msg in english:
        if not msg.id:
            continue
        strings = msg.string if isinstance(msg.string, (tuple, list)) else (msg.string,)
        english_text = " | ".join(strings)
        empty = ("",) * (pot.num_plurals if lang else 2)
        pot.add(msg.id, "" if not isinstance(msg.id, (tuple, list)) else empty,
                auto_comments=[*msg.auto_comments, "English: " + english_text], flags=msg.flags)
    buf = io.BytesIO()
    write_po(buf, pot, width=100, include_lineno=False, omit_header=False)
    lines = buf.getvalue().decode("utf-8").splitlines(keepends=True)
    drop = ("\"POT-Creation-Date", "\"PO-Revision-Date", "\"Generated-By", "\"Language-Team")
    return "".join(line for line in lines if not line.startswith(drop))


def compile_all() -> list[str]:
    """Write every shipped ``<lang>.mo`` and ``slactl.pot``; the paths written."""
    written = []
    for lang in SHIPPED:
        po = os.path.join(LOCALES, f"{lang}.po")
        with open(po[:-3] + ".mo", "wb") as fh:
            fh.write(mo_bytes(po))
        written.append(po[:-3] + ".mo")
    pot = os.path.join(LOCALES, "slactl.pot")
    with open(pot, "w", encoding="utf-8") as fh:
        fh.write(template_text())
    return [*written, pot]


if __name__ == "__main__":
    for path in compile_all():
        sys.stdout.write(path + "\n")
