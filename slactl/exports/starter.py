"""A starter mapping file for an export no preset knows (``slactl mapping EXPORT``).

For each canonical field the column that looks most like it is guessed from
two kinds of evidence, both written next to the guess so the user can judge:
the header name (a name some preset uses for that field, or a telling word
in several languages) and the values (how many sampled cells read as
timestamps; whether ids are unique). The distinct priority, customer and
service values follow as comments: they are what the agreements' aliases
must match.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import timezone

from slactl.exports import presets as P
from slactl.exports.timestamps import detect_format

# telling words in header names (compared lower case, as substrings), per field
KEYWORDS: dict[str, tuple[str, ...]] = {
    "id": ("ticket id", "ticket #", "ticket number", "number", "key", "id", "#", "номер", "numéro"),
    "customer": ("customer", "company", "organization", "organisation", "client", "account", "entity", "entité",
                 "kunde", "firma", "cliente", "empresa", "клиент", "организация", "компания"),
    "service": ("service", "category", "catégorie", "kategorie", "categoría", "type", "group", "queue", "topic",
                "department", "component", "product", "area", "услуга", "сервис", "категория"),
    "priority": ("priority", "priorité", "priorität", "prioridad", "severity", "urgency", "prio", "приоритет"),
    "status": ("status", "state", "statut", "estado", "zustand", "статус", "состояние"),
    "created_at": ("created", "opened", "open date", "creation", "submitted", "ouverture", "création", "erstellt",
                   "creado", "fecha de creación", "создан", "дата создания", "reported"),
    "first_response_at": ("first response", "first reply", "initial response", "responded", "prise en compte",
                          "erste antwort", "primera respuesta", "первый ответ"),
    "resolved_at": ("resolved", "solved", "resolution", "résolution", "gelöst", "resuelto", "решен", "решён",
                    "closed", "clôture", "geschlossen", "cerrado", "закрыт", "done", "completed"),
    "first_response_minutes": ("minutes to first", "first reply time", "first response in min", "time to first",
                               "first response time"),
    "resolution_minutes": ("minutes to resol", "time to resolution", "solution in min", "resolution time",
                           "time to close"),
    "updated_at": ("updated", "modified", "changed", "last update", "modifié", "geändert", "обновлен"),
}
TIME = ("created_at", "first_response_at", "resolved_at", "updated_at")
LISTED = ("priority", "customer", "service")  # their distinct values become comments


@dataclass
class Guess:
    field: str
    column: int | None
    evidence: str


def _known_names() -> dict[str, dict[str, str]]:
    """field -> {normalised header name -> preset that uses it}."""
    out: dict[str, dict[str, str]] = {}
    for p in P.PRESETS.values():
        for f, names in p.columns.items():
            for n in names:
                out.setdefault(f, {}).setdefault(P.norm(n), p.name)
        for n in p.closed:
            out.setdefault("resolved_at", {}).setdefault(P.norm(n), p.name)
    return out


def guess_columns(header: list[str], rows: list[list[str]]) -> list[Guess]:
    """The likeliest column of every field (at most one field per column), with the evidence."""
    known = _known_names()
    normed = [P.norm(h) for h in header]
    times: dict[int, tuple[int, int]] = {}  # column -> (timestamps, non-empty values)
    for i in range(len(header)):
        values = [r[i].strip() for r in rows if i < len(r) and r[i].strip() and not P.is_null(r[i])]
        if values:
            fmt = detect_format(values[:300], timezone.utc)
            ok = 0
            for v in values[:300]:
                try:
                    fmt.parse(v)
                    ok += 1
                except Exception:  # noqa: BLE001 - counting what parses
                    pass
            times[i] = (ok, min(len(values), 300))
    scored: list[tuple[float, str, int, str]] = []
    for f in P.FIELDS:
        for i, h in enumerate(normed):
            score, why = 0.0, []
            if h in known.get(f, {}):
                score += 10
                why.append(f"the {known[f][h]} preset's name for {f}")
            else:
                word = next((k for k in KEYWORDS.get(f, ()) if (k == h if len(k) <= 2 else k in h)), None)
                if word is not None:
                    score += 5 + len(word) / 10
                    why.append(f"the header says '{word}'")
            ok, total = times.get(i, (0, 0))
            if f in TIME and total:
                share = ok / total
                score += 4 * share - (6 if share < 0.5 else 0)
                why.append(f"{ok} of {total} sampled values are timestamps")
            elif f not in TIME and total and ok == total and not f.endswith("_minutes"):
                score -= 4  # a timestamp column is not a text field
            if f.endswith("_minutes"):
                values = [r[i].strip() for r in rows if i < len(r) and r[i].strip()]
                numbers = sum(1 for v in values if v.replace(".", "", 1).replace(",", "", 1).isdigit())
                if values and numbers * 2 < len(values):
                    score -= 10
                elif values:
                    why.append(f"{numbers} of {len(values)} sampled values are numbers (minutes)")
            if f == "id":
                values = [r[i].strip() for r in rows if i < len(r) and r[i].strip()]
                if values and len(set(values)) == len(values):
                    score += 1
                    why.append(f"all {len(values)} sampled values are distinct")
            if score >= 5:
                scored.append((score, f, i, "; ".join(why)))
    scored.sort(key=lambda t: -t[0])
    taken: set[int] = set()
    chosen: dict[str, Guess] = {}
    for _, f, i, reason in scored:
        if f in chosen or i in taken:
            continue
        chosen[f] = Guess(f, i, reason)
        taken.add(i)
    return [chosen.get(f) or Guess(f, None, "no column looks like it") for f in P.FIELDS
            if f in chosen or not f.endswith("_minutes")]


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str) -> str:
    return " ".join(text.split())


def starter_yaml(path: str, header: list[str], rows: list[list[str]], encoding: str, delimiter: str,
                 top: int = 30) -> str:
    """The text of a starter mapping file for the export at ``path``."""
    guesses = guess_columns(header, rows)
    by_field = {g.field: g for g in guesses}
    lines = [
        f"# Column mapping for {_comment(path)}, written by `slactl mapping` from its header and",
        f"# {len(rows)} sampled rows (encoding {encoding}{', delimiter ' + repr(delimiter) if delimiter else ''}).",
        "# Check every guess, then score with:  slactl score EXPORT --mapping THIS_FILE",
        "# (a file named EXPORT.mapping.yaml beside the export is used by itself).",
        "# Fields: id, priority and created_at are required; a field left out is not read.",
        "columns:",
    ]
    for g in guesses:
        if g.column is None:
            need = " (required: name its column)" if g.field in P.REQUIRED else ""
            lines.append(f"  # {g.field}: \"...\"   # {g.evidence}{need}")
        else:
            lines.append(f"  {g.field}: {_q(header[g.column].strip())}   # {_comment(g.evidence)}")
    lines += [
        "# timestamp_format: \"%d.%m.%Y %H:%M\"   # only if the dates are not recognised by themselves",
        "# dayfirst: true                       # numeric dates such as 03/11/2026: day first?",
        "# timezone: Europe/Moscow              # zone of timestamps written without an offset",
    ]
    for f in LISTED:
        col = by_field[f].column if f in by_field else None
        if col is None:
            continue
        counts = Counter(r[col].strip() for r in rows if col < len(r) and r[col].strip())
        if not counts:
            continue
        lines.append(f"#\n# {f} values seen ({len(counts)} distinct{', the ' + str(top) + ' commonest' if len(counts) > top else ''}):")
        lines += [f"#   {_comment(v)!s:<40} {n} row(s)" for v, n in counts.most_common(top)]
    if by_field["priority"].column is not None:
        lines.append("# Each priority value above must match a rule's priority or aliases in the policy.")
    return "\n".join(lines) + "\n"
