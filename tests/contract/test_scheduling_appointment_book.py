"""AppointmentBook and Calendars: the fake and the DynamoDB adapter behave alike."""

from datetime import UTC, datetime, timedelta

import pytest

from functions.core.errors import Conflict, Invalid, NotFound, PreconditionFailed
from functions.core.idempotency import AlreadyDone, IdempotentRequest
from functions.scheduling.models.appointments import Appointment
from functions.scheduling.models.waitlist import WaitlistEntry
from functions.scheduling.ports import Filled
from tests.contract.scheduling_support import NOW, PRACTICE, appointment, audit, side_fixture  # noqa: F401 - a fixture, used by name

TEN = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
MINUTE = TEN + timedelta(minutes=1)


def booked(side, *appointments):
    for a in appointments:
        side.on_file(PRACTICE, a.patient_id)
        side.stores.appointments.book(PRACTICE, a, audit(), [])
    return appointments


def test_a_booking_is_read_back_and_on_both_calendars(side):
    (a,) = booked(side, appointment("a1", TEN))
    book, calendars = side.stores.appointments, side.stores.calendars
    assert book.appointment(PRACTICE, "a1") == a
    assert book.appointment("other-practice", "a1") is None
    assert [x.id for x in calendars.practitioner_bookings(PRACTICE, "dr-a", TEN, MINUTE)] == ["a1"]
    assert [x.id for x in calendars.room_bookings(PRACTICE, "room-1", TEN - timedelta(hours=1), MINUTE)] == ["a1"]
    assert calendars.practitioner_bookings(PRACTICE, "dr-b", TEN, MINUTE) == []


def test_a_calendar_range_includes_its_start_and_excludes_a_booking_starting_at_its_end(side):
    booked(side, appointment("a1", TEN), appointment("a2", TEN + timedelta(hours=1), patient="pat-2"))
    found = side.stores.calendars.practitioner_bookings(PRACTICE, "dr-a", TEN, TEN + timedelta(hours=1))
    assert [x.id for x in found] == ["a1"]


@pytest.mark.parametrize(("other", "code"), [
    ({"patient": "pat-2", "room": "room-2"}, "slot_taken"),
    ({"patient": "pat-2", "practitioner": "dr-b"}, "room_taken"),
    ({"practitioner": "dr-b", "room": "room-2"}, "patient_busy"),
])
def test_an_overlapping_booking_is_refused_by_whose_time_it_takes(side, other, code):
    booked(side, appointment("a1", TEN))
    side.on_file(PRACTICE, other.get("patient", "pat-1"))
    with pytest.raises(Conflict) as refused:
        side.stores.appointments.book(PRACTICE, appointment("a2", TEN + timedelta(minutes=15), **other), audit(), [])
    assert refused.value.code == code
    assert side.stores.appointments.appointment(PRACTICE, "a2") is None


def test_the_buffer_holds_the_practitioner_but_not_the_patient(side):
    booked(side, appointment("a1", TEN))  # 30 minutes + 15 buffer
    after = TEN + timedelta(minutes=30)
    side.on_file(PRACTICE, "pat-2")
    with pytest.raises(Conflict):
        side.stores.appointments.book(PRACTICE, appointment("a2", after, practitioner="dr-a", room="room-2",
                                                            patient="pat-2"), audit(), [])
    side.stores.appointments.book(PRACTICE, appointment("a3", after, practitioner="dr-b", room="room-2"), audit(), [])


def test_a_patient_not_on_file_cannot_be_booked(side):
    with pytest.raises(NotFound) as refused:
        side.stores.appointments.book(PRACTICE, appointment("a1", TEN, patient="ghost"), audit(), [])
    assert refused.value.code == "patient_not_found"


def test_an_idempotency_key_books_once_and_replays_its_answer(side):
    book = side.stores.appointments
    side.on_file(PRACTICE, "pat-1")
    request = IdempotentRequest(key="key-00000001", fingerprint="f1")
    assert book.replay(PRACTICE, request) is None
    first = appointment("a1", TEN)
    book.book(PRACTICE, first, audit(), [], claim=request.answered(first))
    assert Appointment.model_validate(book.replay(PRACTICE, request)) == first
    with pytest.raises(AlreadyDone):
        book.book(PRACTICE, appointment("a2", TEN + timedelta(days=1)), audit(), [], claim=request.answered(first))
    with pytest.raises(Invalid) as reused:
        book.replay(PRACTICE, IdempotentRequest(key="key-00000001", fingerprint="f2"))
    assert reused.value.code == "idempotency_key_reused"
    assert book.replay("other-practice", request) is None  # keys are per practice


def test_a_move_frees_the_old_time_and_holds_the_new(side):
    (before,) = booked(side, appointment("a1", TEN))
    later = TEN + timedelta(hours=2)
    after = appointment("a1", later, version=2)
    side.stores.appointments.move(PRACTICE, before, after, audit(), [])
    assert side.stores.appointments.appointment(PRACTICE, "a1").start == after.start
    calendars = side.stores.calendars
    moved = calendars.practitioner_bookings(PRACTICE, "dr-a", TEN, later + timedelta(minutes=1))
    assert [x.id for x in moved] == ["a1"]
    assert calendars.practitioner_bookings(PRACTICE, "dr-a", TEN, MINUTE) == []
    booked(side, appointment("a2", TEN, patient="pat-2"))  # the old time is free again


def test_a_move_by_fifteen_minutes_keeps_the_overlap(side):
    (before,) = booked(side, appointment("a1", TEN))
    side.stores.appointments.move(PRACTICE, before, appointment("a1", TEN + timedelta(minutes=15), version=2),
                                  audit(), [])
    with pytest.raises(Conflict):
        booked(side, appointment("a2", TEN + timedelta(minutes=30), patient="pat-2"))


def test_a_move_onto_a_taken_time_is_refused_and_changes_nothing(side):
    first, second = booked(side, appointment("a1", TEN), appointment("a2", TEN + timedelta(hours=2), patient="pat-2"))
    with pytest.raises(Conflict) as refused:
        side.stores.appointments.move(PRACTICE, first, appointment("a1", second.start_at, version=2), audit(), [])
    assert refused.value.code == "slot_taken"
    assert side.stores.appointments.appointment(PRACTICE, "a1") == first


def test_a_stale_change_is_a_precondition_failure(side):
    (a,) = booked(side, appointment("a1", TEN))
    confirmed = a.model_copy(update={"status": "confirmed", "version": 2})
    side.stores.appointments.update_status(PRACTICE, a, confirmed, audit(), [], keep_reminder=True)
    with pytest.raises(PreconditionFailed):
        side.stores.appointments.update_status(PRACTICE, a, confirmed, audit(), [], keep_reminder=True)
    with pytest.raises(PreconditionFailed):
        side.stores.appointments.cancel(PRACTICE, a, a.model_copy(update={"status": "cancelled", "version": 2}),
                                        audit(), [])


def test_a_status_change_shows_on_the_calendar(side):
    (a,) = booked(side, appointment("a1", TEN))
    side.stores.appointments.update_status(PRACTICE, a, a.model_copy(update={"status": "confirmed", "version": 2}),
                                           audit(), [], keep_reminder=True)
    (entry,) = side.stores.calendars.practitioner_bookings(PRACTICE, "dr-a", TEN, MINUTE)
    assert entry.status == "confirmed" and entry.version == 2


def test_a_cancel_frees_the_time_and_leaves_the_calendars(side):
    (a,) = booked(side, appointment("a1", TEN))
    side.stores.appointments.cancel(PRACTICE, a, a.model_copy(update={"status": "cancelled", "version": 2}),
                                    audit(), [])
    assert side.stores.calendars.practitioner_bookings(PRACTICE, "dr-a", TEN, MINUTE) == []
    assert side.stores.calendars.room_bookings(PRACTICE, "room-1", TEN, MINUTE) == []
    assert side.stores.appointments.appointment(PRACTICE, "a1").status == "cancelled"
    booked(side, appointment("a2", TEN, patient="pat-2"))


def test_a_patients_appointments_newest_first_and_by_window(side):
    booked(side, *(appointment(f"a{n}", TEN + timedelta(days=n)) for n in range(3)))
    book = side.stores.appointments
    assert [a.id for a in book.of_patient(PRACTICE, "pat-1")] == ["a2", "a1", "a0"]
    assert [a.id for a in book.of_patient(PRACTICE, "pat-1", limit=2)] == ["a2", "a1"]
    assert [a.id for a in book.of_patient_between(PRACTICE, "pat-1", TEN + timedelta(days=1),
                                                  TEN + timedelta(days=2))] == ["a1", "a2"]
    assert book.of_patient(PRACTICE, "pat-2") == []


def test_a_booking_can_fill_a_waitlist_entry_in_the_same_commit(side):
    entry = WaitlistEntry(id="w1", patient_id="pat-1", type_id="visit", earliest=NOW.date(),
                          latest=NOW.date() + timedelta(days=7), status="waiting", created_at="x", version=1,
                          updated_at="x")
    side.stores.waitlist.save(PRACTICE, entry, None, audit())
    side.on_file(PRACTICE, "pat-1")
    filled = entry.model_copy(update={"status": "booked", "appointment_id": "a1", "version": 2})
    with pytest.raises(PreconditionFailed):  # the entry moved on: nothing is booked
        side.stores.appointments.book(PRACTICE, appointment("a1", TEN), audit(), [], filled=Filled(filled, 5))
    assert side.stores.appointments.appointment(PRACTICE, "a1") is None
    side.stores.appointments.book(PRACTICE, appointment("a1", TEN), audit(), [], filled=Filled(filled, 1))
    assert side.stores.waitlist.entry(PRACTICE, "w1").status == "booked"
