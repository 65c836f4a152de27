"""GET /workshops/{id}/reach through the reach router on moto (outreach-api's handler mounts it): the
coordinator and staff read the report the promotion wrote; patients and billing may not; before the promotion
ends it is 404."""

import json
from datetime import UTC, datetime

import pytest

from functions.outreach.models.promotion import ReachReport
from tests.support import api_event, claims

PRACTICE = "practice-reach"
WORKSHOP = "01HWORKSHOPREACH0000000000"


@pytest.fixture
def api(cloud, lambda_context):
    from functions.core.api import make_handler, make_resolver
    from functions.core.audit_store import AuditStore
    from functions.core.table import Table
    from functions.outreach import reach_api, wiring

    wiring.reset()
    handler = make_handler(make_resolver(reach_api.router, audit=lambda: AuditStore(Table())))

    def call(path, role="coordinator", patient=None):
        event = api_event("GET", path, claims=claims(role=role, practice=PRACTICE, patient=patient))
        response = handler(event, lambda_context)
        return response["statusCode"], json.loads(response["body"])

    return call


def written(report_outcome: str = "completed") -> ReachReport:
    from functions.outreach import wiring

    report = ReachReport(workshop_id=WORKSHOP, outcome=report_outcome, invited=120, delivered=117, registered=20,
                         waitlisted=6, attended=18, surveyed=18, answered=11, mean_rating=4.36,
                         written_at=datetime(2026, 6, 11, 9, tzinfo=UTC))
    wiring.promotion_ledger().save_report(PRACTICE, report)
    return report


@pytest.mark.parametrize("role", ["coordinator", "practitioner", "front_desk", "staff"])
def test_the_coordinator_and_staff_read_the_reach_report(api, role):
    written()
    status, body = api(f"/workshops/{WORKSHOP}/reach", role=role)
    assert status == 200
    assert (body["invited"], body["delivered"], body["registered"], body["waitlisted"], body["attended"],
            body["surveyed"], body["mean_rating"]) == (120, 117, 20, 6, 18, 18, 4.36)


@pytest.mark.parametrize("role", ["billing", "patient"])
def test_patients_and_billing_may_not_read_it(api, role):
    written()
    status, body = api(f"/workshops/{WORKSHOP}/reach", role=role, patient="01HPATIENT0000000000000000"
                       if role == "patient" else None)
    assert status == 403 and "invited" not in json.dumps(body)


def test_before_the_promotion_ends_there_is_no_report(api):
    status, body = api(f"/workshops/{WORKSHOP}/reach")
    assert status == 404 and body["error"]["code"] == "reach_not_written"


def test_another_practices_report_is_not_found(api):
    written()
    from functions.outreach import wiring

    report = wiring.promotion_ledger().report(PRACTICE, WORKSHOP)
    wiring.promotion_ledger().save_report("practice-other", report.model_copy(update={"invited": 999}))
    status, body = api(f"/workshops/{WORKSHOP}/reach")
    assert status == 200 and body["invited"] == 120  # this practice's own, never the other's
    wiring.promotion_ledger().save_report("practice-only-other", report)
    status, _ = api("/workshops/01HWORKSHOPOTHER00000000000/reach")
    assert status == 404
