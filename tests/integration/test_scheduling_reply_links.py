"""A reminder's reply links on moto, as a mail client and a browser meet them: opening a link (JSON or a
page) changes nothing and shows only the practice, the local date and time and the status; the page's
form posts the reply; a bad or expired link is a page with a 4xx status in a browser, JSON elsewhere."""

import html
import json
import re
from datetime import UTC, datetime

from functions.core.pages import CSP
from tests.integration.scheduling_support import (
    PRACTICE,
    api_fixture,  # noqa: F401 - a fixture, used by name
    as_patient,
    clinic_fixture,  # noqa: F401 - a fixture, used by name
    fixed_clock_fixture,  # noqa: F401 - a fixture, used by name
)
from tests.support import api_event

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
FORM = "application/x-www-form-urlencoded"
TEN_AM = "2026-03-04T15:00:00Z"  # Wednesday, 10:00 in New York


def book(api, clinic) -> dict:
    return api.ok("POST", "/appointments", 201, body={"type_id": clinic.visit, "practitioner_id": clinic.dr_a,
                                                      "start": TEN_AM}, **as_patient("pat-1"))


def tokens(appointment_id: str) -> dict[str, str]:
    from functions.core.table import Table
    from functions.scheduling.wiring import dynamo_stores, scheduling

    replies = scheduling().replies
    model = dynamo_stores(Table()).appointments.appointment(PRACTICE, appointment_id)
    return {action: replies.link_for(PRACTICE, model, action).rsplit("/", 1)[1]
            for action in ("confirm", "cancel")}


def link(api, method: str, token: str, accept: str | None = None, form: str | None = None) -> dict:
    """The raw response to a link, without signing in: status, headers and body as API Gateway gets them."""
    headers = {"Accept": accept} if accept else {}
    if form is not None:
        headers["Content-Type"] = FORM
    response = api.handler(api_event(method, f"/appointments/reply/{token}", headers=headers, raw_body=form),
                           api.context)
    merged = {**(response.get("headers") or {}),
              **{k: ", ".join(v) for k, v in (response.get("multiValueHeaders") or {}).items()}}
    return {**response, "headers": merged}


def stored(api, appointment_id: str) -> dict:
    return api.ok("GET", f"/appointments/{appointment_id}")


def test_opening_a_reply_link_shows_only_the_minimum_and_changes_nothing(api, clinic):
    appointment = book(api, clinic)
    confirm = tokens(appointment["id"])["confirm"]
    before = stored(api, appointment["id"])

    response = link(api, "GET", confirm)
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"action": "confirm", "practice": "Elm Street Clinic",
                                            "local_date": "2026-03-04", "local_time": "10:00",
                                            "time_zone": "America/New_York", "status": "booked"}
    page = link(api, "GET", confirm, accept=BROWSER)
    assert page["statusCode"] == 200 and page["headers"]["Content-Type"].startswith("text/html")
    body = page["body"]
    assert "Elm Street Clinic" in body and "Wed 4 Mar 2026, 10:00" in body and "Booked" in body
    for private in (appointment["patient_id"], clinic.dr_a, appointment.get("room_id") or clinic.room_1, "Dr A",
                    "Room 1", appointment["id"]):
        assert private not in body and private not in json.dumps(json.loads(response["body"]))
    assert stored(api, appointment["id"]) == before  # neither the JSON nor the page changed anything


def test_the_page_is_small_accessible_and_loads_nothing(api, clinic):
    appointment = book(api, clinic)
    links = tokens(appointment["id"])
    page = link(api, "GET", links["confirm"], accept=BROWSER)
    headers, body = page["headers"], page["body"]
    assert headers["Content-Security-Policy"] == CSP and "default-src 'none'" in CSP
    assert headers["Referrer-Policy"] == "no-referrer" and headers["Cache-Control"] == "no-store"
    assert '<html lang="en">' in body and "<title>Your appointment at Elm Street Clinic</title>" in body
    assert "<script" not in body and "http" not in body  # no external resource, no absolute link
    forms = re.findall(r'<form method="post" action="([^"]+)"><button type="submit">([^<]+)</button></form>', body)
    assert forms == [(f"./{links['confirm']}", "Confirm this appointment"),
                     (f"./{links['cancel']}", "Cancel this appointment")]


def test_the_pages_form_post_confirms_and_answers_with_a_page(api, clinic):
    appointment = book(api, clinic)
    links = tokens(appointment["id"])
    done = link(api, "POST", links["confirm"], accept=BROWSER, form="")
    assert done["statusCode"] == 200 and done["headers"]["Content-Type"].startswith("text/html")
    assert "Your appointment is confirmed" in done["body"]
    assert f'action="./{links["cancel"]}"' in done["body"] and f'action="./{links["confirm"]}"' not in done["body"]
    assert stored(api, appointment["id"])["status"] == "confirmed"
    # a second post (a double click) changes nothing more; an API client gets JSON
    again = link(api, "POST", links["confirm"], form="")
    assert json.loads(again["body"])["status"] == "confirmed"
    assert stored(api, appointment["id"])["version"] == 2


def test_a_cancel_from_the_page_leaves_no_buttons(api, clinic):
    appointment = book(api, clinic)
    links = tokens(appointment["id"])
    done = link(api, "POST", links["cancel"], accept=BROWSER, form="")
    assert done["statusCode"] == 200 and "Your appointment is cancelled" in done["body"] and "<form" not in done["body"]
    assert stored(api, appointment["id"])["status"] == "cancelled"
    page = link(api, "GET", links["confirm"], accept=BROWSER)
    assert "This appointment is cancelled" in page["body"] and "<form" not in page["body"]


def test_a_bad_or_expired_link_is_a_page_in_a_browser_and_json_elsewhere(api, clinic, fixed_clock):
    appointment = book(api, clinic)
    confirm = tokens(appointment["id"])["confirm"]
    for token in (confirm[:-2] + ("AA" if not confirm.endswith("AA") else "BB"), "x", "x" * 3000):
        page = link(api, "GET", token, accept=BROWSER)
        assert page["statusCode"] == 422 and page["headers"]["Content-Type"].startswith("text/html")
        assert "This link did not work" in page["body"] and html.escape("this link is not valid") in page["body"]
        assert page["headers"]["Content-Security-Policy"] == CSP
        answer = link(api, "POST", token, form="")
        assert answer["statusCode"] == 422 and json.loads(answer["body"])["error"]["code"] == "invalid_reply_link"
    fixed_clock.at = datetime(2026, 3, 5, tzinfo=UTC)
    expired = link(api, "POST", confirm, accept=BROWSER, form="")
    assert expired["statusCode"] == 422 and "expired" in expired["body"]
    assert stored(api, appointment["id"])["status"] == "booked"
