"""The billing API on moto: the handler called with API Gateway proxy events, the workflow engine a fake
that records what it was asked. Roles, scrubbing on creation, idempotent payments (and their race),
statements, A/R aging, and the daily follow-up of claims with no answer."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from functions.billing import jobs
from functions.billing.clearinghouse import Script, SimulatedClearinghouse
from functions.billing.models import PaymentIn
from functions.billing.repo import BillingRepo
from functions.billing.service import BillingService
from functions.core.audit_store import AuditStore
from functions.core.auth import Caller, Role
from functions.core.table import Table
from functions.records.repo import RecordsRepo
from functions.records.service import RecordsService
from tests.support import api_event, claims
from tests.support import race as shared_race
from tests.workflows.billing_support import PROVIDER, new_patient

PRACTICE = "practice-a"
TODAY = datetime.now(UTC).date()


class FakeWorkflow:
    def __init__(self) -> None:
        self.started: list[tuple[str, dict]] = []
        self.resumed: list[tuple[str, dict]] = []

    def start(self, name: str, payload: dict) -> str:
        self.started.append((name, payload))
        return f"arn:aws:states:us-east-1:123456789012:execution:claim-submission:{name}"

    def resume(self, task_token: str, output: dict) -> None:
        self.resumed.append((task_token, output))


def make_service(workflow=None, now=None) -> BillingService:
    table = Table()
    audit = AuditStore(table)
    return BillingService(BillingRepo(table, audit), RecordsRepo(table, audit), SimulatedClearinghouse(table),
                          workflow or FakeWorkflow(), page_key=lambda: b"k" * 32, **({"now": now} if now else {}))


class Api:
    def __init__(self, context, billing: BillingService) -> None:
        from functions.billing.handler import handler

        self.handler, self.context, self.billing = handler, context, billing

    def __call__(self, method: str, path: str, *, role: str = "billing", patient: str | None = None,
                 **kwargs: Any) -> tuple[int, Any]:
        event = api_event(method, path, claims=claims(role=role, practice=PRACTICE, patient=patient), **kwargs)
        response = self.handler(event, self.context)
        body = response.get("body")
        try:
            return response["statusCode"], (json.loads(body) if body else None)
        except ValueError:
            return response["statusCode"], body


@pytest.fixture
def api(cloud, lambda_context, monkeypatch):
    from functions.billing import api as billing_api

    billing = make_service()
    monkeypatch.setattr(billing_api, "service", lambda: billing)
    client = Api(lambda_context, billing)
    assert client("PUT", "/claims/settings", query={"version": "0"},
                  body={"billing_provider": PROVIDER.model_dump(mode="json")})[0] == 200
    assert client("PUT", "/payers/acme-health", query={"version": "0"},
                  body={"name": "Acme Health", "electronic_id": "60054"})[0] == 200
    assert client("PUT", "/charges/fee-schedule", query={"version": "0"},
                  body={"fees": [{"code": "99213", "amount_cents": 15000}]})[0] == 200
    return client


def records() -> RecordsService:
    table = Table()
    audit = AuditStore(table)
    return RecordsService(RecordsRepo(table, audit), audit, page_key=lambda: b"k" * 32)


def charge_body(patient_id: str, **changes) -> dict:
    return {"patient_id": patient_id, "date_of_service": (TODAY - timedelta(days=3)).isoformat(),
            "diagnoses": ["J45.909"], "lines": [{"procedure_code": "99213", "diagnosis_pointers": [1]}], **changes}


def a_claim(api: Api, patient_id: str) -> dict:
    status, charge = api("POST", "/charges", body=charge_body(patient_id))
    assert status == 201, charge
    status, claim = api("POST", "/claims", body={"charge_id": charge["id"]})
    assert status == 201, claim
    return claim


def test_a_charge_is_priced_and_a_claim_made_from_it_is_scrubbed_at_once(api):
    patient = new_patient(records(), PRACTICE)
    claim = a_claim(api, patient)
    assert claim["state"] == "scrubbed" and claim["total_cents"] == 15000 and claim["issues"] == []
    assert "task_token" not in claim
    assert api("POST", "/claims", body={"charge_id": claim["charge_id"]})[1]["error"]["code"] == "claim_exists"
    status, listed = api("GET", "/claims", query={"state": "scrubbed"})
    assert status == 200 and [c["id"] for c in listed["claims"]] == [claim["id"]]


def test_bad_codes_are_refused_with_what_is_wrong(api):
    patient = new_patient(records(), PRACTICE)
    status, body = api("POST", "/charges", body=charge_body(patient, lines=[
        {"procedure_code": "9921", "diagnosis_pointers": [1]}]))
    assert status == 422 and "a CPT code has 5" in json.dumps(body)
    status, body = api("POST", "/charges", body=charge_body(patient, lines=[
        {"procedure_code": "99214", "diagnosis_pointers": [1]}]))
    assert status == 422 and body["error"]["code"] == "no_fee"


def test_submitting_starts_the_workflow_once_per_version(api):
    claim = a_claim(api, new_patient(records(), PRACTICE))
    status, started = api("POST", f"/claims/{claim['id']}/submit", body={"version": claim["version"]})
    assert status == 202 and started["execution_arn"].endswith(f"{claim['id']}-v2")
    assert api.billing.workflow.started == [(f"{claim['id']}-v2", {"practice_id": PRACTICE, "claim_id": claim["id"]})]
    status, body = api("POST", f"/claims/{claim['id']}/submit", body={"version": claim["version"]})
    assert status == 409 and body["error"]["code"] == "stale_version"


def test_resolving_a_work_item_resumes_the_waiting_workflow(api):
    claim = a_claim(api, new_patient(records(), PRACTICE))
    api.billing.step_open_work_item(PRACTICE, claim["id"], "token-123", "denied (CO-50): appeal with records")
    waiting = api("GET", f"/claims/{claim['id']}")[1]
    assert waiting["state"] == "needs_review" and waiting["has_work_item"] and "task_token" not in waiting
    status, resolved = api("POST", f"/claims/{claim['id']}/resolve",
                           body={"action": "close", "note": "written off", "version": waiting["version"]})
    assert status == 200 and not resolved["has_work_item"]
    assert api.billing.workflow.resumed == [("token-123", {"action": "close", "by": "user-1"})]


def test_only_billing_and_coordinators_reach_claims_and_charges(api):
    assert api("GET", "/claims", role="front_desk", query={"state": "draft"})[0] == 403
    assert api("GET", "/payers", role="patient", patient="p-1")[0] == 403
    assert api("GET", "/reports/ar-aging", role="coordinator")[0] == 200


def test_patients_see_and_pay_their_own_invoices_once_per_idempotency_key(api):
    patient = new_patient(records(), PRACTICE)
    status, invoice = api("POST", "/invoices", body={"patient_id": patient, "amount_cents": 5000,
                                                     "description": "Self-pay visit"})
    assert status == 201
    mine = {"role": "patient", "patient": patient}
    assert api("GET", f"/invoices/{invoice['id']}", **mine)[0] == 200
    assert api("GET", f"/invoices/{invoice['id']}", role="patient", patient="someone-else")[0] == 404
    assert api("GET", "/invoices", query={"patient_id": patient}, role="patient", patient="someone-else")[0] == 403
    pay = {"invoice_id": invoice["id"], "amount_cents": 2000, "method": "card", "reference": "4242"}
    first = api("POST", "/payments", body=pay, headers={"Idempotency-Key": "pay-attempt-0001"}, **mine)
    again = api("POST", "/payments", body=pay, headers={"Idempotency-Key": "pay-attempt-0001"}, **mine)
    assert first[0] == 201 and again[0] == 201 and first[1]["id"] == again[1]["id"]
    assert api("POST", "/payments", body={**pay, "method": "cash"}, **mine)[0] == 403
    assert api("POST", "/payments", body={**pay, "amount_cents": 9000})[1]["error"]["code"] == "overpayment"
    status, statement = api("GET", "/invoices/statement", query={"patient_id": patient}, **mine)
    assert status == 200 and (statement["total_billed_cents"], statement["total_paid_cents"],
                              statement["balance_cents"]) == (5000, 2000, 3000)
    assert api("POST", "/payments", body={**pay, "reference": "4242424242424242"}, **mine)[0] == 422


def race(work, n: int = 6) -> tuple[list, list]:
    return shared_race(make_service, work, n)


def test_a_payment_retried_concurrently_is_taken_once(api):
    patient = new_patient(records(), PRACTICE)
    invoice = api("POST", "/invoices", body={"patient_id": patient, "amount_cents": 5000, "description": "Visit"})[1]
    caller = Caller(user_id="desk-1", practice_id=PRACTICE, roles=frozenset({Role.BILLING}))
    body = PaymentIn(invoice_id=invoice["id"], amount_cents=1500, method="cheque", reference="1042")

    results, errors = race(lambda service, _: service.pay(caller, body, "cheque-1042-retry"))

    assert errors == [] and len({payment.id for payment in results}) == 1
    after = api("GET", f"/invoices/{invoice['id']}")[1]
    assert (after["paid_cents"], after["balance_cents"], len(after["payments"])) == (1500, 3500, 1)


def test_racing_payments_cannot_pay_an_invoice_twice(api):
    patient = new_patient(records(), PRACTICE)
    invoice = api("POST", "/invoices", body={"patient_id": patient, "amount_cents": 5000, "description": "Visit"})[1]
    caller = Caller(user_id="desk-1", practice_id=PRACTICE, roles=frozenset({Role.BILLING}))

    results, errors = race(lambda service, i: service.pay(
        caller, PaymentIn(invoice_id=invoice["id"], amount_cents=5000, method="card"), f"full-payment-{i:04d}"))

    assert len(results) == 1 and all(getattr(e, "code", "") == "overpayment" for e in errors) and len(errors) == 5
    assert api("GET", f"/invoices/{invoice['id']}")[1]["balance_cents"] == 0


def test_ar_aging_buckets_open_claims_by_payer_and_invoices_by_patient(api):
    patient = new_patient(records(), PRACTICE)
    a_claim(api, patient)
    api("POST", "/invoices", body={"patient_id": patient, "amount_cents": 700, "description": "Copay"})
    status, report = api("GET", "/reports/ar-aging")
    assert status == 200
    assert report["by_payer"] == [{"key": "acme-health", "buckets": {"0-30": 15000, "31-60": 0, "61-90": 0, "90+": 0},
                                   "total_cents": 15000}]
    assert report["by_patient"][0]["buckets"]["0-30"] == 700 and report["total_cents"] == 15700


def test_the_daily_job_follows_up_claims_with_no_answer_after_n_days(api):
    claim = a_claim(api, new_patient(records(), PRACTICE))
    clearinghouse = SimulatedClearinghouse(Table())
    clearinghouse.script(PRACTICE, Script(answer=False))
    service = api.billing
    for step in (service.step_scrub, service.step_build, service.step_submit):
        step(PRACTICE, claim["id"])
    assert jobs.follow_up_claims(Table(), service)["followed_up"] == 0  # not due for 30 days

    later = make_service(now=lambda: datetime.now(UTC) + timedelta(days=31))
    assert jobs.follow_up_claims(Table(), later) == {"practices": 1, "followed_up": 1, "skipped": 0}
    chased = later.claim(Caller(user_id="b", practice_id=PRACTICE, roles=frozenset({Role.BILLING})), claim["id"])
    assert chased.state == "submitted" and chased.state_reason.startswith("no answer yet; status inquiry: A1:20")
    assert chased.follow_up_on == (datetime.now(UTC) + timedelta(days=61)).date()
    assert jobs.follow_up_claims(Table(), later)["followed_up"] == 0  # not again until the next due date
