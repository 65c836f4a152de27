"""A move offer's links over HTTP, without signing in: the offer's message carries one link per offered time and
one to decline; a GET (JSON, or a page for a browser) never acts, a POST rebooks once, a forged link is refused,
and the front desk lists who is still to move."""

import re
from datetime import UTC, datetime, timedelta

from functions.core.keys import collection_pk
from functions.core.table import Table
from tests.integration.scheduling_support import (  # noqa: F401 - fixtures, used by name
    MONDAY_NINE,
    PRACTICE,
    api_fixture,
    as_patient,
    clinic_fixture,
    fixed_clock_fixture,
    front_desk,
)

TEN_AM = "2026-03-04T15:00:00Z"  # Wednesday 10:00 in New York
LEAVE = (datetime(2026, 3, 4, 5, tzinfo=UTC), datetime(2026, 3, 5, 5, tzinfo=UTC))


def offer_links(api, clinic) -> tuple[str, list[str], str]:
    from functions.scheduling.wiring import scheduling

    appointment = api.ok("POST", "/appointments", 201, body={"type_id": clinic.visit, "practitioner_id": clinic.dr_a,
                                                             "start": TEN_AM}, **as_patient("pat-1"))
    scheduling().moves.offer(PRACTICE, "leave-L1", appointment["id"], *LEAVE, MONDAY_NINE + timedelta(hours=24))
    (data,) = [item["event"]["data"]["request"]["data"]
               for item in Table().query(collection_pk(PRACTICE, "OUTBOX")).items
               if item["event"]["type"] == "notification.requested"]
    tokens = re.findall(r"/appointments/moves/(\S+)", f"{data['choices']}\n{data['decline_link']}")
    return appointment["id"], tokens[:-1], tokens[-1]


def test_a_move_link_shows_the_time_then_books_it_once_without_signing_in(api, clinic):
    appointment_id, choices, decline = offer_links(api, clinic)
    assert len(choices) == 3
    shown = api.ok("GET", f"/appointments/moves/{choices[0]}", role=None)
    assert shown["status"] == "offered" and shown["link_choice"] == shown["choices"][0]
    page = api.ok("GET", f"/appointments/moves/{choices[0]}", role=None, headers={"Accept": "text/html"})
    assert "Book this time" in page and f'action="./{choices[0]}"' in page
    assert api.ok("GET", f"/appointments/{appointment_id}")["start"] == "2026-03-04T15:00:00.000Z"  # no change

    assert api.ok("POST", f"/appointments/moves/{choices[0]}", role=None)["status"] == "moved"
    assert api.ok("POST", f"/appointments/moves/{choices[0]}", role=None)["status"] == "moved"  # twice: once
    moved = api.ok("GET", f"/appointments/{appointment_id}")
    assert moved["start"] != "2026-03-04T15:00:00.000Z" and moved["version"] == 2
    assert api("POST", f"/appointments/moves/{decline}", role=None)[1]["status"] == "moved"  # too late to decline
    forged = choices[1][:-2] + ("AA" if not choices[1].endswith("AA") else "BB")
    assert api("POST", f"/appointments/moves/{forged}", role=None)[1]["error"]["code"] == "invalid_move_link"


def test_a_declined_move_is_on_the_front_desks_worklist(api, clinic):
    from functions.scheduling.wiring import scheduling

    appointment_id, _, decline = offer_links(api, clinic)
    assert api.ok("POST", f"/appointments/moves/{decline}", role=None)["status"] == "declined"
    (waiting,) = scheduling().moves.worklist(front_desk(), "leave-L1").moves
    assert (waiting.appointment_id, waiting.status) == (appointment_id, "declined")
