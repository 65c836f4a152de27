"""The compliance API through its Lambda handler on moto: certifications with If-Match, the run now, findings and
the board; bad input is a 4xx that changes nothing; a booking with the lapsed practitioner is warned of; two runs
at once make one finding and one notice."""

import json
import threading
from typing import Any

import pytest

from functions.core.keys import collection_pk
from functions.core.table import Table
from tests.integration.scheduling_support import (  # noqa: F401 - fixtures, used by name
    PRACTICE,
    Api,
    api_fixture,
    clinic_fixture,
    fixed_clock_fixture,
)
from tests.support import api_event, claims, response_headers

EXPIRED = "2026-02-20"  # before the clock's Monday 2 March 2026
LICENCE = {"holder_id": "nurse-1", "kind": "licence", "name": "Nurse practitioner licence", "number": "NP-77",
           "issuing_body": "State board of nursing", "expires_on": EXPIRED}


class ComplianceApi:
    def __init__(self, context) -> None:
        from functions.compliance.handler import handler

        self.handler, self.context = handler, context

    def __call__(self, method: str, path: str, *, role: str = "coordinator", sub: str = "coord-1",
                 **kwargs: Any) -> tuple[int, Any]:
        response = self.handler(api_event(method, path, claims=claims(role=role, practice=PRACTICE, sub=sub),
                                          **kwargs), self.context)
        self.headers = response_headers(response)
        return response["statusCode"], json.loads(response["body"]) if response.get("body") else None

    def ok(self, method: str, path: str, expected: int = 200, **kwargs: Any) -> Any:
        status, body = self(method, path, **kwargs)
        assert status == expected, (status, body)
        return body


@pytest.fixture
def compliance(api, clinic, lambda_context) -> ComplianceApi:
    from functions.staff.handler import handler as staff_handler

    for user_id, role, practitioner in (("coord-1", "coordinator", None), ("nurse-1", "nurse", clinic.dr_a)):
        body = {"user_id": user_id, "name": user_id.title(), "role": role, "contracted_hours": 40,
                "location_ids": ["main"], **({"practitioner_id": practitioner} if practitioner else {})}
        response = staff_handler(api_event("POST", "/staff", claims=claims(practice=PRACTICE), body=body),
                                 lambda_context)
        assert response["statusCode"] == 201, response["body"]
    return ComplianceApi(lambda_context)


def compliance_items() -> list[dict]:
    """Every item of the compliance area (and the outbox and the audit head), to show a refusal changed nothing."""
    table = Table()
    found = []
    for entity in ("COMPLIANCE", "CERTIFICATIONS", "OUTBOX", "AUDIT"):
        found += table.query_all(collection_pk(PRACTICE, entity), index="gsi3" if entity == "CERTIFICATIONS"
                                 else None)
    return found


def notices() -> list[dict]:
    events = Table().query_all(collection_pk(PRACTICE, "OUTBOX"))
    return [e["event"] for e in events if e["event"]["type"] == "notification.requested"
            and "compliance-finding-" in json.dumps(e)]


def test_certifications_with_if_match_then_a_run_the_board_and_the_clearing(compliance, clinic, api):
    made = compliance.ok("POST", "/certifications", 201, body=LICENCE)
    assert compliance.headers["location"].endswith(f"/certifications/{made['id']}")
    assert made["practitioner_id"] == clinic.dr_a and compliance.headers["etag"] == '"1"'
    assert compliance.ok("GET", f"/certifications/{made['id']}")["number"] == "NP-77"
    assert compliance.ok("GET", "/certifications", role="staff", sub="nurse-1")["certifications"][0]["id"] == made["id"]

    # the run: an expired licence is a critical finding for its holder, who is told once
    summary = compliance.ok("POST", "/compliance/runs", role="privacy_officer", sub="po-1")
    licence_run = next(c for c in summary["checks"] if c["name"] == "licence_expiry")
    assert licence_run["opened"] == 1 and summary["failed"] == 0 and summary["notices"] == 1
    finding_id = f"licence_expiry-cert-{made['id']}"
    listed = compliance.ok("GET", "/compliance/findings", query={"severity": "critical"})["findings"]
    assert [f["id"] for f in listed] == [finding_id] and listed[0]["owner"] == "user:nurse-1"
    assert compliance.ok("GET", f"/compliance/findings/{finding_id}", role="staff", sub="nurse-1")["status"] == "open"
    assert compliance("GET", f"/compliance/findings/{finding_id}", role="front_desk", sub="desk-1")[0] == 403
    board = compliance.ok("GET", "/compliance/board")
    assert board["by_severity"]["critical"] == 1 and board["by_owner"] == [{"owner": "user:nurse-1", "open": 1}]
    assert board["trend"][-1]["open"] == 1 and len(board["trend"]) == 12
    compliance.ok("POST", "/compliance/runs")
    assert len(notices()) == 1  # kept: nobody told twice

    # booking with the lapsed practitioner succeeds, with the warning
    booked = api.ok("POST", "/appointments", 201, role="front_desk", body={
        "type_id": clinic.visit, "practitioner_id": clinic.dr_a, "start": "2026-03-04T15:00:00Z",
        "patient_id": "pat-1"})
    assert booked["status"] == "booked" and [w["code"] for w in booked["warnings"]] == ["practitioner_licence_expired"]

    # renewal: a stale or missing If-Match changes nothing; the right one does, and the next run closes it
    renewal = {"expires_on": "2028-02-20"}
    assert compliance("PATCH", f"/certifications/{made['id']}", body=renewal)[0] == 428
    assert compliance("PATCH", f"/certifications/{made['id']}", body=renewal, headers={"If-Match": '"7"'})[0] == 412
    renewed = compliance.ok("PATCH", f"/certifications/{made['id']}", body=renewal, headers={"If-Match": '"1"'})
    assert renewed["version"] == 2 and compliance.headers["etag"] == '"2"'
    closed = next(c for c in compliance.ok("POST", "/compliance/runs")["checks"] if c["name"] == "licence_expiry")
    assert closed["closed"] == 1
    (closed_finding,) = compliance.ok("GET", "/compliance/findings", query={"status": "closed"})["findings"]
    assert closed_finding["closed_by"] == "check"
    assert compliance.ok("GET", "/compliance/board")["open"] == 0
    again = api.ok("POST", "/appointments", 201, role="front_desk", body={
        "type_id": clinic.visit, "practitioner_id": clinic.dr_a, "start": "2026-03-04T16:00:00Z",
        "patient_id": "pat-2"})
    assert again["warnings"] == []
    retired = compliance.ok("DELETE", f"/certifications/{made['id']}", headers={"If-Match": '"2"'})
    assert retired["status"] == "retired"


@pytest.mark.parametrize(("method", "path", "kwargs", "status"), [
    ("POST", "/certifications", {"body": {**LICENCE, "expires_on": "0001-01-01"}}, 422),
    ("POST", "/certifications", {"body": {**LICENCE, "holder_id": "nobody"}}, 422),
    ("POST", "/certifications", {"body": {**LICENCE, "kind": "diploma"}}, 422),
    ("POST", "/certifications", {"body": {**LICENCE, "issued_on": "2027-01-01"}}, 422),
    ("POST", "/certifications", {"body": LICENCE, "role": "front_desk", "sub": "desk-1"}, 403),
    ("PUT", "/compliance/settings", {"body": {"privacy_officer_ids": ["po-1"]}}, 428),
    ("PUT", "/compliance/settings", {"body": {"licence_warning_days": 0}, "headers": {"If-None-Match": "*"}}, 422),
    ("PUT", "/compliance/settings", {"body": {}, "headers": {"If-None-Match": "*"}, "role": "staff"}, 403),
    ("GET", "/compliance/findings", {"query": {"severity": "dire"}}, 422),
    ("GET", "/compliance/findings", {"query": {"owner": "someone"}}, 422),
    ("GET", "/compliance/findings", {"query": {"page_token": "forged.token"}}, 422),
    ("GET", "/compliance/findings/nope", {}, 404),
    ("POST", "/compliance/runs", {"role": "staff", "sub": "nurse-1"}, 403),
    ("GET", "/compliance/board", {"role": "billing"}, 403),
])
def test_bad_input_is_a_4xx_that_changes_nothing(compliance, method, path, kwargs, status):
    before = compliance_items()
    got, body = compliance(method, path, **kwargs)
    assert got == status and set(body["error"]) == {"code", "message", "details"}
    after = [i for i in compliance_items() if not (i.get("action", "").endswith(".refused"))]
    assert [i for i in after if i["sk"] != "HEAD"] == [i for i in before if i["sk"] != "HEAD"]


def test_settings_are_created_once_then_moved_on_their_version(compliance):
    assert compliance.ok("GET", "/compliance/settings")["version"] == 0
    saved = compliance.ok("PUT", "/compliance/settings", body={"privacy_officer_ids": ["po-1"]},
                          headers={"If-None-Match": "*"}, role="privacy_officer", sub="po-1")
    assert saved["version"] == 1 and compliance.headers["etag"] == '"1"'
    assert compliance("PUT", "/compliance/settings", body={}, headers={"If-None-Match": "*"})[0] == 412
    assert compliance.ok("PUT", "/compliance/settings", body={"chain_stale_days": 3},
                         headers={"If-Match": '"1"'})["chain_stale_days"] == 3


def test_two_runs_at_once_make_one_finding_per_licence_and_one_notice_each(compliance):
    from functions.compliance import wiring
    from functions.core import container

    for n in range(5):
        compliance.ok("POST", "/certifications", 201, body={**LICENCE, "number": f"NP-{n}"})
    runs = []
    for _ in range(2):  # two containers, as two Lambdas would be
        container.reset("functions.compliance")
        runs.append(wiring.compliance_run())
    barrier = threading.Barrier(2)
    for run in runs:
        real = run.findings.open_for_check

        def together(practice_id, check, real=real):
            seen = real(practice_id, check)
            if check == "licence_expiry":
                barrier.wait(timeout=10)  # both have read "nothing open" before either writes
            return seen

        run.findings.open_for_check = together
    summaries: list = []
    threads = [threading.Thread(target=lambda r=r: summaries.append(r.run(PRACTICE))) for r in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    licence_runs = [next(c for c in s.checks if c.name == "licence_expiry") for s in summaries]
    assert sum(c.opened for c in licence_runs) == 5 and sum(c.kept for c in licence_runs) == 5
    assert len(compliance.ok("GET", "/compliance/findings")["findings"]) == 5
    assert len(notices()) == 5
