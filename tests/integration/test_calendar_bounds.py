"""Dates at the edge of the calendar (0001-01-01, 9999-12-31) and signed tokens with characters outside
base64url, through each area's handler as API Gateway calls it: a 422 that says the bounds, never a 500."""

from datetime import date, timedelta

import pytest

from functions.core.dates import EARLIEST, LATEST
from tests.integration import test_billing_api as billing
from tests.integration.scheduling_support import (
    api_fixture,  # noqa: F401 - a fixture, used by name
    as_patient,
    clinic_fixture,  # noqa: F401 - a fixture, used by name
    fixed_clock_fixture,  # noqa: F401 - a fixture, used by name
)
from tests.workflows.billing_support import PROVIDER, new_patient

EDGES = ["0001-01-01", "9999-12-31"]


def refused_with_the_bounds(status: int, body: dict) -> None:
    assert status == 422, (status, body)
    assert f"between {EARLIEST} and {LATEST}" in str(body["error"]), body


@pytest.mark.parametrize("day", EDGES)
def test_slot_search_fhir_schedule_and_exceptions_at_the_calendar_edge_are_422(api, clinic, day):
    for path in ("/slots", f"/practitioners/{clinic.dr_a}/fhir", "/availability/exceptions",
                 f"/availability/{clinic.dr_a}"):
        for first, last in ((day, day), (day, "2026-03-04"), ("2026-03-04", day)):
            refused_with_the_bounds(*api("GET", path, query={"type_id": clinic.visit, "from": first, "to": last}))


@pytest.mark.parametrize("day", EDGES)
def test_appointment_lists_and_the_day_report_at_the_calendar_edge_are_422(api, clinic, day):
    refused_with_the_bounds(*api("GET", "/appointments", query={"practitioner_id": clinic.dr_a, "date": day}))
    refused_with_the_bounds(*api("GET", "/appointments/report", query={"date": day}))


def test_the_first_and_last_days_of_the_calendar_are_answered(api, clinic):
    for day in (EARLIEST, LATEST):
        assert api("GET", "/appointments/report", query={"date": day.isoformat()})[0] == 200
        assert api("GET", "/slots", query={"type_id": clinic.visit, "from": day.isoformat(),
                                           "to": day.isoformat()})[0] == 200
    refused_with_the_bounds(*api("GET", "/appointments/report", query={"date": str(LATEST + timedelta(days=1))}))


@pytest.mark.parametrize("start", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:30:00-05:00",
                                   "9999-12-31T23:59:59Z"])
def test_booking_or_moving_to_a_time_off_the_calendar_is_422(api, clinic, start):
    refused_with_the_bounds(*api("POST", "/appointments", body={
        "type_id": clinic.visit, "practitioner_id": clinic.dr_a, "start": start}, **as_patient("pat-1")))


@pytest.mark.parametrize("field", ["earliest", "latest"])
def test_a_waitlist_window_or_an_exception_off_the_calendar_is_422(api, clinic, field):
    window = {"earliest": "2026-03-04", "latest": "2026-03-05", field: "9999-12-31"}
    refused_with_the_bounds(*api("POST", "/waitlist", body={"type_id": clinic.visit, **window},
                                 **as_patient("pat-1")))
    refused_with_the_bounds(*api("POST", "/availability/exceptions", body={"kind": "holiday", "date": "0001-01-01"}))


def test_a_range_longer_than_allowed_says_how_long_it_may_be(api, clinic):
    status, body = api("GET", "/slots", query={"type_id": clinic.visit, "from": "2026-03-01", "to": "2026-12-31"})
    assert status == 422 and body["error"]["code"] == "range_too_long" and "62 days" in body["error"]["message"]


@pytest.mark.parametrize("token", ["abc.déf", "é", "eyJ9.AAAA\u0100", "AAAA.ÿÿ"])
def test_a_reply_link_with_a_character_outside_base64url_is_422(api, token):
    for method in ("GET", "POST"):
        status, body = api(method, f"/appointments/reply/{token}", role=None)
        assert status == 422 and body["error"]["code"] == "invalid_reply_link", (method, status, body)


@pytest.fixture(name="billing_api")
def billing_api_fixture(cloud, lambda_context, monkeypatch) -> billing.Api:
    client = billing.Api(lambda_context, billing.use_fake_engine(monkeypatch))
    assert client("PUT", "/claims/settings", headers={"If-None-Match": "*"},
                  body={"billing_provider": PROVIDER.model_dump(mode="json")})[0] == 200
    assert client("PUT", "/payers/acme-health", headers={"If-None-Match": "*"},
                  body={"name": "Acme Health", "electronic_id": "60054"})[0] == 200
    assert client("PUT", "/charges/fee-schedule", headers={"If-None-Match": "*"},
                  body={"fees": [{"code": "99213", "amount_cents": 15000}]})[0] == 200
    return client


@pytest.mark.parametrize("day", EDGES)
def test_a_charge_on_a_day_off_the_calendar_is_422(billing_api, day):
    patient_id = new_patient(billing.PRACTICE, coverage_start=date(1900, 1, 1))
    refused_with_the_bounds(*billing_api("POST", "/charges", body=billing.charge_body(patient_id,
                                                                                       date_of_service=day)))


@pytest.mark.parametrize("day", EDGES)
def test_a_claims_list_from_or_to_a_day_off_the_calendar_is_422(billing_api, day):
    refused_with_the_bounds(*billing_api("GET", "/claims", query={"from": day}))
    refused_with_the_bounds(*billing_api("GET", "/claims", query={"to": day}))


def test_a_page_token_with_a_character_outside_base64url_is_422(billing_api):
    status, body = billing_api("GET", "/claims", query={"state": "draft", "page_token": "abc.déf"})
    assert status == 422 and body["error"]["code"] == "invalid_page_token", body
