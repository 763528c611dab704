"""Finding, loading and building a workspace: YAML files in, typed model out.

``load_workspace`` never raises for bad content: every problem is a finding.
Documents with structural errors are left out of the model, but their kind
and name are still registered so one typo does not cascade into a page of
"unknown reference" findings, and what can still be read of them is built
(``Entry.partial``) so their references and meaning are checked in the same run.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from slactl.core.findings import ERROR, WARNING, Finding
from slactl.core.model import (
    AMENDABLE, NO_PAUSE, WEEKDAYS, Agreement, AmendedRule, Amendment, CallObjective, Calendar, CreditTier, Credits, Customer, Hours,
    Loc, Manager, OLA, Objective, Pause, Policy, RenewalTerms, Rule, Service, Span, Team, Workspace,
)
from slactl.core.durations import parse_duration
from slactl.workspace.structure import check_document, readable_part
from slactl.workspace.yamlsafe import SCALAR, Document, YNode, load_file

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(slots=True)
class Entry:
    """One named document: where it is, and its model object when it built."""

    kind: str
    name: str
    doc: Document
    data: dict[str, Any] | None
    obj: object | None = None
    # Built from what could be read of a document with structural errors: checked for
    # references and meaning, never part of the model (see load_workspace).
    partial: bool = False


@dataclass(slots=True)
class Loaded:
    workspace: Workspace
    findings: list[Finding]
    entries: list[Entry] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    def entry(self, kind: str, name: str) -> Entry | None:
        for e in self.entries:
            if e.kind == kind and e.name == name:
                return e
        return None


SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__", "site-packages", "venv", "virtualenv"})


def _skipped(dirpath: str, name: str) -> bool:
    """Hidden folders (.git, .venv...), node_modules and virtualenvs hold no agreements."""
    return (name.startswith(".") or name in SKIPPED_FOLDERS
            or os.path.exists(os.path.join(dirpath, name, "pyvenv.cfg")))


def discover(root: str) -> list[str]:
    """Every YAML file under ``root`` (hidden files and folders, node_modules and virtualenvs
    skipped), sorted."""
    if os.path.isfile(root):
        return [root]
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not _skipped(dirpath, d))
        for name in sorted(filenames):
            if name.endswith(YAML_SUFFIXES) and not name.startswith("."):
                found.append(os.path.join(dirpath, name))
    return found


def display_path(path: str) -> str:
    """Paths in findings: relative to the current directory when below it."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def locate(node: YNode | None, *path: str | int) -> tuple[int, int]:
    """Line and column of the node at ``path`` (the deepest one that exists)."""
    if node is None:
        return 1, 1
    best = node
    for step in path:
        nxt = None
        if isinstance(step, int) and best.kind == "seq" and step < len(best.value):  # type: ignore[arg-type]
            nxt = best.value[step]  # type: ignore[index]
        elif isinstance(step, str):
            nxt = best.get(step)
        if nxt is None:
            break
        best = nxt
    return best.line, best.column


def load_workspace(root: str, extra_files: list[str] = ()) -> Loaded:  # type: ignore[assignment]
    """Load every file of the workspace (plus ``extra_files``) into a model and findings."""
    files = discover(root)
    seen = {os.path.realpath(f) for f in files}
    for extra in extra_files:
        if os.path.realpath(extra) not in seen:
            files.append(extra)
            seen.add(os.path.realpath(extra))
    findings: list[Finding] = []
    entries: list[Entry] = []
    for path in files:
        shown = display_path(path)
        result = load_file(path, shown)
        findings.extend(result.findings)
        if not result.documents and not result.findings:
            findings.append(Finding(shown, 1, 1, WARNING, "empty-file",
                                    "file holds no document (only comments or nothing): is that intended?"))
        for doc in result.documents:
            entry = _entry(doc, findings)
            if entry is not None:
                entries.append(entry)
    calendars: dict[str, Calendar] = {}
    policies: dict[str, Policy] = {}
    services: dict[str, Service] = {}
    agreements: dict[str, Agreement] = {}
    olas: dict[str, OLA] = {}
    by_kind = {"Calendar": calendars, "Policy": policies, "Service": services, "Agreement": agreements,
               "OLA": olas}
    builders = {"Calendar": _calendar, "Policy": _policy, "Service": _service, "Agreement": _agreement,
                "OLA": _ola}
    for entry in entries:
        loc = Loc(entry.doc.file, entry.doc.root.line, entry.doc.root.column)
        if entry.data is None:  # structural errors: check what can still be read, in this same run
            part = readable_part(entry.doc.root, entry.doc.file) if entry.kind in builders else None
            try:
                entry.obj = builders[entry.kind](entry.name, part["spec"], part, loc) if part else None
                entry.partial = entry.obj is not None
            except (KeyError, TypeError, ValueError, AttributeError):  # too little left to build
                entry.obj = None
            continue
        try:
            entry.obj = builders[entry.kind](entry.name, entry.data["spec"], entry.data, loc)
        except ValueError as exc:  # a value the schema could not rule out
            line, col = entry.doc.root.line, entry.doc.root.column
            findings.append(Finding(entry.doc.file, line, col, ERROR, "invalid-value", str(exc)))
            continue
        by_kind[entry.kind].setdefault(entry.name, entry.obj)  # type: ignore[attr-defined]
    workspace = Workspace(root=root, calendars=calendars, policies=policies, services=services,
                          agreements=agreements, files=tuple(display_path(f) for f in files), olas=olas)
    return Loaded(workspace, findings, entries, [display_path(f) for f in files])


def _entry(doc: Document, findings: list[Finding]) -> Entry | None:
    root = doc.root
    if root.kind != "map":
        findings.append(Finding(doc.file, root.line, root.column, ERROR, "wrong-type",
                                "a document must be a mapping with apiVersion, kind, metadata and spec"))
        return None
    data, problems = check_document(root, doc.file)
    findings.extend(problems)
    kind_node, meta = root.get("kind"), root.get("metadata")
    name_node = meta.get("name") if meta is not None else None
    kind = kind_node.value if kind_node is not None and kind_node.kind == SCALAR else None
    name = name_node.value if name_node is not None and name_node.kind == SCALAR else None
    if not isinstance(kind, str) or not isinstance(name, str):
        return None
    return Entry(kind, name, doc, data)


def _spans(values: list[str] | None) -> tuple[Span, ...]:
    out = []
    for text in values or ():
        start, end = text.split("-")
        out.append((_seconds(start), _seconds(end)))
    return tuple(sorted(out))


def _seconds(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 3600 + int(m) * 60


def _calendar(name: str, spec: dict[str, Any], _doc: dict[str, Any], loc: Loc) -> Calendar:
    hours = spec.get("hours", {})
    holidays = spec.get("holidays", {})
    country = holidays.get("country")
    return Calendar(
        name=name,
        timezone=spec["timezone"],
        hours=tuple(_spans(hours.get(day)) for day in WEEKDAYS),
        holiday_country=country.upper() if country else None,
        holiday_subdivision=holidays.get("subdivision") or None,
        holiday_dates=frozenset(holidays.get("dates", ())),
        workdays=frozenset(spec.get("workdays", ())),
        workday_hours=_spans(spec["workday_hours"]) if "workday_hours" in spec else None,
        loc=loc,
    )


def _pause(data: dict[str, Any] | None) -> Pause:
    if not data:
        return NO_PAUSE
    fr, res = data.get("first_response"), data.get("resolution")
    return Pause(None if fr is None else tuple(s.strip() for s in fr),
                 None if res is None else tuple(s.strip() for s in res))


def _statuses(values: list[str] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(s.strip() for s in values)


def _rule(data: dict[str, Any], loc: Loc) -> Rule:
    fr, res = data.get("first_response"), data.get("resolution")
    return Rule(
        priority=data["priority"].strip(),
        aliases=tuple(data.get("aliases", ())),
        first_response=parse_duration(fr) if fr else None,
        resolution=parse_duration(res) if res else None,
        calendar=data.get("calendar"),
        pause=_pause(data.get("pause")),
        loc=loc,
        alert_at=data.get("alert_at"),
        next_reply=_duration(data.get("next_reply")),
        update_every=_duration(data.get("update_every")),
    )


def _duration(text: str | None) -> int | None:
    return parse_duration(text) if text else None


def _ola(name: str, spec: dict[str, Any], _doc: dict[str, Any], loc: Loc) -> OLA:
    team, period, pause = spec["team"], spec.get("period") or {}, spec.get("pause") or {}
    supports = spec.get("supports")
    rules = tuple(Rule(priority=r["priority"].strip(), aliases=tuple(r.get("aliases", ())),
                       first_response=_duration(r.get("response")), resolution=_duration(r.get("resolution")),
                       calendar=r.get("calendar"), loc=loc) for r in spec.get("rules", ()))
    return OLA(name=name, team=Team(team["name"].strip(), tuple(a.strip() for a in team.get("aliases", ()))),
               supports=tuple(supports) if supports is not None else None, policy=spec.get("policy"),
               rules=rules, calendar=spec.get("calendar"), start=period.get("start"), end=period.get("end"),
               pause=Pause(_statuses(pause.get("response")), _statuses(pause.get("resolution"))),
               compliance_target=spec.get("compliance_target"), loc=loc)


def _policy(name: str, spec: dict[str, Any], _doc: dict[str, Any], loc: Loc) -> Policy:
    return Policy(
        name=name,
        rules=tuple(_rule(r, loc) for r in spec.get("rules", ())),
        calendar=spec.get("calendar"),
        compliance_target=spec.get("compliance_target"),
        pause=_pause(spec.get("pause")),
        resolved_statuses=_statuses(spec.get("resolved_statuses")),
        availability=_objectives(spec),
        credits=_credits(spec),
        loc=loc,
        alert_at=spec.get("alert_at"),
    )


def _objectives(spec: dict[str, Any]) -> tuple[Objective, ...] | None:
    if "availability" not in spec:
        return None
    out = []
    for o in spec["availability"]:
        services = o.get("services")
        out.append(Objective(
            target=float(o["target"]),
            services=tuple(services) if services is not None else None,
            window=o.get("window", "month"),
            calendar=o.get("calendar"),
            maintenance=o.get("maintenance", "excluded"),
            partial_weight=float(o.get("partial_weight", 0.5)),
        ))
    return tuple(out)


def _credits(spec: dict[str, Any]) -> Credits | None:
    c = spec.get("credits")
    if c is None:
        return None
    tiers = tuple(CreditTier(credit=float(t["credit"]),
                             availability_below=_number(t.get("availability_below")),
                             metric=t.get("metric"),
                             compliance_below=_number(t.get("compliance_below"))) for t in c["tiers"])
    return Credits(tiers=tiers, monthly_fee=_number(c.get("monthly_fee")), currency=c.get("currency"),
                   cap=float(c.get("cap", 100)))


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _service(name: str, spec: dict[str, Any], _doc: dict[str, Any], loc: Loc) -> Service:
    return Service(name=name, description=spec.get("description", ""),
                   aliases=tuple(spec.get("aliases", ())), loc=loc)


def _agreement(name: str, spec: dict[str, Any], doc: dict[str, Any], loc: Loc) -> Agreement:
    c = spec["customer"]
    m = spec.get("manager", {})
    services = spec.get("services")
    return Agreement(
        name=name,
        customer=Customer(id=c["id"].strip(), name=c.get("name"), aliases=tuple(c.get("aliases", ())),
                          contacts=tuple(c.get("contacts", ()))),
        manager=Manager(name=m.get("name"), email=m.get("email")),
        start=spec["period"]["start"],
        end=spec["period"]["end"],
        status=spec.get("status", "auto"),
        services=tuple(services) if services is not None else None,
        policy=spec.get("policy"),
        rules=tuple(_rule(r, loc) for r in spec.get("rules", ())),
        calendar=spec.get("calendar"),
        compliance_target=spec.get("compliance_target"),
        notice_days=tuple(sorted(set(spec.get("notice_days", ())), reverse=True)),
        language=spec.get("language"),
        pause=_pause(spec.get("pause")),
        resolved_statuses=_statuses(spec.get("resolved_statuses")),
        availability=_objectives(spec),
        credits=_credits(spec),
        loc=loc,
        hours=_hours(spec["hours"]) if "hours" in spec else None,
        alert_at=spec.get("alert_at"),
        renewal=_renewal(spec["renewal"]) if "renewal" in spec else None,
        amendments=tuple(_amendment(a, loc) for a in spec.get("amendments", ())),
        calls=tuple(_call_objective(c) for c in spec.get("calls", ())),
    )


def _renewal(data: dict[str, Any]) -> RenewalTerms:
    from slactl.core.renewal import parse_interval

    term, notice = data.get("term"), data.get("notice")
    return RenewalTerms(auto=bool(data.get("auto", False)), term=parse_interval(term) if term else None,
                        notice=parse_interval(notice) if notice else None)


def _amendment(data: dict[str, Any], loc: Loc) -> Amendment:
    services = data.get("services")
    return Amendment(
        effective=data["effective"], note=data.get("note", ""),
        given=tuple(k for k in AMENDABLE if k in data),
        policy=data.get("policy"),
        services=tuple(services) if services is not None else None,
        compliance_target=data.get("compliance_target"),
        rules=tuple(AmendedRule(_rule(r, loc), tuple(r)) for r in data.get("rules", ())),
        availability=_objectives(data),
        credits=_credits(data),
        hours=_hours(data["hours"]) if "hours" in data else None,
        loc=loc,
    )


def _call_objective(data: dict[str, Any]) -> CallObjective:
    queue = data["queue"]
    level = data.get("service_level") or {}
    within, asa, short = level.get("answered_within"), data.get("asa_max"), data.get("short_abandon")
    return CallObjective(
        queues=tuple(q.strip() for q in ([queue] if isinstance(queue, str) else queue)),
        answered_within=parse_duration(within) if within else None,
        service_level_target=_number(level.get("target")),
        abandonment_max=_number(data.get("abandonment_max")),
        asa_max=parse_duration(asa) if asa else None,
        short_abandon=parse_duration(short) if short else 0,
        calendar=data.get("calendar"),
        window=data.get("window", "month"),
    )


def _hours(data: dict[str, Any]) -> Hours:
    rounding = data.get("rounding")
    return Hours(included=data.get("included"), per=data.get("per", "month"), rollover=data.get("rollover", False),
                 bank=data.get("bank"), rounding=parse_duration(rounding) if rounding else 0,
                 billable_only=data.get("billable_only", True), rate=data.get("rate"),
                 currency=data.get("currency"))
