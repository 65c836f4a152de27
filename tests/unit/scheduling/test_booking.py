"""Booking on the fakes: no double booking, only where the practitioner is open, once per Idempotency-Key."""

from datetime import timedelta

import pytest

from functions.core.errors import Conflict, Forbidden, Invalid, NotFound
from functions.scheduling.models.appointments import AppointmentIn
from functions.scheduling.models.setup import AppointmentTypeIn, PractitionerIn
from tests.unit.scheduling.support import (
    COORDINATOR,
    DESK,
    MONDAY_NINE,
    PRACTICE,
    WEDNESDAY_TEN,
    WEEKDAYS,
    clinic_fixture,  # noqa: F401 - a fixture, used by name
    patient,
)


def test_a_booking_holds_the_time_and_is_audited_with_its_event(clinic):
    appointment = clinic.book()
    assert (appointment.status, appointment.patient_id, appointment.version) == ("booked", "pat-1", 1)
    assert appointment.room_id == clinic.room_1 and appointment.hold_end == "2026-03-04T15:45:00.000Z"
    assert clinic.actions()[-1] == "appointment.book" and clinic.events() == ["scheduling.appointment.booked"]


def test_second_booking_of_same_slot_is_409(clinic):
    clinic.book()
    with pytest.raises(Conflict) as taken:
        clinic.book(patient_id="pat-2", start=WEDNESDAY_TEN + timedelta(minutes=15))
    assert taken.value.status == 409 and taken.value.code == "slot_taken"


def test_the_buffer_keeps_the_practitioner_but_not_another(clinic):
    clinic.book()
    with pytest.raises(Conflict):
        clinic.book(patient_id="pat-2", start=WEDNESDAY_TEN + timedelta(minutes=30))  # inside the 15-minute buffer
    other = clinic.book(patient_id="pat-2", start=WEDNESDAY_TEN + timedelta(minutes=30), practitioner=clinic.dr_b)
    assert other.room_id == clinic.room_2  # room 1 is still in its buffer
    assert clinic.book(patient_id="pat-3", start=WEDNESDAY_TEN + timedelta(minutes=45)).status == "booked"


def test_a_patient_cannot_be_in_two_places_at_once(clinic):
    clinic.book()
    with pytest.raises(Conflict) as busy:
        clinic.book(practitioner=clinic.dr_b)
    assert busy.value.code == "patient_busy"


def test_when_both_rooms_are_taken_the_time_is_409_room_taken(clinic):
    setup = clinic.scheduling.setup
    dr_c = setup.create_practitioner(COORDINATOR, PractitionerIn(name="Dr C", weekly=WEEKDAYS)).id
    visit = setup.appointment_type(COORDINATOR, clinic.visit)
    changed = AppointmentTypeIn(**{**visit.model_dump(include=set(AppointmentTypeIn.model_fields)),
                                   "practitioner_ids": [clinic.dr_a, clinic.dr_b, dr_c]})
    setup.update_type(COORDINATOR, clinic.visit, changed, lambda: visit.version)
    clinic.book(patient_id="pat-1", practitioner=clinic.dr_a)
    clinic.book(patient_id="pat-2", practitioner=clinic.dr_b)
    with pytest.raises(Conflict) as taken:
        clinic.book(patient_id="pat-3", practitioner=dr_c)
    assert taken.value.code == "room_taken"


@pytest.mark.parametrize(("start", "code"), [
    (MONDAY_NINE - timedelta(hours=1), "slot_in_past"),
    (WEDNESDAY_TEN + timedelta(minutes=5), "off_grid"),
    (WEDNESDAY_TEN + timedelta(hours=8), "outside_hours"),  # 18:00 in New York
])
def test_a_time_the_rules_refuse_is_422_naming_the_rule(clinic, start, code):
    with pytest.raises(Invalid) as refused:
        clinic.book(start=start)
    assert refused.value.status == 422 and refused.value.code == code
    assert clinic.state.appointments == {}


def test_a_practitioner_who_does_not_offer_the_type_is_refused(clinic):
    with pytest.raises(Invalid) as refused:
        clinic.book(kind=clinic.call, practitioner=clinic.dr_b)
    assert refused.value.code == "practitioner_not_offered"


def test_a_patient_not_on_file_is_404(clinic):
    with pytest.raises(NotFound) as refused:
        clinic.book(patient_id="ghost")
    assert refused.value.code == "patient_not_found"


def test_a_patient_books_for_themself_only(clinic):
    assert clinic.book(patient("pat-2")).patient_id == "pat-2"
    body = AppointmentIn(type_id=clinic.visit, practitioner_id=clinic.dr_a, start=WEDNESDAY_TEN, patient_id="pat-3")
    with pytest.raises(Forbidden) as refused:
        clinic.scheduling.booking.book(patient("pat-2"), body)
    assert refused.value.subject_patient_id == "pat-3"


def test_staff_must_say_whose_appointment_it_is(clinic):
    with pytest.raises(Invalid) as refused:
        clinic.book(DESK, patient_id=None)
    assert refused.value.code == "patient_required"


def test_a_retried_booking_with_the_same_key_gets_the_first_appointment(clinic):
    first = clinic.book(key="desk-booking-0001")
    again = clinic.book(key="desk-booking-0001")
    assert again == first and len(clinic.state.appointments) == 1
    assert clinic.actions()[-2:] == ["appointment.book", "appointment.book.replayed"]
    stored = clinic.state.keys[(PRACTICE, "desk-booking-0001")]
    assert stored.response["id"] == first.id  # the key keeps the appointment it replays


def test_the_same_key_for_another_booking_is_422(clinic):
    clinic.book(key="desk-booking-0001")
    with pytest.raises(Invalid) as reused:
        clinic.book(key="desk-booking-0001", start=WEDNESDAY_TEN + timedelta(hours=1))
    assert reused.value.code == "idempotency_key_reused"


def test_a_booking_more_than_an_hour_ahead_is_reminded_by_the_lead_time(clinic):
    assert clinic.book().reminder_due_at == "2026-03-03T15:00:00.000Z"  # 24 hours before
    soon = clinic.book(patient_id="pat-2", start=MONDAY_NINE + timedelta(minutes=30))
    assert soon.reminder_due_at is None
    tomorrow = clinic.book(patient_id="pat-3", start=MONDAY_NINE + timedelta(hours=3))
    assert tomorrow.reminder_due_at == "2026-03-02T14:00:00.000Z"  # inside the lead time: at the next run
