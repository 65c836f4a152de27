"""The daily compliance run end to end on moto: every kind of finding seeded through its area's own handlers (one
seam: the unconsented email, see `unconsented_email`), the run through the compliance-jobs handler, the report
read through GET /compliance/board and /compliance/findings and the owners' work notices; each thing then fixed
through the areas' APIs, the next run closes every finding, and a third run changes nothing."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from functions.core import clock
from functions.core.audit_store import entry_sk
from functions.core.keys import collection_pk
from functions.core.table import Table
from tests.support import api_event, claims, response_headers

PRACTICE = "practice-daily"
T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # a Monday
TODAY = T0.date()
PAYER = "acme-health"


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


class Areas:
    """Each area's Lambda handler called as API Gateway would; the handler picked by the path."""

    def __init__(self, context) -> None:
        from functions.billing.handler import handler as billing
        from functions.compliance.handler import handler as compliance
        from functions.inventory.handler import handler as inventory
        from functions.notifications.handler import handler as notifications
        from functions.records.handler import handler as records
        from functions.staff.handler import handler as staff

        self.context = context
        self.routes = [(("/staff", "/leave-requests", "/pto"), staff), (("/patients",), records),
                       (("/charges", "/claims", "/payers"), billing),
                       (("/locations", "/items", "/movements", "/suppliers", "/stock"), inventory),
                       (("/messages",), notifications),
                       (("/training", "/policies", "/certifications", "/compliance"), compliance)]

    def __call__(self, method: str, path: str, body: Any = None, *, role: str = "coordinator", sub: str = "coord-1",
                 expected: int | None = None, **kwargs: Any) -> Any:
        handler = next(h for prefixes, h in self.routes if path.startswith(prefixes))
        response = handler(api_event(method, path, body=body, claims=claims(role=role, practice=PRACTICE, sub=sub),
                                     **kwargs), self.context)
        self.headers = response_headers(response)
        answer = json.loads(response["body"]) if response.get("body") else None
        if expected is not None:
            assert response["statusCode"] == expected, (method, path, response["statusCode"], answer)
        return answer


def at(offset_days: int) -> None:
    clock.use(clock.FixedClock(T0 + timedelta(days=offset_days)))


def jobs(name: str, context, **more: Any) -> dict:
    from functions.compliance.jobs import handler

    return handler({"job": name, **more}, context)


def finding_notices() -> list[dict]:
    events = Table().query_all(collection_pk(PRACTICE, "OUTBOX"))
    return [e["event"] for e in events if e["event"]["type"] == "notification.requested"
            and "compliance-finding-" in json.dumps(e)]


def unconsented_email(patient_id: str, sent_at: datetime) -> str:
    """The one seam. Notifications re-plans every delivery against the patient's active consent when it sends, so
    no request through its API reaches a channel the patient did not allow. The message is therefore written as
    the notifications worker writes a sent email (its message log, then claim and record_sent on its delivery
    ledger): what an import, an older release or a consent corrected after the fact would leave behind."""
    from functions.notifications.dynamo.messages import DynamoDeliveryLedger, DynamoMessageLog
    from functions.notifications.models.messages import NotificationRequest, Recipient, Source, new_message
    from functions.notifications.ports import NewMessage

    table, when = Table(), clock.iso(sent_at)
    request = NotificationRequest(practice_id=PRACTICE, recipient=Recipient(kind="patient", patient_id=patient_id),
                                  template="appointment.reminder", data={},
                                  source=Source(area="scheduling", entity="appointment", entity_id="A1"),
                                  idempotency_key="daily-run-unconsented")
    message = new_message(request, when)
    DynamoMessageLog(table).create(NewMessage(message, {}, request.fingerprint()))
    ledger = DynamoDeliveryLedger(table)
    assert ledger.claim(PRACTICE, message.id, "email", 1, when)
    ledger.record_sent(PRACTICE, message.id, "email", 1, when, "provider-1", patient_id)
    return message.id


@pytest.fixture
def areas(cloud, lambda_context, monkeypatch):
    from functions.core import container
    from functions.staff import wiring as staff_wiring
    from tests.fakes.staff import FakeWorkflow

    # the leave workflow's engine is a recording fake (its ASL runs in tests/workflows); decisions go through the API
    monkeypatch.setattr(staff_wiring, "StepFunctionsLeaveWorkflow", FakeWorkflow)
    container.reset()
    previous = clock.use(clock.FixedClock(T0))
    yield Areas(lambda_context)
    clock.use(previous)


def staff(areas: Areas, user_id: str, role: str, manager: str | None = None) -> None:
    areas("POST", "/staff", {"user_id": user_id, "name": f"Member {user_id}", "role": role, "contracted_hours": 40,
                             "location_ids": ["main"], **({"manager_id": manager} if manager else {})}, expected=201)


def test_every_kind_of_finding_is_reported_then_closed_when_fixed_and_a_rerun_changes_nothing(areas, lambda_context):
    from functions.billing.tasks import run as claim_step
    from functions.staff.sign_in_trigger import handler as sign_in
    from tests.integration.test_staff_sign_in import post_authentication
    from tests.workflows.billing_support import PROVIDER, new_patient

    # --- seeding, each through its area ------------------------------------------------------------------------
    at(-100)  # an account made long ago and never used
    staff(areas, "ghost", "front_desk")
    at(-10)
    for user_id, role, manager in (("coord-1", "coordinator", None), ("boss", "manager", None),
                                   ("nurse-1", "nurse", "boss"), ("bill-1", "billing", None)):
        staff(areas, user_id, role, manager)
    areas("PUT", "/pto/policy", {"time_zone": "UTC", "leave_unit_hours": 0.5, "accrual_hours_per_month": 10},
          headers={"If-None-Match": "*"}, expected=200)
    leave = areas("POST", "/leave-requests", {"kind": "vacation", "unit": "days", "first_day": day(20),
                                              "last_day": day(21)}, role="staff", sub="nurse-1", expected=201)
    programme = areas("POST", "/training/programmes", {"title": "Fire safety"}, expected=201)
    assigned = areas("POST", f"/training/programmes/{programme['id']}/assignments",
                     {"user_ids": ["nurse-1"], "due_on": day(-5)}, expected=200)
    (assignment_id,) = [a["id"] for a in assigned["assigned"]]
    policy = areas("POST", "/policies", {"title": "Clean desk"}, expected=201)
    areas("POST", f"/policies/{policy['id']}/versions", {"text": "Lock your screen.", "signers": {"user_ids":
          ["nurse-1"]}, "days_to_sign": 3}, expected=200)
    store = areas("POST", "/locations", {"name": "Store room", "kind": "store_room"}, expected=201)["id"]
    vaccine = areas("POST", "/items", {"name": "Flu vaccine", "category": "vaccines", "unit_of_use": "dose",
                                       "pack_size": 10, "lot_tracked": True, "expiry_tracked": True},
                    expected=201)["id"]
    areas("POST", "/movements", {"kind": "receive", "item_id": vaccine, "location_id": store, "quantity": 4,
                                 "lot": "L1", "expires_on": day(-2)}, expected=201)
    at(0)
    expiring = areas("POST", "/certifications", {"holder_id": "nurse-1", "kind": "certification", "name": "BLS",
                                                 "number": "BLS-1", "issuing_body": "AHA", "expires_on": day(20)},
                     expected=201)
    expired = areas("POST", "/certifications", {"holder_id": "boss", "kind": "licence", "name": "RN licence",
                                                "number": "RN-9", "issuing_body": "State board",
                                                "expires_on": day(-3)}, expected=201)
    areas("PUT", "/claims/settings", {"billing_provider": PROVIDER.model_dump(mode="json")},
          headers={"If-None-Match": "*"}, role="billing", sub="bill-1", expected=200)
    areas("PUT", f"/payers/{PAYER}", {"name": "Acme Health", "electronic_id": "60054", "timely_filing_days": 30},
          headers={"If-None-Match": "*"}, role="billing", sub="bill-1", expected=200)
    areas("PUT", "/charges/fee-schedule", {"fees": [{"code": "99213", "amount_cents": 15000}]},
          headers={"If-None-Match": "*"}, role="billing", sub="bill-1", expected=200)
    patient = new_patient(PRACTICE)
    charge = areas("POST", "/charges", {"patient_id": patient, "date_of_service": day(-20), "diagnoses": ["J45.909"],
                                        "lines": [{"procedure_code": "99213", "diagnosis_pointers": [1]}]},
                   role="billing", sub="bill-1", expected=201)
    claim = areas("POST", "/claims", {"charge_id": charge["id"]}, role="billing", sub="bill-1", expected=201)
    assert claim["timely_filing_deadline"] == day(10)
    areas("POST", f"/patients/{patient}/consents", {"kind": "communication", "channels": ["sms"]}, expected=201)
    message_id = unconsented_email(patient, T0 - timedelta(days=29))
    table = Table()
    original = table.get(collection_pk(PRACTICE, "AUDIT"), entry_sk(2))
    table.put({**original, "actor": "someone-else"})  # tampered, as tests/integration/test_outbox_and_audit_job.py
    assert jobs("verify_audit_chains", lambda_context, full=True)["broken"] == 1

    # --- the first run reports each kind -------------------------------------------------------------------------
    first = jobs("run_compliance_checks", lambda_context)
    assert first["failed_checks"] == 0 and first["opened"] == first["open"] == 10 and first["closed"] == 0
    findings = areas("GET", "/compliance/findings", expected=200)["findings"]
    reported = {(f["check"], f["severity"], f["owner"], f["due_on"], f["link"]) for f in findings}
    assert reported == {
        ("licence_expiry", "medium", "user:nurse-1", day(20), f"/certifications/{expiring['id']}"),
        ("licence_expiry", "critical", "user:boss", day(-3), f"/certifications/{expired['id']}"),
        ("audit_chain", "critical", "role:privacy_officer", day(0), "/audit/export"),
        ("training_overdue", "medium", "user:nurse-1", day(-5), f"/training/assignments/{assignment_id}"),
        ("policy_unsigned", "medium", "user:nurse-1", day(-7), f"/policies/{policy['id']}/acknowledgements/nurse-1"),
        ("timely_filing", "medium", "role:billing", day(10), f"/claims/{claim['id']}"),
        ("stock_expired", "high", "role:coordinator", day(-2), f"/stock/expiring?location_id={store}"),
        ("unconsented_message", "high", "role:privacy_officer", day(-22), f"/messages/{message_id}"),
        ("leave_waiting", "medium", "user:boss", day(-5), f"/leave-requests/{leave['id']}"),
        ("stale_account", "medium", "role:coordinator", day(-10), "/staff/ghost"),
    }
    assert {f["status"] for f in findings} == {"open"} and "Lovelace" not in json.dumps(findings)  # ids, no names
    for finding in findings:  # each link leads to the thing to fix (the export's asks for a range of days)
        if finding["check"] != "audit_chain":
            path, _, query = finding["link"].partition("?")
            areas("GET", path, query=dict([query.split("=")]) if query else None, expected=200)

    board = areas("GET", "/compliance/board", expected=200)
    assert board["open"] == 10 and board["by_severity"] == {"critical": 2, "high": 2, "medium": 6, "low": 0}
    assert {o["owner"]: o["open"] for o in board["by_owner"]} == {
        "user:nurse-1": 3, "user:boss": 2, "role:privacy_officer": 2, "role:billing": 1, "role:coordinator": 2}
    assert board["trend"][-1]["open"] == 10

    # the owners told, each once: a person directly, a role its members (the privacy officer falls back to the
    # coordinators while the settings name none)
    told: dict[str, list[str]] = {}
    for notice in finding_notices():
        request = notice["data"]["request"]
        assert request["idempotency_key"] == f"compliance-finding-{request['source']['entity_id']}-1"
        told.setdefault(request["source"]["entity_id"], []).append(request["recipient"]["user_id"])
    assert sum(map(len, told.values())) == first["notices"] == 10
    people = {"user:nurse-1": ["nurse-1"], "user:boss": ["boss"], "role:billing": ["bill-1"],
              "role:coordinator": ["coord-1"], "role:privacy_officer": ["coord-1"]}
    assert told == {f["id"]: people[f["owner"]] for f in findings}
    mine = areas("GET", "/compliance/findings", role="staff", sub="nurse-1", query={"owner": "user:nurse-1"},
                 expected=200)["findings"]
    assert len(mine) == 3  # a member reads the findings that are theirs

    # --- each thing fixed through its area --------------------------------------------------------------------
    for made in (expiring, expired):
        areas("PATCH", f"/certifications/{made['id']}", {"expires_on": day(730)}, headers={"If-Match": '"1"'},
              expected=200)
    areas("POST", f"/training/assignments/{assignment_id}/completion", {}, role="staff", sub="nurse-1",
          expected=200)
    areas("POST", f"/policies/{policy['id']}/acknowledgements", {"number": 1}, role="staff", sub="nurse-1",
          expected=200)
    areas("POST", f"/leave-requests/{leave['id']}/approve", {"reason": "cover found"}, role="staff", sub="boss",
          expected=200)
    areas("POST", "/movements", {"kind": "expire", "item_id": vaccine, "location_id": store, "quantity": 4,
                                 "lot": "L1", "reason": "expired"}, expected=201)
    sign_in(post_authentication("ghost", PRACTICE), lambda_context)
    for task in ("build", "submit", "check_ack"):  # the submission workflow's steps, with the simulated payer
        claim_step({"task": task, "practice_id": PRACTICE, "claim_id": claim["id"]})
    assert areas("GET", f"/claims/{claim['id']}", role="billing", sub="bill-1", expected=200)["state"] == "accepted"
    table.put(original)  # the entry restored from the backup; the weekly full verification finds the chain whole
    at(2)  # and the emailed patient's message has left the 30-day window the privacy officer reviews it in
    assert jobs("verify_audit_chains", lambda_context, full=True)["broken"] == 0

    second = jobs("run_compliance_checks", lambda_context)
    assert (second["opened"], second["closed"], second["open"], second["failed_checks"]) == (0, 10, 0, 0)
    closed = areas("GET", "/compliance/findings", query={"status": "closed"}, expected=200)["findings"]
    assert len(closed) == 10 and {f["closed_by"] for f in closed} == {"check"}
    assert areas("GET", "/compliance/findings", expected=200)["findings"] == []
    assert areas("GET", "/compliance/board", expected=200)["open"] == 0

    # --- a third run changes nothing ------------------------------------------------------------------------------
    notices_before = finding_notices()
    third = jobs("run_compliance_checks", lambda_context)
    assert (third["opened"], third["closed"], third["open"], third["notices"]) == (0, 0, 0, 0)
    assert finding_notices() == notices_before
    assert areas("GET", "/compliance/findings", query={"status": "closed"}, expected=200)["findings"] == closed
