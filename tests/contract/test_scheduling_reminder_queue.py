"""ReminderQueue: the fake and the DynamoDB adapter agree on which reminders are due, and on sending each
once."""

from datetime import UTC, datetime, timedelta

import pytest

from functions.core import clock
from functions.core.errors import Conflict
from tests.contract.scheduling_support import PRACTICE, appointment, audit, side_fixture  # noqa: F401 - a fixture, used by name

TEN = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
DUE = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)


def book(side, appointment_id: str, start: datetime, due: datetime | None, patient: str = "pat-1"):
    side.on_file(PRACTICE, patient)
    booked = appointment(appointment_id, start, patient=patient, practitioner=f"dr-{appointment_id}", room=None,
                         reminder_due_at=clock.iso(due) if due else None)
    side.stores.appointments.book(PRACTICE, booked, audit(), [])
    return booked


def test_only_reminders_due_by_now_are_listed_earliest_first(side):
    book(side, "a2", TEN + timedelta(hours=1), DUE + timedelta(hours=1))
    book(side, "a1", TEN, DUE)
    book(side, "a3", TEN + timedelta(days=2), DUE + timedelta(days=2))
    book(side, "a4", TEN, None, patient="pat-4")
    queue = side.stores.reminders
    assert queue.due(PRACTICE, DUE - timedelta(seconds=1)) == []
    assert [a.id for a in queue.due(PRACTICE, DUE)] == ["a1"]
    assert [a.id for a in queue.due(PRACTICE, DUE + timedelta(days=1))] == ["a1", "a2"]
    assert [a.id for a in queue.due(PRACTICE, DUE + timedelta(days=1), limit=1)] == ["a1"]


def test_a_reminder_is_marked_sent_once(side):
    booked = book(side, "a1", TEN, DUE)
    queue = side.stores.reminders
    queue.mark_reminded(PRACTICE, booked, clock.iso(DUE), audit(), [])
    assert queue.due(PRACTICE, DUE) == []
    assert side.stores.appointments.appointment(PRACTICE, "a1").reminder_sent_at == clock.iso(DUE)
    # the practitioner's day (read from the calendar copies) shows it too
    (on_calendar,) = side.stores.calendars.practitioner_bookings(PRACTICE, "dr-a1", TEN - timedelta(hours=1),
                                                                 TEN + timedelta(hours=1))
    assert on_calendar.reminder_sent_at == clock.iso(DUE)
    with pytest.raises(Conflict) as again:
        queue.mark_reminded(PRACTICE, booked, clock.iso(DUE), audit(), [])
    assert again.value.code == "reminder_not_due"


def test_a_cancelled_or_checked_in_appointment_is_not_reminded(side):
    first = book(side, "a1", TEN, DUE)
    second = book(side, "a2", TEN + timedelta(hours=1), DUE, patient="pat-2")
    book_port = side.stores.appointments
    book_port.cancel(PRACTICE, first, first.model_copy(update={"status": "cancelled", "version": 2}), audit(), [])
    book_port.update_status(PRACTICE, second, second.model_copy(update={"status": "arrived", "version": 2}), audit(),
                            [], keep_reminder=False)
    assert side.stores.reminders.due(PRACTICE, DUE) == []
    with pytest.raises(Conflict):
        side.stores.reminders.mark_reminded(PRACTICE, first, clock.iso(DUE), audit(), [])


def test_a_confirmed_appointment_keeps_its_reminder_and_a_moved_one_gets_a_new_one(side):
    first = book(side, "a1", TEN, DUE)
    book_port = side.stores.appointments
    confirmed = first.model_copy(update={"status": "confirmed", "version": 2})
    book_port.update_status(PRACTICE, first, confirmed, audit(), [], keep_reminder=True)
    assert [a.id for a in side.stores.reminders.due(PRACTICE, DUE)] == ["a1"]
    later = appointment("a1", TEN + timedelta(days=1), practitioner="dr-a1", room=None, version=3,
                        reminder_due_at=clock.iso(DUE + timedelta(days=1)))
    book_port.move(PRACTICE, confirmed, later, audit(), [])
    assert side.stores.reminders.due(PRACTICE, DUE) == []
    with pytest.raises(Conflict):  # the reminder the job read before the move is no longer due
        side.stores.reminders.mark_reminded(PRACTICE, first, clock.iso(DUE), audit(), [])
    assert [a.id for a in side.stores.reminders.due(PRACTICE, DUE + timedelta(days=1))] == ["a1"]
