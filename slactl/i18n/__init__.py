"""The words of slactl's pages and mails, in the reader's language (README "Languages").

Messages live in gettext catalogues (:mod:`slactl.i18n.catalogues`): ``text(lang, key,
**values)`` fills one in, ``plural(lang, key, n, **values)`` picks the form for ``n``
("1 заявка", "2 заявки", "5 заявок"). Numbers, percentages, money, dates and durations
are written by :mod:`slactl.i18n.formats` with CLDR data (Babel), imported only by the
commands that format pages.

Adding a message: write it in ``slactl/locales/en.po`` and ``ru.po`` (and ``de.po``),
run ``python3 dev.py catalogues``; the tests fail until every language has it.
"""
from __future__ import annotations

from slactl.i18n.catalogues import REGISTRY, SHIPPED, text  # noqa: F401
from slactl.i18n.formats import (  # noqa: F401 - the one place pages import formatting from
    date_text, day_text, days_text, duration, money, month_label, number, percent, period_text, plural,
    window_label,
)

LANGUAGES = SHIPPED


def languages() -> list[str]:
    """The languages ``--lang`` accepts: shipped ones and the workspace's ``translations/*.po``."""
    return REGISTRY.languages()


def check_language(lang: str) -> str:
    """``lang`` normalised (``RU`` -> ``ru``); ValueError naming the known ones otherwise."""
    code = (lang or "").strip().replace("-", "_")
    code = code.lower() if "_" not in code else code.split("_")[0].lower() + "_" + code.split("_")[1].upper()
    known = languages()
    if code not in known:
        raise ValueError(f"language '{lang}' is not available; choose one of: {', '.join(known)} "
                         f"(or start one in the workspace: slactl translations --lang {code} "
                         f"-o WORKSPACE/translations/{code}.po)")
    return code


def use_workspace(root: str | None, warn: object = None) -> None:
    """Let the workspace at ``root`` add languages and reword messages (``translations/*.po``)."""
    REGISTRY.use_workspace(root, warn if callable(warn) else None)
