"""clone and renew: byte-for-byte preservation, no customer data carried over, refusals change nothing."""
from __future__ import annotations

import difflib
import json
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slactl import cli
from slactl.cli import lifecycle as cli_lifecycle
from slactl.workspace.clone import clone_text, extract_document, renewed_name, same_length_end
from slactl.core.model import Customer


from tests.conftest import run_in_workspace as run  # noqa: E402

from tests.conftest import BUNDLED  # noqa: E402
D = date.fromisoformat




def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def changed_lines(old: str, new: str) -> set[int]:
    """1-based numbers of the source lines that differ (replaced or deleted) in ``new``."""
    out: set[int] = set()
    sm = difflib.SequenceMatcher(a=old.splitlines(keepends=True), b=new.splitlines(keepends=True), autojunk=False)
    for tag, i1, i2, _, _ in sm.get_opcodes():
        if tag in ("replace", "delete"):
            out.update(range(i1 + 1, i2 + 1))
        elif tag == "insert":
            out.add(i1)  # inserted after line i1
    return out


ACME_ARGS = ("clone", "acme-support-2026", "--customer", "hooli", "--name", "hooli-support-2027",
             "--start", "2027-01-01", "--end", "2027-12-31")


# ---------------------------------------------------------------- the happy path

def test_clone_keeps_everything_else_byte_for_byte(ws: Path) -> None:
    before = snapshot(ws)
    result = run(ws, *ACME_ARGS, "--customer-name", "Hooli", "--contact", "it@hooli.example")
    assert result.exit_code == 0, result.output
    new_file = ws / "customers" / "hooli-support-2027.yaml"
    after = snapshot(ws)
    assert set(after) - set(before) == {"customers/hooli-support-2027.yaml"}  # exactly one new file
    assert all(after[k] == v for k, v in before.items())
    src = (ws / "customers" / "acme.yaml").read_text(encoding="utf-8")
    out = new_file.read_text(encoding="utf-8")
    # lines 6 (name), 10-14 (customer block), 16 (period), 17 (status) may change; nothing else
    assert src.splitlines()[9] == "  customer:" and src.splitlines()[16] == "  status: auto"
    assert changed_lines(src, out) <= {6, 10, 11, 12, 13, 14, 16, 17}
    assert out.startswith("# yaml-language-server: $schema=../../slactl.schema.json\n")
    assert "  compliance_target: 97                 # negotiated above the policy's 95\n" in out
    data = yaml.safe_load(out)
    assert data["metadata"] == {"name": "hooli-support-2027", "labels": {"tier": "standard"}}
    assert data["spec"]["customer"] == {"id": "hooli", "name": "Hooli", "contacts": ["it@hooli.example"]}
    assert data["spec"]["period"] == {"start": date(2027, 1, 1), "end": date(2027, 12, 31)}
    assert data["spec"]["status"] == "planned"
    src_data = yaml.safe_load(src)
    for key in ("manager", "policy", "compliance_target", "notice_days"):
        assert data["spec"][key] == src_data["spec"][key]


def test_clone_carries_no_customer_data(ws: Path) -> None:
    assert run(ws, *ACME_ARGS).exit_code == 0
    out = (ws / "customers" / "hooli-support-2027.yaml").read_text(encoding="utf-8")
    for leaked in ("ops@acme.example", "cio@acme.example", "ACME Corporation", "ACME Corp", "id: acme"):
        assert leaked not in out
    customer = yaml.safe_load(out)["spec"]["customer"]
    assert customer == {"id": "hooli", "name": "hooli", "contacts": []}


def test_clone_result_validates_and_is_planned(ws: Path) -> None:
    assert run(ws, *ACME_ARGS).exit_code == 0
    assert run(ws, "validate").exit_code == 0
    listed = json.loads(run(ws, "list", "--as-of", "2026-11-22", "-f", "json", "--customer", "hooli").stdout)
    assert [(a["name"], a["status"]) for a in listed["agreements"]] == [("hooli-support-2027", "planned")]


def test_status_is_inserted_with_the_right_indentation(ws: Path) -> None:
    result = run(ws, "clone", "globex-premium-2026", "--customer", "hooli", "--name", "hooli-premium-2027",
                 "--start", "2027-01-01")
    assert result.exit_code == 0, result.output
    out = (ws / "customers" / "hooli-premium-2027.yaml").read_text(encoding="utf-8")
    assert "  period: {start: 2027-01-01, end: 2027-12-31}\n  status: planned\n  services: [email, network]\n" in out
    assert "    - priority: P2                      # stricter than premium's P2\n" in out


def test_multi_document_source_gets_the_file_header(ws: Path) -> None:
    result = run(ws, "clone", "initech-erp-2026", "--customer", "hooli", "--name", "hooli-erp-2027",
                 "--start", "2027-02-01")
    assert result.exit_code == 0, result.output
    out = (ws / "customers" / "hooli-erp-2027.yaml").read_text(encoding="utf-8")
    assert out.startswith("# yaml-language-server: $schema=../../slactl.schema.json\n# Initech: ERP support only.")
    docs = list(yaml.safe_load_all(out))
    assert len(docs) == 1 and docs[0]["metadata"]["name"] == "hooli-erp-2027"
    assert docs[0]["spec"]["period"] == {"start": date(2027, 2, 1), "end": date(2028, 1, 31)}
    assert "Инитех" not in out and "helpdesk@initech.example" not in out
    assert "still mentions" in result.stderr  # the kept header comment names Initech: pointed out


def test_comments_inside_the_customer_block_go_too(ws: Path) -> None:
    src = ws / "customers" / "secret.yaml"
    src.write_text(
        "# yaml-language-server: $schema=../../slactl.schema.json\n"
        "apiVersion: slactl/v1\n"
        "kind: Agreement\n"
        "metadata:\n"
        "  name: 'secret-2026'\n"
        "spec:\n"
        "  customer:   # Secret Co, call Bob\n"
        "    id: secretco\n"
        "    # private line: bob@secret.example, +1 555 0100\n"
        "    name: \"Secret Co\"\n"
        "    contacts:\n"
        "      - bob@secret.example   # Bob\n"
        "    # former: alice@secret.example\n"
        "  period:\n"
        "    start: '2026-01-01'\n"
        "    end: \"2026-06-30\"\n"
        "  policy: standard   # keep me\n", encoding="utf-8")
    result = run(ws, "clone", "secret-2026", "--customer", "hooli", "--name", "hooli-2027", "--start", "2027-01-01")
    assert result.exit_code == 0, result.output
    out = (ws / "customers" / "hooli-2027.yaml").read_text(encoding="utf-8")
    assert out == (
        "# yaml-language-server: $schema=../../slactl.schema.json\n"
        "apiVersion: slactl/v1\n"
        "kind: Agreement\n"
        "metadata:\n"
        "  name: 'hooli-2027'\n"
        "spec:\n"
        "  customer:\n"
        "    id: hooli\n"
        "    name: hooli\n"
        "    contacts: []\n"
        "  period:\n"
        "    start: '2027-01-01'\n"
        "    end: \"2027-06-30\"\n"
        "  status: planned\n"
        "  policy: standard   # keep me\n")


def test_crlf_source_stays_crlf(ws: Path) -> None:
    f = ws / "customers" / "acme.yaml"
    f.write_bytes(f.read_bytes().replace(b"\n", b"\r\n"))
    assert run(ws, *ACME_ARGS).exit_code == 0
    out = (ws / "customers" / "hooli-support-2027.yaml").read_bytes()
    assert out.count(b"\r\n") == out.count(b"\n") and b"status: planned\r\n" in out


def test_clone_from_a_file_and_corporate_customer(ws: Path, tmp_path: Path) -> None:
    outside = tmp_path / "template.yaml"
    outside.write_text((ws / "customers" / "umbrella.yaml").read_text(encoding="utf-8")
                       .replace("umbrella-support-2026", "template"), encoding="utf-8")
    result = run(ws, "clone", str(outside), "--customer", "*", "--name", "corporate-x-2030", "--start", "2030-01-01",
                 "--output", str(ws / "customers" / "corp-x.yaml"))
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((ws / "customers" / "corp-x.yaml").read_text(encoding="utf-8"))
    assert data["spec"]["customer"] == {"id": "*", "name": "*", "contacts": []}
    assert data["spec"]["status"] == "planned"   # was suspended
    assert data["spec"]["period"] == {"start": date(2030, 1, 1), "end": date(2030, 12, 31)}


def test_json_output(ws: Path) -> None:
    result = run(ws, *ACME_ARGS, "--format", "json")
    assert json.loads(result.stdout) == {
        "file": str(ws / "customers" / "hooli-support-2027.yaml"), "name": "hooli-support-2027",
        "source": "acme-support-2026", "customer": "hooli", "start": "2027-01-01", "end": "2027-12-31",
        "status": "planned"}


# ---------------------------------------------------------------- refusals change nothing

@pytest.mark.parametrize(("args", "code"), [
    (("--name", "acme-support-2026"), 1),                     # name taken
    (("--name", "initech-erp-2027"), 1),                      # taken in a multi-document file
    (("--name", "../x"), 2),                                  # not a name
    (("--name", "Hooli"), 2),
    (("--start", "2026-02-30"), 2),                           # impossible date
    (("--start", "2027-1-1"), 2),
    (("--end", "2026-12-31"), 1),                             # ends before it starts: would not validate
    (("--contact", "not-an-address"), 1),                     # would not validate
    (("--output", "../outside.yaml"), 1),                     # escapes the workspace (relative to cwd)
    (("--output", "{ws}/../outside.yaml"), 1),
    (("--output", "{ws}/customers/globex.yaml"), 1),          # exists: never overwritten
    (("--output", "{ws}/customers/new.txt"), 2),              # would not be part of the workspace
    (("--output", "{ws}/.hidden/new.yaml"), 1),
    (("--output", "{ws}/nofolder/new.yaml"), 2),
])
def test_refusals_change_nothing(ws: Path, args: tuple[str, ...], code: int) -> None:
    (ws / ".hidden").mkdir()
    base = {"--customer": "hooli", "--name": "hooli-support-2027", "--start": "2027-01-01"}
    extra: list[str] = []
    for i in range(0, len(args), 2):
        value = args[i + 1].replace("{ws}", str(ws))
        if args[i] in base:
            base[args[i]] = value
        else:
            extra += [args[i], value]
    before = snapshot(ws.parent)
    result = run(ws, "clone", "acme-support-2026", *[x for kv in base.items() for x in kv], *extra)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert snapshot(ws.parent) == before


def test_unknown_source_changes_nothing(ws: Path) -> None:
    before = snapshot(ws.parent)
    result = run(ws, "clone", "no-such-agreement", "--customer", "x", "--name", "x-2027", "--start", "2027-01-01")
    assert result.exit_code == 2 and "neither an agreement" in result.stderr
    assert snapshot(ws.parent) == before


def test_existing_target_file_is_refused(ws: Path) -> None:
    (ws / "customers" / "hooli-support-2027.yaml").write_text("# mine\n")
    before = snapshot(ws)
    assert run(ws, *ACME_ARGS).exit_code == 1
    assert snapshot(ws) == before


# ---------------------------------------------------------------- renew

def test_renew_next_period_same_customer(ws: Path) -> None:
    result = run(ws, "renew", "acme-support-2026")
    assert result.exit_code == 0, result.output
    out = (ws / "customers" / "acme-support-2027.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(out)
    assert data["metadata"]["name"] == "acme-support-2027"
    assert data["spec"]["period"] == {"start": date(2027, 1, 1), "end": date(2027, 12, 31)}
    assert data["spec"]["status"] == "planned"
    assert data["spec"]["customer"] == yaml.safe_load((ws / "customers" / "acme.yaml").read_text())["spec"]["customer"]
    src = (ws / "customers" / "acme.yaml").read_text(encoding="utf-8")
    assert changed_lines(src, out) <= {6, 16, 17}
    assert run(ws, "validate").exit_code == 0


def test_renew_options_and_refusals(ws: Path) -> None:
    before = snapshot(ws)
    assert run(ws, "renew", "initech-erp-2026").exit_code == 1        # initech-erp-2027 exists
    assert run(ws, "renew", "nope").exit_code == 2
    assert run(ws, "renew", "acme-support-2026", "--start", "2027-02-31").exit_code == 2
    assert snapshot(ws) == before
    result = run(ws, "renew", "initech-erp-2026", "--name", "initech-erp-2027b", "--start", "2028-02-01")
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((ws / "customers" / "initech-erp-2027b.yaml").read_text(encoding="utf-8"))
    assert data["spec"]["period"] == {"start": date(2028, 2, 1), "end": date(2029, 1, 31)}


# ---------------------------------------------------------------- pure helpers

@pytest.mark.parametrize(("src", "new_start", "expected"), [
    (("2026-01-01", "2026-12-31"), "2027-01-01", "2027-12-31"),
    (("2027-01-01", "2027-12-31"), "2028-01-01", "2028-12-31"),   # whole year into a leap year
    (("2025-12-01", "2026-11-30"), "2026-12-01", "2027-11-30"),
    (("2026-01-15", "2026-04-14"), "2026-04-15", "2026-07-14"),   # three whole months
    (("2026-01-01", "2026-01-10"), "2026-03-01", "2026-03-10"),   # ten days
    (("2026-01-31", "2026-02-27"), "2026-03-01", "2026-03-28"),   # not whole months: days
])
def test_same_length_end(src: tuple[str, str], new_start: str, expected: str) -> None:
    assert same_length_end(D(src[0]), D(src[1]), D(new_start)) == D(expected)


def test_renewed_name() -> None:
    assert renewed_name("acme-support-2026", D("2027-01-01")) == "acme-support-2027"
    assert renewed_name("acme-2025-erp", D("2026-02-01")) == "acme-2026-erp"
    assert renewed_name("acme-support", D("2027-01-01")) == "acme-support-2027"
    assert renewed_name("acme-12345", D("2027-01-01")) == "acme-12345-2027"
    # named after its end year: Dec 2025 - Nov 2026 renews as ...-2027
    assert renewed_name("globex-premium-2026", D("2026-12-01"), 2025) == "globex-premium-2027"
    assert renewed_name("acme-support-2026", D("2027-01-01"), 2026) == "acme-support-2027"


def test_extract_document_keeps_its_own_text() -> None:
    text = (BUNDLED / "customers" / "initech.yaml").read_text(encoding="utf-8")
    second = extract_document(text, 1)
    assert second.count("apiVersion") == 1 and "name: initech-erp-2026\n" in second
    assert extract_document(text, 0).startswith(text[:100])


_names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(cid=_names, cname=_names)
def test_any_customer_round_trips_through_the_yaml_text(cid: str, cname: str) -> None:
    text = (BUNDLED / "customers" / "acme.yaml").read_text(encoding="utf-8")
    out, _ = clone_text(text, name="x-1", start=D("2027-01-01"), end=D("2027-12-31"),
                        customer=Customer(cid, cname, contacts=("a@b.example",)))
    data = yaml.safe_load(out)
    assert data["spec"]["customer"] == {"id": cid, "name": cname, "contacts": ["a@b.example"]}
    assert data["spec"]["policy"] == "standard" and data["spec"]["notice_days"] == [60, 30, 7]
