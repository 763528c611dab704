"""``slactl score --format junit``: the compliance objectives as a JUnit XML test report, which CI
systems (GitLab, Jenkins, GitHub test-report actions) show as passed and failed tests.

One test suite per agreement, one test case per objective (priority x metric); a case fails
when its compliance is below the agreement's target and is skipped when no ticket of it could
be judged yet (all open within target, or no data).
"""
from __future__ import annotations

import re
from typing import IO

from slactl.core.scoring import Scorer, TicketResult
from slactl.reporters.score_data import Meta

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # no XML 1.0 document may hold these
_METRIC_WORDS = {"first_response": "first response", "resolution": "resolution"}


def _case_name(row: dict[str, object]) -> str:
    metric = str(row["metric"])
    return f"{row['priority']} {_METRIC_WORDS.get(metric, metric)}"


def _counts(row: dict[str, object]) -> str:
    return (f"{row['tickets']} ticket(s): {row['met']} met, {row['breached']} breached, "
            f"{row['pending']} open")


class JunitReporter:
    """Writes the objectives at the end (tickets are not listed)."""

    summary_only = True

    def __init__(self, out: IO[str], meta: Meta) -> None:
        self.out = out

    def ticket(self, r: TicketResult) -> None:
        pass

    def finish(self, meta: Meta, scorer: Scorer) -> None:
        import xml.etree.ElementTree as ET

        rows = scorer.summary()
        suites: dict[str, list[dict[str, object]]] = {}
        for row in rows:
            suites.setdefault(str(row["agreement"]), []).append(row)
        root = ET.Element("testsuites", name=_NOT_XML.sub("\ufffd", f"slactl score {meta.path}"))
        totals = {"tests": 0, "failures": 0, "skipped": 0}
        for agreement, cases in suites.items():
            suite = ET.SubElement(root, "testsuite", name=agreement)
            counts = {"tests": len(cases), "failures": 0, "skipped": 0}
            for row in cases:
                case = ET.SubElement(suite, "testcase", name=_case_name(row), classname=f"slactl.{agreement}",
                                     time="0")
                compliance, target = row["compliance_pct"], row["target_pct"]
                if row["ok"] is False:
                    counts["failures"] += 1
                    failure = ET.SubElement(case, "failure", type="below-target",
                                            message=f"compliance {compliance}% is below the target {target}%")
                    failure.text = _counts(row)
                elif row["ok"] is None:
                    counts["skipped"] += 1
                    ET.SubElement(case, "skipped", message="no ticket could be judged yet (" + _counts(row) + ")")
                else:
                    out = ET.SubElement(case, "system-out")
                    out.text = f"compliance {compliance}% (target {target}%); " + _counts(row)
            for key, n in counts.items():
                suite.set(key, str(n))
                totals[key] += n
            suite.set("errors", "0")
            suite.set("time", "0")
        for key, n in totals.items():
            root.set(key, str(n))
        root.set("errors", "0")
        ET.indent(root)
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.out.write(ET.tostring(root, encoding="unicode") + "\n")
