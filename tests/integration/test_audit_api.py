"""The privacy officer's audit views through the audit-api handler on moto: activity seeded through the other
areas' handlers, read back by patient and by user; a disclosure recorded and accounted for; the export verified
by the stdlib-only script; refused requests audited with their responses unchanged; bad input changing nothing."""

import importlib
import json
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from functions.core import clock, container
from functions.core.audit import verify_chain
from functions.core.audit_store import AuditStore
from functions.core.table import Table
from infra.catalog import CATALOG, ROOT
from tests.support import LambdaContext, api_event, claims, response_headers

PRACTICE = "practice-a"
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
TODAY = "2026-03-02"
DAY = {"from": TODAY, "to": TODAY}
SCRIPT = ROOT / "tools" / "verify_audit_export.py"
ADA = {"given_name": "Ada", "family_name": "Lovelace", "birth_date": "1990-12-10", "gender": "female",
       "email": "ada@example.org"}
DISCLOSURE = {"disclosed_on": "2026-03-01", "recipient_name": "County Health Department",
              "recipient_address": "1 Main St, Springfield", "description": "immunization record",
              "purpose": "public health reporting required by law"}


@dataclass
class Answer:
    status: int
    body: Any
    text: str
    headers: dict[str, str]


def call(method: str, path: str, *, groups: str = "coordinator", sub: str = "user-1", patient: str | None = None,
         query: dict | None = None, body: Any = None, headers: dict | None = None) -> Answer:
    mount = path.strip("/").split("/")[0]
    function = next(f for f in CATALOG.api_functions() if mount in f.mounts)
    module, name = function.handler.rsplit(".", 1)
    handler = getattr(importlib.import_module(module), name)
    event = api_event(method, path, claims=claims(role=groups, practice=PRACTICE, sub=sub, patient=patient),
                      query=query, body=body, headers=headers)
    response = handler(event, LambdaContext())
    text = response.get("body") or ""
    try:
        parsed = json.loads(text) if text else None
    except ValueError:
        parsed = None
    return Answer(response["statusCode"], parsed, text, response_headers(response))


def head() -> int:
    return AuditStore(Table()).head(PRACTICE)[0]


def entries_after(seq: int) -> list[dict]:
    return list(AuditStore(Table()).entries(PRACTICE, after_seq=seq))


@pytest.fixture(autouse=True)
def at_noon(cloud):
    previous = clock.use(clock.FixedClock(NOON))
    container.reset()
    yield
    clock.use(previous)
    container.reset()


@pytest.fixture
def ada() -> str:
    return call("POST", "/patients", sub="desk-1", body=ADA).body["id"]


def test_who_saw_a_record_and_what_a_user_did_newest_first(ada):
    assert call("GET", f"/patients/{ada}", groups="practitioner", sub="dr-1").status == 200
    refused = call("GET", f"/patients/{ada}", groups="patient", sub="grace-user", patient="grace")
    assert refused.status == 403
    first = call("GET", f"/audit/patients/{ada}", groups="privacy_officer", sub="po-1", query={**DAY, "limit": "2"})
    assert first.status == 200, first.body
    assert [(e["action"], e["actor"], e["role"]) for e in first.body["entries"]] == [
        ("patient.read.refused", "grace-user", "patient"), ("patient.read", "dr-1", "practitioner")]
    line = first.body["entries"][1]
    assert (line["route"], line["entity"], line["subject_patient_id"]) == ("GET /patients/{patient_id}", "PATIENT",
                                                                          ada)
    assert line["request_id"] and line["at"].startswith(TODAY)
    rest = call("GET", f"/audit/patients/{ada}", groups="privacy_officer", sub="po-1",
                query={**DAY, "limit": "2", "page_token": first.body["next_page_token"]})
    assert [e["action"] for e in rest.body["entries"]] == ["patient.create"] and rest.body["next_page_token"] is None
    by_dr = call("GET", "/audit/users/dr-1", groups="coordinator", sub="c-1", query=DAY)
    assert [(e["action"], e["entity_id"]) for e in by_dr.body["entries"]] == [("patient.read", ada)]
    # the views are audited too: the privacy officer's own trail shows them
    by_po = call("GET", "/audit/users/po-1", groups="privacy_officer", sub="po-2", query=DAY)
    assert [e["action"] for e in by_po.body["entries"]] == ["audit.patient.read", "audit.patient.read"]
    assert "Lovelace" not in json.dumps(first.body) + json.dumps(by_dr.body)


def test_a_disclosure_is_recorded_and_accounted_for_to_the_patient_too(ada):
    made = call("POST", "/audit/disclosures", groups="privacy_officer", sub="po-1",
                body={**DISCLOSURE, "patient_id": ada})
    assert made.status == 201, made.body
    assert made.headers["location"].endswith(f"/audit/patients/{ada}/disclosures/{made.body['id']}")
    for groups, sub, patient in (("privacy_officer", "po-1", None), ("patient", "ada-user", ada)):
        accounting = call("GET", f"/audit/patients/{ada}/disclosures", groups=groups, sub=sub, patient=patient)
        assert accounting.status == 200, accounting.body
        assert accounting.body["period_start"] == "2020-03-02"
        assert [(d["recipient_name"], d["purpose"]) for d in accounting.body["disclosures"]] == [
            (DISCLOSURE["recipient_name"], DISCLOSURE["purpose"])]
    one = call("GET", f"/audit/patients/{ada}/disclosures/{made.body['id']}", groups="patient", sub="ada-user",
               patient=ada)
    assert one.status == 200 and one.body["recorded_by"] == "po-1"
    other = call("GET", f"/audit/patients/{ada}/disclosures", groups="patient", sub="grace-user", patient="grace")
    assert other.status == 403
    nobody = call("POST", "/audit/disclosures", groups="privacy_officer", body={**DISCLOSURE, "patient_id": "nobody"})
    assert nobody.status == 404
    keyed = [call("POST", "/audit/disclosures", groups="privacy_officer", body={**DISCLOSURE, "patient_id": ada},
                  headers={"Idempotency-Key": "court-order-17"}) for _ in range(2)]
    assert keyed[0].status == keyed[1].status == 201 and keyed[0].body == keyed[1].body
    assert len(call("GET", f"/audit/patients/{ada}/disclosures").body["disclosures"]) == 2
    trail = call("GET", f"/audit/patients/{ada}", groups="privacy_officer", query=DAY).body["entries"]
    assert [e["action"] for e in trail][:8] == [
        "disclosure.accounting", "disclosure.record.replayed", "disclosure.record", "patient.read.refused",
        "disclosure.read", "disclosure.accounting", "disclosure.accounting", "disclosure.record"]


def test_the_export_is_re_verified_by_the_stdlib_script(ada, tmp_path):
    call("GET", f"/patients/{ada}", groups="practitioner", sub="dr-1")
    call("POST", "/audit/disclosures", groups="privacy_officer", body={**DISCLOSURE, "patient_id": ada})
    export = call("GET", "/audit/export", groups="privacy_officer", sub="po-1", query=DAY)
    assert export.status == 200 and export.headers["content-type"].startswith("text/csv")
    assert export.headers["x-audit-first-seq"] == "1" and "x-next-page-token" not in export.headers
    assert export.headers["content-disposition"].startswith("attachment")
    lines = export.text.splitlines()
    assert len(lines) == 1 + int(export.headers["x-audit-last-seq"]) == 4  # header, create, read, disclosure
    assert verify_chain(list(AuditStore(Table()).entries(PRACTICE)), AuditStore(Table()).head(PRACTICE)).intact
    saved = tmp_path / "export.csv"
    saved.write_text(export.text, encoding="utf-8", newline="")
    ends = ["--first-seq", export.headers["x-audit-first-seq"], "--last-seq", export.headers["x-audit-last-seq"],
            "--last-hash", export.headers["x-audit-last-hash"], "--anchor", "0" * 64]

    def verify(path) -> subprocess.CompletedProcess:
        command = [sys.executable, "-I", str(SCRIPT), str(path), *ends]
        return subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - our script

    assert verify(saved).returncode == 0, verify(saved).stdout
    edited = tmp_path / "edited.csv"
    edited.write_text(export.text.replace("dr-1", "dr-2"), encoding="utf-8", newline="")
    assert verify(edited).returncode == 1
    removed = tmp_path / "removed.csv"
    removed.write_text("\r\n".join([lines[0], lines[1], lines[3]]) + "\r\n", encoding="utf-8", newline="")
    assert "missing" in verify(removed).stdout
    # exporting left its own entry, after the range it read
    assert entries_after(3)[-1]["action"] == "audit.export"


def test_a_403_anywhere_leaves_one_entry_and_the_answer_is_unchanged():
    practitioner = call("POST", "/practitioners", body={"name": "Dr A", "weekly": []}).body["id"]
    before = head()
    refused = call("PATCH", f"/practitioners/{practitioner}", groups="billing", sub="biller-1",
                   body={"name": "Dr Z"})
    missing = call("PATCH", "/practitioners/no-such-one", groups="billing", sub="biller-1", body={"name": "Dr Z"})
    assert refused.status == missing.status == 403 and refused.body == missing.body
    assert refused.body["error"]["code"] == "forbidden" and practitioner not in refused.text
    written = entries_after(before)
    assert [(e["action"], e["entity"], e["actor"], e["role"], e["route"]) for e in written] == [
        ("practitioner.change.refused", "PRACTITIONER", "biller-1", "billing",
         "PATCH /practitioners/{practitioner_id}")] * 2
    assert [e["entity_id"] for e in written] == [practitioner, "no-such-one"]
    # a privacy officer is refused a patient's record like any role that may not read it, and that is audited
    before = head()
    assert call("GET", "/patients/anyone", groups="privacy_officer", sub="po-1").status == 403
    assert [(e["action"], e["role"], e["subject_patient_id"]) for e in entries_after(before)] == [
        ("patient.read.refused", "privacy_officer", "anyone")]


def test_a_404_is_audited_on_patient_data_only():
    before = head()
    assert call("GET", "/patients/no-such-patient", groups="coordinator").status == 404
    assert [(e["action"], e["subject_patient_id"]) for e in entries_after(before)] == [
        ("patient.read.refused", "no-such-patient")]
    before = head()
    assert call("GET", "/audit/patients/ada/disclosures/no-such-one", groups="privacy_officer").status == 404
    assert [e["action"] for e in entries_after(before)] == ["disclosure.read.refused"]
    before = head()
    assert call("GET", "/rooms/no-such-room", groups="coordinator").status == 404
    assert entries_after(before) == []


def test_a_signed_in_user_with_no_role_here_is_named_when_refused():
    before = head()
    answer = call("GET", "/audit/users/po-1", groups="not-a-role", sub="stranger-1", query=DAY)
    assert answer.status == 403
    assert [(e["actor"], e["role"], e["action"], e["route"]) for e in entries_after(before)] == [
        ("stranger-1", "none", "user.read.refused", "GET /audit/users/{user_id}")]


BAD = [
    ("/audit/patients/ada", {"from": "2026-13-01", "to": TODAY}, "validation_failed"),
    ("/audit/patients/ada", {"from": TODAY}, "validation_failed"),
    ("/audit/users/dr-1", {"from": "2024-01-01", "to": TODAY}, "range_too_long"),
    ("/audit/users/dr-1", {"from": TODAY, "to": "2026-03-01"}, "invalid_range"),
    ("/audit/users/dr-1", {**DAY, "page_token": "eyJhZnRlciI6IjIwMjYifQ.AAAAAAAAAAAAAAAAAAAAAAAA"},
     "invalid_page_token"),
    ("/audit/export", {"from": "2026-01-01", "to": TODAY}, "range_too_long"),
    ("/audit/export", {**DAY, "page_token": "forged.token"}, "invalid_page_token"),
]


def test_bad_input_is_a_422_that_changes_nothing(ada):
    before = head()
    for path, query, code in BAD:
        answer = call("GET", path, groups="privacy_officer", query=query)
        assert (answer.status, answer.body["error"]["code"]) == (422, code), (path, query)
    assert head() == before
    # a token from another patient's pages is as forged as any
    call("GET", f"/patients/{ada}", groups="practitioner", sub="dr-1")
    token = call("GET", f"/audit/patients/{ada}", groups="privacy_officer", query={**DAY, "limit": "1"}).body[
        "next_page_token"]
    assert token
    before = head()
    answer = call("GET", "/audit/patients/grace", groups="privacy_officer", query={**DAY, "page_token": token})
    assert (answer.status, answer.body["error"]["code"], head()) == (422, "invalid_page_token", before)
