"""The scheduling API on moto: slot search, booking without double booking under a 20-way race,
Idempotency-Key, reschedule and cancel, the status flow and its report, roles, the waitlist, reminders,
reply links and the FHIR export."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from fhir.resources.R4B.appointment import Appointment as FhirAppointment
from fhir.resources.R4B.bundle import Bundle

from functions.core.audit import verify_chain
from functions.core.audit_store import AuditStore
from functions.core.errors import Conflict
from functions.core.keys import collection_pk
from functions.core.table import Table
from functions.scheduling.dynamo.keys import calendar_pk
from functions.scheduling.models.appointments import AppointmentIn
from tests.integration.scheduling_support import (
    PRACTICE,
    api_fixture,  # noqa: F401 - a fixture, used by name
    as_patient,
    clinic_fixture,  # noqa: F401 - a fixture, used by name
    container,
    fixed_clock_fixture,  # noqa: F401 - a fixture, used by name
    front_desk,
)
from tests.support import api_url, if_match
from tests.support import race as shared_race

WEDNESDAY = "2026-03-04"
TEN_AM = "2026-03-04T15:00:00Z"  # 10:00 in New York


def book(api, clinic, patient="pat-1", start=TEN_AM, practitioner=None, kind=None, **kwargs):
    return api("POST", "/appointments", body={"type_id": kind or clinic.visit,
                                              "practitioner_id": practitioner or clinic.dr_a, "start": start},
               **as_patient(patient), **kwargs)


def slot_starts(api, clinic, practitioner=None, day=WEDNESDAY, **query) -> list[str]:
    body = api.ok("GET", "/slots", query={"type_id": clinic.visit, "from": day, "to": day, "order": "earliest",
                                          "limit": "200", **({"practitioner_id": practitioner} if practitioner else {}),
                                          **query})
    return [s["start"] for s in body["slots"]]


def outbox(practice: str = PRACTICE) -> list[dict]:
    return [item["event"] for item in Table().query(collection_pk(practice, "OUTBOX")).items]


# --- search and book ---------------------------------------------------------------------------------

def test_a_booking_for_a_patient_the_practice_does_not_have_is_404_and_holds_nothing(api, clinic):
    status, body = api("POST", "/appointments", role="front_desk", body={
        "type_id": clinic.visit, "practitioner_id": clinic.dr_a, "start": TEN_AM, "patient_id": "pat-unknown"})
    assert status == 404 and body["error"]["code"] == "patient_not_found"
    assert TEN_AM.replace(":00Z", ":00.000Z") in slot_starts(api, clinic, clinic.dr_a)  # the time is still free
    Table().put({**Table().get("PRACTICE#clinic-s#PATIENT#pat-2", "PATIENT"), "deleted_at": "2026-01-01T00:00:00Z"})
    status, body = api("POST", "/appointments", role="front_desk", body={
        "type_id": clinic.visit, "practitioner_id": clinic.dr_a, "start": TEN_AM, "patient_id": "pat-2"})
    assert status == 404
    assert book(api, clinic)[0] == 201


def test_slots_are_in_the_practice_time_zone_and_a_booking_takes_its_time(api, clinic):
    body = api.ok("GET", "/slots", query={"type_id": clinic.visit, "from": WEDNESDAY, "to": WEDNESDAY,
                                          "order": "earliest"}, **as_patient("pat-1"))
    first = body["slots"][0]
    assert body["time_zone"] == "America/New_York"
    assert first["start"] == "2026-03-04T14:00:00.000Z" and first["local_start"] == "2026-03-04T09:00:00-05:00"
    assert TEN_AM.replace(":00Z", ":00.000Z") in slot_starts(api, clinic, clinic.dr_a)

    status, appointment = book(api, clinic)
    assert status == 201, appointment
    assert appointment["status"] == "booked" and appointment["room_id"] in (clinic.room_1, clinic.room_2)
    assert appointment["hold_end"] == "2026-03-04T15:45:00.000Z"
    assert appointment["reminder_due_at"] == "2026-03-03T15:00:00.000Z"
    starts = slot_starts(api, clinic, clinic.dr_a)
    # 09:30 + 30 + 15 would reach into 10:00; the buffer keeps 10:30 too
    for taken in ("14:30", "14:45", "15:00", "15:15", "15:30"):
        assert f"2026-03-04T{taken}:00.000Z" not in starts
    assert "2026-03-04T14:15:00.000Z" in starts and "2026-03-04T15:45:00.000Z" in starts
    assert "2026-03-04T15:00:00.000Z" in slot_starts(api, clinic, clinic.dr_b)  # dr B is free then

    # the booking's answer is the appointment and what the booking warned of
    assert appointment.pop("warnings") == []
    assert api("GET", f"/appointments/{appointment['id']}", **as_patient("pat-1"))[1] == appointment
    assert api("GET", f"/appointments/{appointment['id']}", **as_patient("pat-2"))[0] == 404
    assert [a["id"] for a in api.ok("GET", "/appointments", **as_patient("pat-1"))["appointments"]] == [
        appointment["id"]]
    assert api.ok("GET", "/appointments", **as_patient("pat-2"))["appointments"] == []
    assert api("GET", "/appointments", query={"patient_id": "pat-1"}, **as_patient("pat-2"))[0] == 403
    day = api.ok("GET", "/appointments", query={"practitioner_id": clinic.dr_a, "date": WEDNESDAY},
                 role="practitioner")
    assert [a["id"] for a in day["appointments"]] == [appointment["id"]]
    event = next(e for e in outbox() if e["type"] == "scheduling.appointment.booked")
    assert event["entity_id"] == appointment["id"] and "name" not in str(event["data"]).lower()


def test_overlapping_appointments_of_different_lengths_collide_and_the_patient_cannot_be_in_two_places(api, clinic):
    assert book(api, clinic)[0] == 201  # dr A 10:00-10:30, held to 10:45
    status, body = book(api, clinic, patient="pat-2", kind=clinic.call, start="2026-03-04T14:30:00Z")  # 09:30-10:30
    assert status == 409 and body["error"]["code"] in ("slot_unavailable", "slot_taken")
    status, body = book(api, clinic, practitioner=clinic.dr_b, start="2026-03-04T15:15:00Z")
    assert status == 409 and body["error"]["code"] == "patient_busy"
    assert book(api, clinic, patient="pat-2", practitioner=clinic.dr_b)[0] == 201  # the other room


def test_each_refusal_names_its_rule_taken_room_or_notice(api, clinic):
    assert book(api, clinic)[0] == 201  # dr A 10:00-10:30, held to 10:45, in one of the two rooms
    status, body = book(api, clinic, patient="pat-2")
    assert status == 409 and body["error"]["code"] == "slot_taken" and "practitioner" in body["error"]["message"]
    assert book(api, clinic, patient="pat-2", practitioner=clinic.dr_b)[0] == 201  # the other room
    status, body = book(api, clinic, patient="pat-3", practitioner=clinic.dr_b, start="2026-03-04T15:15:00Z")
    assert status == 409 and body["error"]["code"] == "slot_taken"
    api.ok("PUT", "/availability/policy", headers={"If-Match": policy_etag(api)},
           body={"time_zone": "America/New_York", "min_notice_minutes": 120})
    status, body = book(api, clinic, patient="pat-4", start="2026-03-02T15:00:00Z")  # an hour from now
    assert status == 422 and body["error"]["code"] == "short_notice" and "120" in body["error"]["message"]


def test_no_free_room_is_its_own_refusal(api, clinic):
    room_only = api.ok("POST", "/appointment-types", 201, body={
        "name": "Dressing", "duration_minutes": 30, "visit": "follow_up", "mode": "in_person",
        "practitioner_ids": [clinic.dr_a, clinic.dr_b], "room_ids": [clinic.room_1]})["id"]
    assert book(api, clinic, kind=room_only)[0] == 201  # dr A in room 1
    status, body = book(api, clinic, patient="pat-2", kind=room_only, practitioner=clinic.dr_b)
    assert status == 409 and body["error"]["code"] == "room_taken" and "room" in body["error"]["message"]


def policy_etag(api) -> str:
    api.ok("GET", "/availability/policy")
    return api.headers["etag"]


def test_bookings_off_the_grid_outside_hours_or_in_the_past_are_refused(api, clinic):
    assert book(api, clinic, start="2026-03-04T15:05:00Z")[1]["error"]["code"] == "off_grid"
    assert book(api, clinic, start="2026-03-04T23:00:00Z")[1]["error"]["code"] == "outside_hours"  # 18:00 local
    status, body = book(api, clinic, start="2026-03-07T15:00:00Z")  # a Saturday
    assert status == 422 and body["error"]["code"] == "outside_hours" and "hours" in body["error"]["message"]
    status, body = book(api, clinic, start="2026-03-02T13:00:00Z")  # an hour ago
    assert status == 422 and body["error"]["code"] == "slot_in_past" and "passed" in body["error"]["message"]
    status, body = book(api, clinic, start="2026-03-02T12:05:00Z")  # in the past and off the grid: the past says
    assert status == 422 and body["error"]["code"] == "slot_in_past"
    assert book(api, clinic, start="2026-03-04T15:00:00")[0] == 422  # no offset: refused, not guessed
    status, body = book(api, clinic, kind=clinic.call, practitioner=clinic.dr_b)
    assert status == 422 and body["error"]["code"] == "practitioner_not_offered"


def race(work, n: int) -> tuple[list, list]:
    return shared_race(container, work, n)


def test_twenty_concurrent_bookings_of_one_time_exactly_one_wins(api, clinic):
    start = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
    results, errors = race(lambda scheduling, i: scheduling.booking.book(front_desk(), AppointmentIn(
        type_id=clinic.visit, practitioner_id=clinic.dr_a, start=start, patient_id=f"pat-{i}")), n=20)
    assert len(results) == 1, errors
    assert len(errors) == 19 and all(isinstance(e, Conflict) and e.status == 409 for e in errors), errors
    items = Table().query(calendar_pk(PRACTICE, clinic.dr_a)).items
    assert [i["id"] for i in items] == [results[0].id]
    assert verify_chain(list(AuditStore(Table()).entries(PRACTICE)), AuditStore(Table()).head(PRACTICE)).intact
    # and through the API, the next request for that time is a 409
    status, body = book(api, clinic, patient="pat-99")
    assert status == 409 and body["error"]["code"] in ("slot_unavailable", "slot_taken")


def test_the_transaction_alone_settles_the_race_when_every_request_saw_the_time_free(api, clinic, monkeypatch):
    from functions.scheduling.slot_rules import Slot
    from functions.scheduling.slots import SlotSearch

    start = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)

    def stale_read(self, practice_id, setup, kind, practitioner, at, exclude=None):  # as if read before any write
        return Slot(practitioner.id, at, at + timedelta(minutes=30), at + timedelta(minutes=45), room_id=clinic.room_1)

    monkeypatch.setattr(SlotSearch, "slot_at", stale_read)
    results, errors = race(lambda scheduling, i: scheduling.booking.book(front_desk(), AppointmentIn(
        type_id=clinic.visit, practitioner_id=clinic.dr_a, start=start + timedelta(minutes=15 * (i % 2)),
        patient_id=f"pat-{i}")), n=20)
    assert len(results) == 1, errors
    assert Counter(e.code for e in errors) == Counter({"slot_taken": 19})
    assert len(Table().query(calendar_pk(PRACTICE, clinic.dr_a)).items) == 1


def test_a_retried_booking_with_the_same_key_books_once(api, clinic):
    headers = {"Idempotency-Key": "desk-booking-0001"}
    status, first = book(api, clinic, headers=headers)
    assert status == 201
    status, again = book(api, clinic, headers={"idempotency-key": "desk-booking-0001"})
    assert status == 201 and again == first
    status, body = book(api, clinic, start="2026-03-04T16:00:00Z", headers=headers)
    assert status == 422 and body["error"]["code"] == "idempotency_key_reused"
    assert len(api.ok("GET", "/appointments", **as_patient("pat-1"))["appointments"]) == 1
    # concurrent retries of one keyed request: one appointment, every retry told the same
    start = datetime(2026, 3, 5, 15, 0, tzinfo=UTC)
    body = AppointmentIn(type_id=clinic.visit, practitioner_id=clinic.dr_b, start=start, patient_id="pat-7")
    results, errors = race(lambda scheduling, _: scheduling.booking.book(front_desk(), body, "retry-key-00000007"), n=5)
    assert errors == [] and len({r.id for r in results}) == 1
    assert len(api.ok("GET", "/appointments", query={"patient_id": "pat-7"})["appointments"]) == 1


# --- reschedule, cancel, the status flow --------------------------------------------------------------

def test_reschedule_moves_the_holds_in_one_transaction(api, clinic):
    status, appointment = book(api, clinic)
    assert status == 201
    moved = api.ok("POST", f"/appointments/{appointment['id']}/reschedule",
                   headers=if_match(1), body={"start": "2026-03-04T15:15:00Z"},
                   **as_patient("pat-1"))  # overlaps itself
    assert moved["start"] == "2026-03-04T15:15:00.000Z" and moved["version"] == 2
    assert moved["reminder_due_at"] == "2026-03-03T15:15:00.000Z"
    status, body = api("POST", f"/appointments/{appointment['id']}/reschedule",
                       headers=if_match(1), body={"start": "2026-03-04T16:00:00Z"}, **as_patient("pat-1"))
    assert status == 412 and body["error"]["code"] == "precondition_failed"
    # 09:30 (held to 10:15) now fits before the moved appointment
    assert book(api, clinic, patient="pat-2", start="2026-03-04T14:30:00Z")[0] == 201
    moved = api.ok("POST", f"/appointments/{appointment['id']}/reschedule",
                   headers=if_match(2), body={"start": "2026-03-05T15:00:00Z", "practitioner_id": clinic.dr_b})
    assert moved["practitioner_id"] == clinic.dr_b
    assert book(api, clinic, patient="pat-3", start="2026-03-04T15:15:00Z")[0] == 201  # the old time is free
    assert [i["id"] for i in Table().query(calendar_pk(PRACTICE, clinic.dr_b)).items] == [appointment["id"]]


def test_cancel_frees_the_time_and_a_late_cancel_is_charged_unless_waived(api, clinic, fixed_clock):
    _, early = book(api, clinic)
    cancelled = api.ok("POST", f"/appointments/{early['id']}/cancel", headers=if_match(1), **as_patient("pat-1"))
    assert cancelled["status"] == "cancelled" and not cancelled["late_cancel"] and cancelled["cancelled_at"]
    _, again = book(api, clinic, patient="pat-2")  # the freed time is bookable
    fixed_clock.advance(timedelta(days=1, hours=12))  # Tuesday evening: 13 hours before
    late = api.ok("POST", f"/appointments/{again['id']}/cancel", headers=if_match(1), **as_patient("pat-2"))
    assert late["late_cancel"] and late["late_cancel_fee_cents"] == 5000
    _, third = book(api, clinic, patient="pat-3")
    status, body = api("POST", f"/appointments/{third['id']}/cancel", headers=if_match(1),
                       body={"waive_fee": True}, **as_patient("pat-3"))
    assert status == 403
    waived = api.ok("POST", f"/appointments/{third['id']}/cancel", headers=if_match(1), body={"waive_fee": True},
                    role="front_desk")
    assert waived["late_cancel"] and waived["late_cancel_fee_cents"] == 0
    assert api("POST", f"/appointments/{third['id']}/cancel", headers=if_match(2), role="front_desk")[0] == 409
    cancels = [e["data"] for e in outbox() if e["type"] == "scheduling.appointment.cancelled"]
    assert [(c["late_cancel"], c["late_cancel_fee_cents"]) for c in cancels] == [(False, 0), (True, 5000), (True, 0)]


def test_status_flow_stamps_times_and_the_day_report_shows_waits_and_idle_time(api, clinic, fixed_clock):
    _, seen = book(api, clinic)  # 10:00
    _, missed = book(api, clinic, patient="pat-2", start="2026-03-04T16:00:00Z")  # 11:00
    path = f"/appointments/{seen['id']}"
    assert api.ok("POST", f"{path}/confirm", headers=if_match(1), **as_patient("pat-1"))["confirmed_at"]
    assert api("POST", f"{path}/arrive", headers=if_match(2), **as_patient("pat-1"))[0] == 403
    status, body = api("POST", f"{path}/arrive", headers=if_match(2), role="front_desk")
    assert status == 409 and body["error"]["code"] == "not_today"
    fixed_clock.at = datetime(2026, 3, 4, 14, 50, tzinfo=UTC)  # 09:50 on the day
    assert api("POST", f"{path}/complete", headers=if_match(2), role="practitioner")[1]["error"]["code"] == \
        "invalid_transition"
    arrived = api.ok("POST", f"{path}/arrive", headers=if_match(2), role="front_desk")
    fixed_clock.advance(timedelta(minutes=22))
    in_room = api.ok("POST", f"{path}/in-room", headers=if_match(3), role="practitioner")
    fixed_clock.advance(timedelta(minutes=30))
    done = api.ok("POST", f"{path}/complete", headers=if_match(4), role="practitioner")
    assert (arrived["arrived_at"], in_room["in_room_at"], done["status"]) == (
        "2026-03-04T14:50:00.000Z", "2026-03-04T15:12:00.000Z", "completed")
    status, body = api("POST", f"/appointments/{missed['id']}/no-show", headers=if_match(1), role="front_desk")
    assert status == 409 and body["error"]["code"] == "too_early"
    fixed_clock.at = datetime(2026, 3, 4, 16, 20, tzinfo=UTC)
    assert api.ok("POST", f"/appointments/{missed['id']}/no-show", headers=if_match(1), role="front_desk")[
        "no_show_at"] == "2026-03-04T16:20:00.000Z"

    report = api.ok("GET", "/appointments/report", query={"date": WEDNESDAY}, role="practitioner")
    row = next(r for r in report["practitioners"] if r["practitioner_id"] == clinic.dr_a)
    assert row == {"practitioner_id": clinic.dr_a, "open_minutes": 480, "booked_minutes": 90, "idle_minutes": 390,
                   "gap_minutes": 15, "appointments": 2, "completed": 1, "no_shows": 1, "waits": 1,
                   "mean_wait_minutes": 22.0, "max_wait_minutes": 22.0}
    history = api.ok("GET", "/appointments/no-shows", query={"patient_id": "pat-2"}, role="front_desk")
    assert history["no_shows"] == 1 and history["appointments"] == 1
    assert api("GET", "/appointments/no-shows", query={"patient_id": "pat-2"}, **as_patient("pat-1"))[0] == 403
    assert api.ok("GET", "/appointments/no-shows", query={"patient_id": "pat-2"}, **as_patient("pat-2"))[
        "no_shows"] == 1


# --- set-up, exceptions, roles -----------------------------------------------------------------------

def test_holidays_and_blocks_close_time_and_extra_hours_open_it(api, clinic):
    api.ok("POST", "/availability/exceptions", 201, body={"date": WEDNESDAY, "kind": "holiday"}, role="front_desk")
    assert slot_starts(api, clinic) == []
    status, body = book(api, clinic)
    assert status == 422 and body["error"]["code"] == "outside_hours" and "holidays" in body["error"]["message"]
    (holiday,) = api.ok("GET", "/availability/exceptions", query={"from": WEDNESDAY, "to": WEDNESDAY})["exceptions"]
    assert api("DELETE", f"/availability/exceptions/{holiday['id']}", role="front_desk")[0] == 204
    api.ok("POST", "/availability/exceptions", 201, body={"date": WEDNESDAY, "kind": "block", "start": "10:00",
                                                          "end": "12:00", "practitioner_id": clinic.dr_a})
    api.ok("POST", "/availability/exceptions", 201, body={"date": WEDNESDAY, "kind": "extra_hours", "start": "18:00",
                                                          "end": "19:00", "practitioner_id": clinic.dr_a})
    starts = slot_starts(api, clinic, clinic.dr_a)
    assert "2026-03-04T15:00:00.000Z" not in starts and "2026-03-04T17:00:00.000Z" in starts  # 12:00 local
    assert "2026-03-04T23:00:00.000Z" in starts  # 18:00 local
    assert "2026-03-04T15:00:00.000Z" in slot_starts(api, clinic, clinic.dr_b)
    availability = api.ok("GET", f"/availability/{clinic.dr_a}", query={"from": WEDNESDAY, "to": WEDNESDAY})
    assert len(availability["exceptions"]) == 2 and availability["time_zone"] == "America/New_York"
    status, body = api("POST", "/availability/exceptions", body={"date": WEDNESDAY, "kind": "block",
                                                                 "start": "10:00", "end": "10:10"})
    assert status == 422


def test_weekly_hours_change_with_the_version_and_only_by_a_coordinator(api, clinic):
    weekly = {"weekly": [{"weekday": 2, "start": "13:00", "end": "15:00"}]}
    path = f"/availability/{clinic.dr_a}"
    assert api("PUT", path, body=weekly, headers=if_match(1), role="front_desk")[0] == 403
    assert api("PUT", path, body=weekly)[0] == 428
    assert api.ok("GET", path, query={"from": WEDNESDAY, "to": WEDNESDAY})["version"] == 1
    assert api.headers["etag"] == '"1"'
    assert api.ok("PUT", path, body=weekly, headers={"If-Match": api.headers["etag"]})["version"] == 2
    assert api("PUT", path, body=weekly, headers=if_match(1))[0] == 412
    starts = slot_starts(api, clinic, clinic.dr_a)
    assert starts[0] == "2026-03-04T18:00:00.000Z" and starts[-1] == "2026-03-04T19:15:00.000Z"
    bad = {"weekly": [{"weekday": 2, "start": "13:00", "end": "15:00"},
                      {"weekday": 2, "start": "14:00", "end": "16:00"}]}
    assert api("PUT", path, body=bad, headers=if_match(2))[0] == 422


@pytest.mark.parametrize(("role", "method", "path", "body", "expected"), [
    ("front_desk", "POST", "/practitioners", {"name": "Dr C"}, 403),
    ("patient", "POST", "/rooms", {"name": "R"}, 403),
    ("billing", "GET", "/slots", None, 403),
    ("staff", "GET", "/appointments", None, 403),
    ("patient", "GET", "/appointments/report", None, 403),
    ("patient", "POST", "/availability/exceptions", {"date": WEDNESDAY, "kind": "holiday"}, 403),
    (None, "GET", "/practitioners", None, 401),
])
def test_roles_are_checked_on_every_route(api, clinic, role, method, path, body, expected):
    kwargs = as_patient("pat-1") if role == "patient" else {"role": role}
    query = {"type_id": clinic.visit, "from": WEDNESDAY, "to": WEDNESDAY, "date": WEDNESDAY} if method == "GET" \
        else None
    assert api(method, path, body=body, query=query, **kwargs)[0] == expected


def test_another_practice_sees_nothing(api, clinic):
    _, appointment = book(api, clinic)
    assert api("GET", f"/appointments/{appointment['id']}", practice="other-clinic")[0] == 404
    assert api.ok("GET", "/practitioners", practice="other-clinic")["practitioners"] == []
    assert api("GET", "/slots", query={"type_id": clinic.visit, "from": WEDNESDAY, "to": WEDNESDAY},
               practice="other-clinic")[0] == 404


# --- waitlist ---------------------------------------------------------------------------------------

def test_a_freed_time_is_offered_to_the_first_matching_entry_then_the_next(api, clinic, fixed_clock):
    _, appointment = book(api, clinic)
    for patient, practitioner in (("pat-w1", clinic.dr_b), ("pat-w2", None), ("pat-w3", None)):
        api.ok("POST", "/waitlist", 201, body={"type_id": clinic.visit, "earliest": WEDNESDAY, "latest": WEDNESDAY,
                                               **({"practitioner_id": practitioner} if practitioner else {})},
               **as_patient(patient))
    api.ok("POST", f"/appointments/{appointment['id']}/cancel", headers=if_match(1), **as_patient("pat-1"))
    entries = {e["patient_id"]: e for e in api.ok("GET", "/waitlist", role="front_desk")["entries"]}
    assert entries["pat-w1"]["status"] == "waiting"  # asked for dr B only
    offer = entries["pat-w2"]
    assert offer["status"] == "offered" and offer["offer"]["start"] == "2026-03-04T15:00:00.000Z"
    assert offer["offer"]["expires_at"] == "2026-03-02T16:00:00.000Z"  # two hours by default
    assert entries["pat-w3"]["status"] == "waiting"
    messages = [e for e in outbox() if e["type"] == "notification.requested"]
    assert [m["data"]["request"]["recipient"]["patient_id"] for m in messages] == ["pat-w2"]
    assert api.ok("GET", "/waitlist", **as_patient("pat-w3"))["entries"][0]["status"] == "waiting"

    fixed_clock.advance(timedelta(hours=2, minutes=1))  # the offer lapses; the job passes it on
    from functions.scheduling import jobs

    assert jobs.expire_waitlist_offers(Table()) == {"practices": 1, "expired": 1}
    entries = {e["patient_id"]: e for e in api.ok("GET", "/waitlist", role="front_desk")["entries"]}
    assert entries["pat-w2"]["status"] == "waiting" and entries["pat-w3"]["status"] == "offered"
    status, body = api("POST", f"/waitlist/{entries['pat-w2']['id']}/accept",
                       headers=if_match(entries["pat-w2"]["version"]), **as_patient("pat-w2"))
    assert status == 409 and body["error"]["code"] == "no_offer"
    w3 = entries["pat-w3"]
    assert api("POST", f"/waitlist/{w3['id']}/accept", headers=if_match(w3["version"]), **as_patient("pat-w2"))[
        0] == 404
    assert api("POST", f"/waitlist/{w3['id']}/accept", **as_patient("pat-w3"))[0] == 428
    booked = api.ok("POST", f"/waitlist/{w3['id']}/accept", 201, headers=if_match(w3["version"]),
                    **as_patient("pat-w3"))
    assert api.headers["location"] == api_url(f"/appointments/{booked['id']}")
    assert booked["patient_id"] == "pat-w3" and booked["start"] == "2026-03-04T15:00:00.000Z"
    remaining = {e["patient_id"]: e["status"] for e in api.ok("GET", "/waitlist", role="front_desk")["entries"]}
    assert remaining == {"pat-w1": "waiting", "pat-w2": "waiting"}


# --- reminders, replies, FHIR --------------------------------------------------------------------------

def test_the_reminder_job_requests_each_due_reminder_once(api, clinic, fixed_clock):
    from functions.scheduling import jobs

    _, tomorrow = book(api, clinic, start="2026-03-03T15:00:00Z")
    _, later = book(api, clinic, patient="pat-2", start="2026-03-05T15:00:00Z")
    _, cancelled = book(api, clinic, patient="pat-3", start="2026-03-03T16:00:00Z")
    api.ok("POST", f"/appointments/{cancelled['id']}/cancel", headers=if_match(1), role="front_desk")
    assert jobs.send_appointment_reminders(Table()) == {"practices": 1, "reminders": 0}
    fixed_clock.at = datetime(2026, 3, 2, 15, 5, tzinfo=UTC)
    assert jobs.send_appointment_reminders(Table())["reminders"] == 1
    assert jobs.send_appointment_reminders(Table())["reminders"] == 0  # a second run sends nothing
    (request,) = [e["data"]["request"] for e in outbox() if e["type"] == "notification.requested"]
    assert request["recipient"] == {"kind": "patient", "patient_id": "pat-1"}
    assert request["source"]["entity_id"] == tomorrow["id"]
    assert request["data"]["appointment_time"] == "Tue 3 Mar 2026, 10:00"
    assert request["data"]["practice_name"] == "Elm Street Clinic"
    assert api.ok("GET", f"/appointments/{tomorrow['id']}")["reminder_sent_at"] == "2026-03-02T15:05:00.000Z"
    assert later["reminder_due_at"] == "2026-03-04T15:00:00.000Z"


def test_a_reply_link_confirms_or_cancels_without_signing_in(api, clinic, fixed_clock):
    from functions.scheduling.models.appointments import Appointment
    from functions.scheduling.wiring import scheduling

    _, appointment = book(api, clinic)
    model = Appointment.model_validate(appointment)
    confirm = scheduling().replies.link_for(PRACTICE, model, "confirm").rsplit("/", 1)[1]
    cancel = scheduling().replies.link_for(PRACTICE, model, "cancel").rsplit("/", 1)[1]
    assert api.ok("GET", f"/appointments/reply/{confirm}", role=None)["status"] == "booked"  # a GET never acts
    assert api.ok("POST", f"/appointments/reply/{confirm}", role=None)["status"] == "confirmed"
    assert api.ok("POST", f"/appointments/reply/{confirm}", role=None)["status"] == "confirmed"  # twice: once
    forged = confirm[:-2] + ("AA" if not confirm.endswith("AA") else "BB")
    assert api("POST", f"/appointments/reply/{forged}", role=None)[1]["error"]["code"] == "invalid_reply_link"
    assert api.ok("POST", f"/appointments/reply/{cancel}", role=None)["status"] == "cancelled"
    fixed_clock.at = datetime(2026, 3, 5, tzinfo=UTC)
    assert api("POST", f"/appointments/reply/{confirm}", role=None)[1]["error"]["code"] == "reply_link_expired"


def test_fhir_exports_are_valid_r4(api, clinic):
    _, appointment = book(api, clinic)
    status, resource = api("GET", f"/appointments/{appointment['id']}/fhir", **as_patient("pat-1"))
    assert status == 200
    parsed = FhirAppointment.model_validate(resource)
    assert parsed.status == "booked" and parsed.minutesDuration == 30
    assert {p.actor.reference for p in parsed.participant} == {"Patient/pat-1", f"Practitioner/{clinic.dr_a}",
                                                               f"Location/{appointment['room_id']}"}
    status, bundle = api("GET", f"/practitioners/{clinic.dr_a}/fhir",
                         query={"type_id": clinic.visit, "from": WEDNESDAY, "to": WEDNESDAY})
    assert status == 200
    parsed = Bundle.model_validate(bundle)
    kinds = Counter(e.resource.get_resource_type() for e in parsed.entry)
    assert kinds["Schedule"] == 1 and kinds["Slot"] > 20
    statuses = Counter(e.resource.status for e in parsed.entry if e.resource.get_resource_type() == "Slot")
    assert statuses["busy"] == 1


def test_a_search_over_thirty_days_is_one_query_per_practitioner_and_room(api, clinic):
    from functions.core import tenancy
    from tests.integration.scheduling_support import PRACTICE

    for day in range(3, 7):
        book(api, clinic, patient=f"pat-{day}", start=f"2026-03-0{day}T15:00:00Z")
    calls: Counter = Counter()
    handler = lambda model, **_: calls.update([model.name])  # noqa: E731
    session = tenancy.practice_client(PRACTICE)  # the API's requests run in the practice's tenant session
    session.meta.events.register("before-call.dynamodb", handler)
    try:
        body = api.ok("GET", "/slots", query={"type_id": clinic.visit, "from": "2026-03-03", "to": "2026-04-01"})
    finally:
        session.meta.events.unregister("before-call.dynamodb", handler)
    assert len(body["slots"]) == 50
    # set-up, exceptions, two practitioners, two rooms
    assert calls == Counter({"Query": 6})


def test_slot_search_hides_the_times_the_patient_is_already_booked(api, clinic):
    assert book(api, clinic, patient="pat-1", practitioner=clinic.dr_a)[0] == 201
    ten = TEN_AM.replace(":00Z", ":00.000Z")

    def starts(who: dict, **query) -> list[str]:
        body = api.ok("GET", "/slots", query={"type_id": clinic.visit, "from": WEDNESDAY, "to": WEDNESDAY,
                                              "order": "earliest", "limit": "200",
                                              "practitioner_id": clinic.dr_b, **query}, **who)
        return [s["start"] for s in body["slots"]]

    # Dr B is free at ten, but pat-1 is with Dr A then: not offered to pat-1, still offered to others
    assert ten not in starts(as_patient("pat-1"))
    assert ten in starts(as_patient("pat-2"))
    assert ten not in starts({"role": "front_desk"}, patient_id="pat-1")
    assert ten in starts({"role": "front_desk"})
    status, _ = api("GET", "/slots", query={"type_id": clinic.visit, "from": WEDNESDAY, "to": WEDNESDAY,
                                             "patient_id": "pat-2"}, **as_patient("pat-1"))
    assert status == 403  # a patient sees only their own bookings' shadow
