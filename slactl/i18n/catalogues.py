"""Where the words come from: gettext catalogues, shipped and the workspace's own.

Shipped languages are ``slactl/locales/<lang>.po`` (the source translators edit, with
Poedit, Weblate or any text editor) compiled to ``<lang>.mo`` beside it
(``python3 dev.py catalogues``; a test fails when a ``.mo`` is older than its ``.po``).
Reading a compiled ``.mo`` takes the standard library a millisecond; parsing the ``.po``
with Babel would take some 50 ms of every report.

A workspace adds or overrides a language with ``WORKSPACE/translations/<lang>.po``: its
messages come first, then the shipped catalogue of that language, then English, so a
provider can reword one phrase ("breached") of a shipped language, or bring a whole
new one. Message ids are keys (``report_title``); ``en.po`` holds the English text.
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from typing import Callable

from slactl.errors import InputError

LOCALES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "locales")
SHIPPED = ("en", "ru", "de")
_CODE = re.compile(r"[a-z]{2,3}(?:_[A-Za-z]{2,4})?")
_FIELD = re.compile(r"{(\w*)[^{}]*}")


@dataclass(slots=True)
class Catalogue:
    """One language's messages: ``key -> text``, ``key -> (forms...)`` and how to pick a form."""

    lang: str
    messages: dict[str, str] = field(default_factory=dict)
    plurals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    plural_index: Callable[[int], int] = lambda n: 0 if n == 1 else 1


def _from_mo(lang: str, path: str) -> Catalogue:
    import gettext

    with open(path, "rb") as fh:
        mo = gettext.GNUTranslations(fh)
    cat = Catalogue(lang, plural_index=mo.plural)  # type: ignore[attr-defined]
    forms: dict[str, dict[int, str]] = {}
    for key, value in mo._catalog.items():  # type: ignore[attr-defined]
        if isinstance(key, tuple):
            forms.setdefault(key[0], {})[key[1]] = value
        elif key:
            cat.messages[key] = value
    cat.plurals = {k: tuple(v[i] for i in sorted(v)) for k, v in forms.items()}
    return cat


def read_po(lang: str, path: str) -> tuple[Catalogue, dict[str, int]]:
    """A ``.po`` file as a catalogue, and each key's line (for messages naming it).
    Untranslated and fuzzy entries are left out: they fall back."""
    import gettext

    from babel.messages.pofile import PoFileError
    from babel.messages.pofile import read_po as babel_read_po

    try:
        with open(path, "rb") as fh:
            po = babel_read_po(fh, abort_invalid=True)
    except PoFileError as exc:
        raise InputError(f"{path}: not a gettext .po file: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read ({exc})") from None
    try:
        chooser = gettext.c2py(po.plural_expr)
    except ValueError:
        raise InputError(f"{path}: the Plural-Forms header is not a gettext plural expression") from None
    cat = Catalogue(lang, plural_index=chooser)
    lines: dict[str, int] = {}
    for msg in po:
        if not msg.id or msg.fuzzy:
            continue
        key = msg.id[0] if isinstance(msg.id, (tuple, list)) else msg.id
        lines[key] = msg.lineno or 0
        if isinstance(msg.string, (tuple, list)):
            if all(msg.string):
                cat.plurals[key] = tuple(msg.string)
        elif msg.string:
            cat.messages[key] = msg.string
    return cat, lines


def fields(template: str) -> set[str]:
    """The ``{name}`` placeholders of a message."""
    return {m.group(1) for m in _FIELD.finditer(template.replace("{{", "").replace("}}", ""))}


class Registry:
    """The languages of this run: shipped catalogues, overlaid by the workspace's."""

    def __init__(self) -> None:
        self.root: str | None = None
        self.warn: Callable[[str], object] = lambda m: sys.stderr.write(m + "\n")
        self._loaded: dict[str, list[Catalogue]] = {}

    def use_workspace(self, root: str | None, warn: Callable[[str], object] | None = None) -> None:
        self.root = root
        self._loaded.clear()
        if warn is not None:
            self.warn = warn

    def shipped_names(self) -> tuple[str, ...]:
        return SHIPPED

    def workspace_file(self, lang: str) -> str | None:
        if self.root is None:
            return None
        path = os.path.join(self.root, "translations", f"{lang}.po")
        return path if os.path.isfile(path) else None

    def languages(self) -> list[str]:
        """Shipped languages, then the workspace's own (``translations/*.po``)."""
        extra: list[str] = []
        folder = os.path.join(self.root, "translations") if self.root else None
        if folder and os.path.isdir(folder):
            extra = sorted(n[:-3] for n in os.listdir(folder) if n.endswith(".po") and _CODE.fullmatch(n[:-3]))
        return list(SHIPPED) + [x for x in extra if x not in SHIPPED]

    def chain(self, lang: str) -> list[Catalogue]:
        """Where ``lang``'s words are looked up, first to last (English always last)."""
        found = self._loaded.get(lang)
        if found is None:
            found = self._loaded[lang] = self._load(lang)
        return found

    def _load(self, lang: str) -> list[Catalogue]:
        out: list[Catalogue] = []
        english = self._shipped("en")
        own = self.workspace_file(lang)
        if own is not None:
            cat, lines = read_po(lang, own)
            self._check(own, cat, lines, english)
            out.append(cat)
        if lang in SHIPPED:
            out.append(self._shipped(lang))
        elif own is None:
            self.warn(f"slactl: warning: language '{lang}' has no catalogue (shipped: {', '.join(SHIPPED)}; "
                      f"or add translations/{lang}.po to the workspace): written in English")
        else:
            missing = sorted(k for k in set(english.messages) | set(english.plurals)
                             if k not in out[0].messages and k not in out[0].plurals)
            if missing:
                self.warn(f"slactl: warning: {own}: {len(missing)} message(s) not translated, shown in English: "
                          + ", ".join(missing))
        if lang != "en":
            own_en = self.workspace_file("en")
            if own_en is not None:
                cat, lines = read_po("en", own_en)
                self._check(own_en, cat, lines, english)
                out.append(cat)
        out.append(english)
        return out

    def _shipped(self, lang: str) -> Catalogue:
        key = "\0" + lang
        if key not in self._loaded:
            self._loaded[key] = [_from_mo(lang, os.path.join(LOCALES, f"{lang}.mo"))]
        return self._loaded[key][0]

    def _check(self, path: str, cat: Catalogue, lines: dict[str, int], english: Catalogue) -> None:
        """A translation may use only the placeholders of the English message; unknown ids are named."""
        unknown = sorted(k for k in lines if k not in english.messages and k not in english.plurals)
        if unknown:
            self.warn(f"slactl: warning: {path}: {len(unknown)} unknown message id(s) ignored: {', '.join(unknown)}")
        for key, value in [*cat.messages.items(), *((k, f) for k, fs in cat.plurals.items() for f in fs)]:
            source = english.messages.get(key) or " ".join(english.plurals.get(key, ()))
            extra = fields(value) - fields(source)
            if extra:
                known = ", ".join("{" + f + "}" for f in sorted(fields(source))) or "none"
                raise InputError(f"{path}:{lines.get(key, 0)}: message '{key}' uses "
                                 f"{{{sorted(extra)[0]}}}, which it does not have (it has: {known})")


REGISTRY = Registry()


def text(lang: str, key: str, **values: object) -> str:
    """The message ``key`` in ``lang`` (English where the language lacks it), ``values`` filled in."""
    for cat in REGISTRY.chain(lang):
        template = cat.messages.get(key)
        if template is not None:
            return template.format(**values) if values else template
    raise KeyError(f"no message '{key}' in slactl's catalogue")


def plural_template(lang: str, key: str, n: int) -> str:
    """The form of the plural message ``key`` that ``lang`` uses for ``n``."""
    for cat in REGISTRY.chain(lang):
        forms = cat.plurals.get(key)
        if forms:
            return forms[min(cat.plural_index(n), len(forms) - 1)]
    raise KeyError(f"no plural message '{key}' in slactl's catalogue")
