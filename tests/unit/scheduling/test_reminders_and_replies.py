"""Reminders and their reply links on the fakes: each due reminder is asked for once, with signed links that
confirm or cancel without signing in."""

from datetime import timedelta

import pytest

from functions.core.errors import Invalid
from functions.scheduling.models.appointments import RescheduleIn
from tests.unit.scheduling.support import DESK, PRACTICE, clinic_fixture  # noqa: F401 - a fixture, used by name


def reminders(clinic):
    return [e.data["request"] for e in clinic.state.events if e.type == "notification.requested"]


def test_a_reminder_is_requested_once_when_due(clinic):
    booked = clinic.book()  # Wednesday 10:00; due Tuesday 10:00
    assert clinic.scheduling.reminders.send_due(PRACTICE) == 0
    clinic.clock.at = booked.start_at - timedelta(hours=24)
    assert clinic.scheduling.reminders.send_due(PRACTICE) == 1
    assert clinic.scheduling.reminders.send_due(PRACTICE) == 0  # a second run sends nothing
    (request,) = reminders(clinic)
    assert request["template"] == "appointment.reminder.reply"
    assert request["data"]["appointment_time"] == "Wed 4 Mar 2026, 10:00"
    assert request["data"]["confirm_link"].startswith("https://api.example/appointments/reply/")
    assert clinic.state.appointments[(PRACTICE, booked.id)].reminder_sent_at is not None


def test_a_cancelled_appointment_is_not_reminded(clinic):
    booked = clinic.book()
    clinic.cancel(booked)
    clinic.clock.at = booked.start_at - timedelta(hours=2)
    assert clinic.scheduling.reminders.send_due(PRACTICE) == 0


def test_a_moved_appointment_is_reminded_for_its_new_time(clinic):
    booked = clinic.book()
    clinic.clock.at = booked.start_at - timedelta(hours=24)
    clinic.scheduling.reminders.send_due(PRACTICE)
    moved = clinic.scheduling.booking.reschedule(DESK, booked.id,
                                                 RescheduleIn(start=booked.start_at + timedelta(days=1)), lambda: 1)
    assert moved.reminder_sent_at is None
    clinic.clock.at = moved.start_at - timedelta(hours=24)
    assert clinic.scheduling.reminders.send_due(PRACTICE) == 1


def tokens(clinic, appointment) -> dict[str, str]:
    return {action: clinic.scheduling.replies.link_for(PRACTICE, appointment, action).rsplit("/", 1)[1]
            for action in ("confirm", "cancel")}


def test_a_peek_changes_nothing_and_a_reply_confirms_once(clinic):
    booked = clinic.book()
    link = tokens(clinic, booked)
    peeked = clinic.scheduling.replies.peek(link["confirm"])
    assert peeked.view.status == "booked" and set(peeked.choices) == {"confirm", "cancel"}
    assert peeked.view.practice == "Elm Street Clinic" and peeked.view.local_time == "10:00"
    assert clinic.scheduling.replies.reply(link["confirm"]).view.status == "confirmed"
    assert clinic.scheduling.replies.reply(link["confirm"]).view.status == "confirmed"
    assert clinic.state.appointments[(PRACTICE, booked.id)].version == 2  # the second click changed nothing


def test_a_cancel_link_cancels_as_the_patient(clinic):
    booked = clinic.book()
    answer = clinic.scheduling.replies.reply(tokens(clinic, booked)["cancel"])
    assert answer.view.status == "cancelled" and answer.choices == {}
    cancelled = clinic.state.appointments[(PRACTICE, booked.id)]
    assert cancelled.cancel_reason == "patient_request"
    assert clinic.state.audit.entries[-1].role == "patient"


def test_a_forged_or_expired_link_is_refused(clinic):
    booked = clinic.book()
    confirm = tokens(clinic, booked)["confirm"]
    with pytest.raises(Invalid) as forged:
        clinic.scheduling.replies.peek(confirm[:-2] + ("AA" if not confirm.endswith("AA") else "BB"))
    assert forged.value.code == "invalid_reply_link"
    clinic.clock.at = booked.start_at + timedelta(minutes=1)
    with pytest.raises(Invalid) as expired:
        clinic.scheduling.replies.reply(confirm)
    assert expired.value.code == "reply_link_expired"
