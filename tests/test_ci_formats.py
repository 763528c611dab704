"""CI formats: ``validate --format sarif`` against the published SARIF 2.1.0 schema (vendored in
tests/data) and ``score --format junit``: one test case per objective, a failure each below target."""
from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import BUNDLED, EXAMPLES, ROOT

SARIF_SCHEMA = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"
VALID = EXAMPLES / "valid"
INVALID = EXAMPLES / "invalid"
GENERIC = ROOT / "examples" / "generic.csv"
AS_OF = "2026-11-22T12:00:00Z"


def _sarif_validator():  # type: ignore[no-untyped-def]
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _json_findings(run_line, *args: str) -> list[dict]:
    return json.loads(run_line(*args, "--format", "json").stdout)["findings"]


def test_sarif_of_every_invalid_example_passes_the_schema_with_each_finding_on_its_line(run_line, monkeypatch):
    monkeypatch.chdir(ROOT)  # files under the current folder get relative URIs, as in a CI checkout
    args = ("-w", str(INVALID), "validate", "--as-of", "2026-11-22")
    result = run_line(*args, "--format", "sarif")
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    errors = sorted(_sarif_validator().iter_errors(log), key=str)
    assert not errors, [e.message for e in errors[:5]]
    run = log["runs"][0]
    expected = _json_findings(run_line, *args)
    assert len(run["results"]) == len(expected) > 10
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted({f["code"] for f in expected})
    for result_, finding in zip(run["results"], expected):
        assert rules[result_["ruleIndex"]]["id"] == result_["ruleId"] == finding["code"]
        assert result_["level"] == finding["severity"]
        assert result_["message"]["text"] == finding["message"]
        place = result_["locations"][0]["physicalLocation"]
        assert place["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert place["artifactLocation"]["uri"] == Path(os.path.relpath(finding["file"], ROOT)).as_posix()
        assert (place["region"]["startLine"], place["region"]["startColumn"]) == (finding["line"], finding["column"])
    assert {r["level"] for r in run["results"]} == {"error", "warning"}


def test_sarif_outside_the_current_folder_uses_absolute_file_uris_and_a_clean_run_has_no_results(
        run_line, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    case = INVALID / "duplicate-priority.yaml"
    result = run_line("-w", str(VALID), "validate", str(case), "--format", "sarif", "--as-of", "2026-11-22")
    log = json.loads(result.stdout)
    assert not list(_sarif_validator().iter_errors(log))
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": case.resolve().as_uri()}
    clean = run_line("-w", str(BUNDLED), "validate", "--format", "sarif", "--as-of", "2026-11-22")
    assert clean.exit_code == 0
    log = json.loads(clean.stdout)
    assert not list(_sarif_validator().iter_errors(log))
    assert log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"] == []


def test_junit_has_one_case_per_objective_and_one_failure_per_objective_below_target(run_line):
    args = ("-w", str(BUNDLED), "score", str(GENERIC), "--as-of", AS_OF)
    summary = json.loads(run_line(*args, "--format", "json").stdout)["summary"]
    result = run_line(*args, "--format", "junit")
    assert result.exit_code == 0
    xml = result.stdout[result.stdout.index("<?xml"):]
    root = ET.fromstring(xml.encode("utf-8"))
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == len(summary) == int(root.get("tests"))
    below = [r for r in summary if r["ok"] is False]
    failed = [c for c in cases if c.find("failure") is not None]
    assert 0 < len(failed) == len(below) == int(root.get("failures"))
    words = {"first_response": "first response", "resolution": "resolution"}
    assert sorted((c.get("classname"), c.get("name")) for c in failed) == sorted(
        (f"slactl.{r['agreement']}", f"{r['priority']} {words[r['metric']]}") for r in below)
    for suite in root.findall("testsuite"):
        assert int(suite.get("tests")) == len(suite.findall("testcase"))
        assert int(suite.get("failures")) == len(suite.findall("testcase/failure"))
    one = next(c for c in failed)
    row = next(r for r in below if f"slactl.{r['agreement']}" == one.get("classname")
               and one.get("name").startswith(r["priority"] + " "))
    assert f"{row['compliance_pct']}%" in one.find("failure").get("message")


def test_junit_skips_objectives_nothing_could_judge(run_line, tmp_path):
    export = tmp_path / "open.csv"
    export.write_text("id,customer,service,priority,created_at,first_response_at,resolved_at,status\n"
                      "T-1,ACME Corp,Email,P3,2026-11-20T10:00:00Z,,,open\n", encoding="utf-8")
    result = run_line("-w", str(BUNDLED), "score", str(export), "--as-of", "2026-11-20T10:05:00Z",
                      "--format", "junit", "--preset", "generic")
    root = ET.fromstring(result.stdout[result.stdout.index("<?xml"):].encode("utf-8"))
    cases = root.findall("./testsuite/testcase")
    assert cases and all(c.find("skipped") is not None for c in cases)
    assert root.get("failures") == "0" and root.get("skipped") == str(len(cases))
