"""The billing API on moto: the handler called with API Gateway proxy events, the workflow engine a fake
that records what it was asked. Roles, scrubbing on creation, idempotent payments (and their race),
statements, A/R aging, and the daily follow-up of claims with no answer."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from functions.billing import jobs, wiring
from functions.billing.clearinghouse import Script, SimulatedClearinghouse
from functions.billing.dynamo.claims import DynamoClaimLedger
from functions.billing.dynamo.money import DynamoInvoiceBook, DynamoPaymentLedger
from functions.billing.dynamo.setup import DynamoBillingSetup
from functions.billing.follow_up import ClaimFollowUp
from functions.billing.models.money import PaymentIn
from functions.billing.payments import Payments
from functions.core import container, tenancy
from functions.core.audit_store import AuditStore
from functions.core.auth import Caller, Role
from functions.core.table import Table
from tests.fakes.billing import FakeClaimWorkflowEngine
from tests.support import api_event, api_url, claims, if_match, response_headers
from tests.support import race as shared_race
from tests.workflows.billing_support import PROVIDER, new_patient

PRACTICE = "practice-a"
TODAY = datetime.now(UTC).date()


def use_fake_engine(monkeypatch) -> FakeClaimWorkflowEngine:
    """The production wiring, but a workflow engine that records what it was asked and starts nothing."""
    engine = FakeClaimWorkflowEngine()
    monkeypatch.setattr(wiring, "workflow_engine", lambda: engine)
    container.reset()
    return engine


class Api:
    def __init__(self, context, engine: FakeClaimWorkflowEngine) -> None:
        from functions.billing.handler import handler

        self.handler, self.context, self.engine = handler, context, engine

    def __call__(self, method: str, path: str, *, role: str = "billing", patient: str | None = None,
                 **kwargs: Any) -> tuple[int, Any]:
        event = api_event(method, path, claims=claims(role=role, practice=PRACTICE, patient=patient), **kwargs)
        response = self.handler(event, self.context)
        self.headers = response_headers(response)
        body = response.get("body")
        try:
            return response["statusCode"], (json.loads(body) if body else None)
        except ValueError:
            return response["statusCode"], body


@pytest.fixture
def api(cloud, lambda_context, monkeypatch):
    client = Api(lambda_context, use_fake_engine(monkeypatch))
    first = {"If-None-Match": "*"}  # there is none yet
    assert client("PUT", "/claims/settings", headers=first,
                  body={"billing_provider": PROVIDER.model_dump(mode="json")})[0] == 200
    assert client("PUT", "/payers/acme-health", headers=first,
                  body={"name": "Acme Health", "electronic_id": "60054"})[0] == 200
    assert client("PUT", "/charges/fee-schedule", headers=first,
                  body={"fees": [{"code": "99213", "amount_cents": 15000}]})[0] == 200
    return client


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
    patient = new_patient(PRACTICE)
    claim = a_claim(api, patient)
    assert claim["state"] == "scrubbed" and claim["total_cents"] == 15000 and claim["issues"] == []
    assert "task_token" not in claim
    assert api("POST", "/claims", body={"charge_id": claim["charge_id"]})[1]["error"]["code"] == "claim_exists"
    status, listed = api("GET", "/claims", query={"state": "scrubbed"})
    assert status == 200 and [c["id"] for c in listed["claims"]] == [claim["id"]]


def test_bad_codes_are_refused_with_what_is_wrong(api):
    patient = new_patient(PRACTICE)
    status, body = api("POST", "/charges", body=charge_body(patient, lines=[
        {"procedure_code": "9921", "diagnosis_pointers": [1]}]))
    assert status == 422 and "a CPT code has 5" in json.dumps(body)
    status, body = api("POST", "/charges", body=charge_body(patient, lines=[
        {"procedure_code": "99214", "diagnosis_pointers": [1]}]))
    assert status == 422 and body["error"]["code"] == "no_fee"


def test_submitting_starts_the_workflow_once_per_version(api):
    claim = a_claim(api, new_patient(PRACTICE))
    assert api("POST", f"/claims/{claim['id']}/submit")[0] == 428
    status, started = api("POST", f"/claims/{claim['id']}/submit", headers=if_match(claim["version"]))
    assert status == 202 and started["execution_arn"].endswith(f"{claim['id']}-v2")
    assert api.engine.started == [(f"{claim['id']}-v2", {"practice_id": PRACTICE, "claim_id": claim["id"]})]
    status, body = api("POST", f"/claims/{claim['id']}/submit", headers=if_match(claim["version"]))
    assert status == 412 and body["error"]["code"] == "precondition_failed"


def test_resolving_a_work_item_resumes_the_waiting_workflow(api):
    claim = a_claim(api, new_patient(PRACTICE))
    wiring.claim_workflow().open_work_item(PRACTICE, claim["id"], "token-123", "denied (CO-50): appeal with records")
    waiting = api("GET", f"/claims/{claim['id']}")[1]
    assert waiting["state"] == "needs_review" and waiting["has_work_item"] and "task_token" not in waiting
    assert api.headers["etag"] == f'"{waiting["version"]}"'
    status, resolved = api("POST", f"/claims/{claim['id']}/resolve", headers={"If-Match": api.headers["etag"]},
                           body={"action": "close", "note": "written off"})
    assert status == 200 and not resolved["has_work_item"]
    assert api.engine.resumed == [("token-123", {"action": "close", "by": "user-1"})]


def test_only_billing_and_coordinators_reach_claims_and_charges(api):
    assert api("GET", "/claims", role="front_desk", query={"state": "draft"})[0] == 403
    assert api("GET", "/payers", role="patient", patient="p-1")[0] == 403
    assert api("GET", "/reports/ar-aging", role="coordinator")[0] == 200


def test_patients_see_and_pay_their_own_invoices_once_per_idempotency_key(api):
    patient = new_patient(PRACTICE)
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


def make_payments() -> Payments:
    """Payments as a fresh container builds them (its own audit-head cache)."""
    table = Table()
    audit = AuditStore(table)
    invoices = DynamoInvoiceBook(table, audit)
    return Payments(DynamoPaymentLedger(table, audit), invoices, audit)


def race(work, n: int = 6) -> tuple[list, list]:
    return shared_race(make_payments, work, n)


def test_a_payment_retried_concurrently_is_taken_once(api):
    patient = new_patient(PRACTICE)
    invoice = api("POST", "/invoices", body={"patient_id": patient, "amount_cents": 5000, "description": "Visit"})[1]
    caller = Caller(user_id="desk-1", practice_id=PRACTICE, roles=frozenset({Role.BILLING}))
    body = PaymentIn(invoice_id=invoice["id"], amount_cents=1500, method="cheque", reference="1042")

    results, errors = race(lambda payments, _: payments.pay(caller, body, "cheque-1042-retry"))

    assert errors == [] and len({payment.id for payment in results}) == 1
    after = api("GET", f"/invoices/{invoice['id']}")[1]
    assert (after["paid_cents"], after["balance_cents"], len(after["payments"])) == (1500, 3500, 1)


def test_racing_payments_cannot_pay_an_invoice_twice(api):
    patient = new_patient(PRACTICE)
    invoice = api("POST", "/invoices", body={"patient_id": patient, "amount_cents": 5000, "description": "Visit"})[1]
    caller = Caller(user_id="desk-1", practice_id=PRACTICE, roles=frozenset({Role.BILLING}))

    results, errors = race(lambda payments, i: payments.pay(
        caller, PaymentIn(invoice_id=invoice["id"], amount_cents=5000, method="card"), f"full-payment-{i:04d}"))

    assert len(results) == 1 and all(getattr(e, "code", "") == "overpayment" for e in errors) and len(errors) == 5
    assert api("GET", f"/invoices/{invoice['id']}")[1]["balance_cents"] == 0


def test_ar_aging_buckets_open_claims_by_payer_and_invoices_by_patient(api):
    patient = new_patient(PRACTICE)
    a_claim(api, patient)
    api("POST", "/invoices", body={"patient_id": patient, "amount_cents": 700, "description": "Copay"})
    status, report = api("GET", "/reports/ar-aging")
    assert status == 200
    assert report["by_payer"] == [{"key": "acme-health", "buckets": {"0-30": 15000, "31-60": 0, "61-90": 0, "90+": 0},
                                   "total_cents": 15000}]
    assert report["by_patient"][0]["buckets"]["0-30"] == 700 and report["total_cents"] == 15700


def test_the_daily_job_follows_up_claims_with_no_answer_after_n_days(api):
    claim = a_claim(api, new_patient(PRACTICE))
    clearinghouse = SimulatedClearinghouse(Table())
    clearinghouse.script(PRACTICE, Script(answer=False))
    flow = wiring.claim_workflow()
    for step in (flow.scrub, flow.build, flow.submit):
        step(PRACTICE, claim["id"])
    assert jobs.follow_up_claims(Table())["followed_up"] == 0  # not due for 30 days

    table = Table()
    audit = AuditStore(table)
    later = ClaimFollowUp(DynamoClaimLedger(table, audit), DynamoBillingSetup(table, audit),
                          SimulatedClearinghouse(table), audit, now=lambda: datetime.now(UTC) + timedelta(days=31))
    assert jobs.follow_up_claims(Table(), later) == {"practices": 1, "followed_up": 1, "skipped": 0}
    chased = wiring.claims().claim(Caller(user_id="b", practice_id=PRACTICE, roles=frozenset({Role.BILLING})),
                                   claim["id"])
    assert chased.state == "submitted" and chased.state_reason.startswith("no answer yet; status inquiry: A1:20")
    assert chased.follow_up_on == (datetime.now(UTC) + timedelta(days=61)).date()
    assert jobs.follow_up_claims(Table(), later)["followed_up"] == 0  # not again until the next due date


# --- HTTP's versioning, and the list of all claims -------------------------------------------------------------

def test_settings_are_read_with_an_etag_and_changed_with_if_match_not_a_query_version(api):
    status, current = api("GET", "/claims/settings")
    assert status == 200 and api.headers["etag"] == f'"{current["version"]}"' == '"1"'
    body = {"billing_provider": PROVIDER.model_dump(mode="json")}
    status, error = api("PUT", "/claims/settings", query={"version": "1"}, body=body)
    assert status == 428 and error["error"]["code"] == "precondition_required"
    assert api("PUT", "/claims/settings", headers={"If-None-Match": "*"}, body=body)[0] == 412  # it exists
    assert api("PUT", "/claims/settings", headers=if_match(1), body=body)[1]["version"] == 2
    assert api.headers["etag"] == '"2"'
    assert api("PUT", "/claims/settings", headers=if_match(1), body=body)[0] == 412
    assert api("GET", "/claims/settings")[1]["version"] == 2


def test_every_create_says_where_the_new_thing_lives(api):
    patient = new_patient(PRACTICE)
    status, charge = api("POST", "/charges", body=charge_body(patient))
    assert status == 201 and api.headers["location"] == api_url(f"/charges/{charge['id']}")
    status, claim = api("POST", "/claims", body={"charge_id": charge["id"]})
    assert status == 201 and api.headers["location"] == api_url(f"/claims/{claim['id']}")
    assert api.headers["etag"] == '"1"'
    status, invoice = api("POST", "/invoices", body={"patient_id": patient, "amount_cents": 2500,
                                                    "description": "copay"})
    assert status == 201 and api.headers["location"] == api_url(f"/invoices/{invoice['id']}")
    status, payment = api("POST", "/payments", body={"invoice_id": invoice["id"], "amount_cents": 2500,
                                                    "method": "cash"}, headers={"Idempotency-Key": "pay-0000001"})
    assert status == 201 and api.headers["location"] == api_url(f"/payments/{payment['id']}")
    assert api("GET", f"/payments/{payment['id']}")[0] == 200


def claims_with(api: Api, **query) -> list[dict]:
    status, page = api("GET", "/claims", query=query)
    assert status == 200, page
    return page["claims"]


def test_the_list_of_all_claims_is_newest_first_and_every_filter_is_optional(api):
    ada, grace = new_patient(PRACTICE), new_patient(PRACTICE, member_id="GH1")
    made = []
    for patient, days_ago in ((ada, 30), (grace, 20), (ada, 10), (grace, 5)):
        status, charge = api("POST", "/charges", body=charge_body(
            patient, date_of_service=(TODAY - timedelta(days=days_ago)).isoformat()))
        made.append(api("POST", "/claims", body={"charge_id": charge["id"]})[1])
    newest_first = [c["id"] for c in reversed(made)]
    assert [c["id"] for c in claims_with(api)] == newest_first
    assert [c["id"] for c in claims_with(api, state="scrubbed")] == newest_first
    assert claims_with(api, state="paid") == []
    assert [c["id"] for c in claims_with(api, patient_id=ada)] == [made[2]["id"], made[0]["id"]]
    assert [c["id"] for c in claims_with(api, payer_id="acme-health")] == newest_first
    assert claims_with(api, payer_id="nobody") == []
    window = {"from": (TODAY - timedelta(days=25)).isoformat(), "to": (TODAY - timedelta(days=10)).isoformat()}
    assert [c["id"] for c in claims_with(api, **window)] == [made[2]["id"], made[1]["id"]]
    assert [c["id"] for c in claims_with(api, **window, patient_id=grace, state="scrubbed")] == [made[1]["id"]]
    status, body = api("GET", "/claims", query={"from": window["to"], "to": window["from"]})
    assert status == 422 and body["error"]["code"] == "invalid_range"
    assert api("GET", "/claims", query={"state": "lost"})[1]["error"]["code"] == "invalid_state"


def test_claims_come_a_page_at_a_time_one_query_a_page(api, monkeypatch):
    patient = new_patient(PRACTICE)
    made = set()
    for days_ago in range(1, 6):
        status, charge = api("POST", "/charges", body=charge_body(
            patient, date_of_service=(TODAY - timedelta(days=days_ago)).isoformat()))
        made.add(api("POST", "/claims", body={"charge_id": charge["id"]})[1]["id"])
    queries, scans = [], []
    client = tenancy.practice_client(PRACTICE)  # the practice's tenant session the handler's requests use
    real_query, real_scan = client.query, client.scan
    monkeypatch.setattr(client, "query", lambda **kw: queries.append(kw) or real_query(**kw))
    monkeypatch.setattr(client, "scan", lambda **kw: scans.append(kw) or real_scan(**kw))
    seen, token, pages = [], None, 0
    while True:
        query = {"limit": "2", **({"page_token": token} if token else {})}
        status, page = api("GET", "/claims", query=query)
        assert status == 200 and len(page["claims"]) <= 2
        seen += [c["id"] for c in page["claims"]]
        pages += 1
        token = page["next_page_token"]
        if not token:
            break
    assert set(seen) == made and len(seen) == 5 and pages == 3
    claim_queries = [q for q in queries if q.get("IndexName") == "gsi4"]
    assert len(claim_queries) == pages and scans == []
    # a token is good for the filters that made it only
    first = api("GET", "/claims", query={"limit": "2"})[1]["next_page_token"]
    status, body = api("GET", "/claims", query={"limit": "2", "state": "scrubbed", "page_token": first})
    assert status == 422 and body["error"]["code"] == "invalid_page_token"
