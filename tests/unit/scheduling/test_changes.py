"""Moving, cancelling and the status flow on the fakes: versions, late cancels, each move stamping its time."""

from datetime import timedelta

import pytest

from functions.core.auth import Role
from functions.core.errors import Conflict, Forbidden, Invalid, NotFound, PreconditionFailed
from functions.scheduling.models.appointments import RescheduleIn
from tests.unit.scheduling.support import (
    DESK,
    WEDNESDAY_TEN,
    clinic_fixture,  # noqa: F401 - a fixture, used by name
    patient,
    staff,
)

PRACTITIONER = staff(Role.PRACTITIONER, "dr-user")


def reschedule(clinic, appointment, start, who=DESK, version=None, practitioner=None):
    body = RescheduleIn(start=start, practitioner_id=practitioner)
    return clinic.scheduling.booking.reschedule(who, appointment.id, body, lambda: version or appointment.version)


def status(clinic, appointment, to, who=DESK):
    return clinic.scheduling.booking.change_status(who, appointment.id, to, lambda: appointment.version)


def test_a_reschedule_moves_the_appointment_and_frees_its_old_time(clinic):
    booked = clinic.book()
    moved = reschedule(clinic, booked, WEDNESDAY_TEN + timedelta(hours=2))
    assert (moved.start, moved.version, moved.status) == ("2026-03-04T17:00:00.000Z", 2, "booked")
    assert moved.rescheduled_at == "2026-03-02T14:00:00.000Z"
    assert clinic.book(patient_id="pat-2").start == booked.start  # the old time is free
    assert "scheduling.appointment.rescheduled" in clinic.events()


def test_a_reschedule_by_fifteen_minutes_does_not_collide_with_itself(clinic):
    booked = clinic.book()
    assert reschedule(clinic, booked, WEDNESDAY_TEN + timedelta(minutes=15)).start == "2026-03-04T15:15:00.000Z"


def test_a_reschedule_onto_a_taken_time_is_409_and_changes_nothing(clinic):
    booked = clinic.book()
    clinic.book(patient_id="pat-2", start=WEDNESDAY_TEN + timedelta(hours=2))
    with pytest.raises(Conflict) as taken:
        reschedule(clinic, booked, WEDNESDAY_TEN + timedelta(hours=2))
    assert taken.value.code == "slot_taken"
    assert clinic.scheduling.appointments.appointment(DESK, booked.id).start == booked.start


def test_a_reschedule_with_a_stale_version_is_412(clinic):
    booked = clinic.book()
    reschedule(clinic, booked, WEDNESDAY_TEN + timedelta(hours=1))
    with pytest.raises(PreconditionFailed):
        reschedule(clinic, booked, WEDNESDAY_TEN + timedelta(hours=2))


def test_a_reschedule_to_the_same_time_is_422(clinic):
    booked = clinic.book()
    with pytest.raises(Invalid) as same:
        reschedule(clinic, booked, WEDNESDAY_TEN)
    assert same.value.code == "nothing_to_change"


def test_a_reschedule_to_another_practitioner(clinic):
    moved = reschedule(clinic, clinic.book(), WEDNESDAY_TEN, practitioner=clinic.dr_b)
    assert moved.practitioner_id == clinic.dr_b


def test_a_cancel_inside_the_window_is_late_and_charged(clinic):
    cancelled = clinic.cancel(clinic.book(start=clinic.clock.at + timedelta(hours=3)))  # today
    assert (cancelled.status, cancelled.late_cancel, cancelled.late_cancel_fee_cents) == ("cancelled", True, 5000)


def test_a_cancel_well_ahead_is_free(clinic):
    cancelled = clinic.cancel(clinic.book())
    assert (cancelled.late_cancel, cancelled.late_cancel_fee_cents) == (False, 0)
    assert clinic.book(patient_id="pat-2").start == cancelled.start  # the time is free again


def test_the_practice_cancelling_is_never_late_and_staff_may_waive_the_fee(clinic):
    soon = clinic.clock.at + timedelta(hours=3)
    assert clinic.cancel(clinic.book(start=soon), reason="practice").late_cancel is False
    waived = clinic.cancel(clinic.book(patient_id="pat-2", start=soon), waive_fee=True)
    assert (waived.late_cancel, waived.late_cancel_fee_cents) == (True, 0)


def test_a_patient_may_not_waive_the_fee(clinic):
    booked = clinic.book(patient())
    with pytest.raises(Forbidden):
        clinic.cancel(booked, patient(), waive_fee=True)


def test_a_cancelled_appointment_cannot_be_cancelled_again(clinic):
    cancelled = clinic.cancel(clinic.book())
    with pytest.raises(Conflict) as again:
        clinic.cancel(cancelled)
    assert again.value.code == "invalid_transition"


def test_the_status_flow_stamps_each_time(clinic):
    booked = clinic.book(start=clinic.clock.at + timedelta(hours=2))
    confirmed = status(clinic, booked, "confirmed", patient())
    clinic.clock.advance(timedelta(hours=2))
    arrived = status(clinic, confirmed, "arrived", PRACTITIONER)
    clinic.clock.advance(timedelta(minutes=12))
    in_room = status(clinic, arrived, "in_room")
    completed = status(clinic, in_room, "completed")
    assert completed.status == "completed" and completed.version == 5
    assert (completed.confirmed_at, completed.arrived_at, completed.in_room_at) == (
        "2026-03-02T14:00:00.000Z", "2026-03-02T16:00:00.000Z", "2026-03-02T16:12:00.000Z")
    with pytest.raises(Conflict) as done:
        status(clinic, completed, "no_show")
    assert done.value.code == "invalid_transition"


def test_arrival_is_recorded_on_the_appointments_day_only(clinic):
    with pytest.raises(Conflict) as early:
        status(clinic, clinic.book(), "arrived")
    assert early.value.code == "not_today"


def test_a_no_show_is_recorded_after_the_start_only(clinic):
    booked = clinic.book(start=clinic.clock.at + timedelta(hours=1))
    with pytest.raises(Conflict) as early:
        status(clinic, booked, "no_show")
    assert early.value.code == "too_early"
    clinic.clock.advance(timedelta(hours=1, minutes=20))
    assert status(clinic, booked, "no_show").status == "no_show"


def test_a_patient_may_confirm_but_not_check_in(clinic):
    booked = clinic.book(patient(), start=clinic.clock.at + timedelta(hours=2))
    with pytest.raises(Forbidden) as refused:
        status(clinic, booked, "arrived", patient())
    assert refused.value.subject_patient_id is None  # refused by role: nobody's data was read


def test_another_patients_appointment_is_not_found(clinic):
    booked = clinic.book()
    for act in (lambda: clinic.cancel(booked, patient("pat-2")),
                lambda: status(clinic, booked, "confirmed", patient("pat-2")),
                lambda: clinic.scheduling.appointments.appointment(patient("pat-2"), booked.id)):
        with pytest.raises(NotFound) as hidden:
            act()
        assert hidden.value.subject_patient_id == "pat-1"  # the refusal is audited against the patient
