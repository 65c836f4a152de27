"""Setting up scheduling and the day report, on the fakes."""

from datetime import date, timedelta

import pytest

from functions.core.errors import Invalid, NotFound, PreconditionFailed
from functions.scheduling.models.setup import AppointmentTypeIn, ExceptionIn, PolicyIn, PractitionerPatch, WeeklyIn
from tests.unit.scheduling.support import (
    COORDINATOR,
    DESK,
    WEDNESDAY_TEN,
    clinic_fixture,  # noqa: F401 - a fixture, used by name
)

WEDNESDAY = date(2026, 3, 4)


def test_the_policy_changes_only_from_the_version_read(clinic):
    setup = clinic.scheduling.setup
    assert setup.policy(DESK).version == 1
    with pytest.raises(PreconditionFailed):
        setup.put_policy(COORDINATOR, PolicyIn(time_zone="Europe/London"), lambda: 0)
    assert setup.put_policy(COORDINATOR, PolicyIn(time_zone="Europe/London"), lambda: 1).version == 2


def test_a_type_naming_an_unknown_practitioner_or_room_is_422(clinic):
    body = AppointmentTypeIn(name="X", duration_minutes=30, practitioner_ids=[clinic.dr_a, "nobody"],
                             room_ids=[clinic.room_1])
    with pytest.raises(Invalid) as refused:
        clinic.scheduling.setup.create_type(COORDINATOR, body)
    assert refused.value.details == {"unknown": ["nobody"]}


def test_a_practitioner_update_needs_the_version_read_and_weekly_hours_raise_an_event(clinic):
    setup = clinic.scheduling.setup
    with pytest.raises(PreconditionFailed):
        setup.update_practitioner(COORDINATOR, clinic.dr_a, PractitionerPatch(name="Dr Ada"), lambda: 2)
    renamed = setup.update_practitioner(COORDINATOR, clinic.dr_a, PractitionerPatch(name="Dr Ada"), lambda: 1)
    assert (renamed.name, renamed.version, len(renamed.weekly)) == ("Dr Ada", 2, 5)
    setup.set_weekly(COORDINATOR, clinic.dr_a, WeeklyIn(weekly=[{"weekday": 0, "start": "08:00", "end": "12:00"}]),
                     lambda: 2)
    assert clinic.events()[-1] == "scheduling.availability.changed"
    with pytest.raises(NotFound):
        setup.practitioner(DESK, "nobody")


def test_a_holiday_closes_the_day_for_booking_and_is_listed_with_the_availability(clinic):
    setup = clinic.scheduling.setup
    holiday = setup.add_exception(DESK, ExceptionIn(date=WEDNESDAY, kind="holiday"))
    with pytest.raises(Invalid) as closed:
        clinic.book()
    assert closed.value.code == "outside_hours"
    availability = setup.availability(DESK, clinic.dr_a, WEDNESDAY, WEDNESDAY)
    assert [e.id for e in availability.exceptions] == [holiday.id]
    setup.delete_exception(DESK, holiday.id)
    assert clinic.book().status == "booked"
    with pytest.raises(NotFound):
        setup.delete_exception(DESK, holiday.id)


def test_a_search_range_longer_than_62_days_is_refused(clinic):
    with pytest.raises(Invalid):
        clinic.scheduling.slots.search(DESK, clinic.visit, WEDNESDAY, WEDNESDAY + timedelta(days=70))


def test_slot_search_hides_the_patients_own_booked_times(clinic):
    clinic.book(patient_id="pat-1", practitioner=clinic.dr_a)

    def starts(patient_id: str) -> set[str]:
        found = clinic.scheduling.slots.search(DESK, clinic.visit, WEDNESDAY, WEDNESDAY, practitioner_id=clinic.dr_b,
                                               order="earliest", limit=200, patient_id=patient_id)
        return {s.start for s in found.slots}

    assert "2026-03-04T15:00:00.000Z" not in starts(patient_id="pat-1")
    assert "2026-03-04T15:00:00.000Z" in starts(patient_id="pat-2")


def test_the_day_report_counts_open_booked_idle_and_waits(clinic):
    first = clinic.book()  # 10:00-10:30 + 15 buffer
    clinic.book(patient_id="pat-2", start=WEDNESDAY_TEN + timedelta(hours=2))  # 12:00
    clinic.cancel(clinic.book(patient_id="pat-3", start=WEDNESDAY_TEN + timedelta(hours=4)))
    clinic.clock.at = WEDNESDAY_TEN - timedelta(minutes=5)
    booking = clinic.scheduling.booking
    arrived = booking.change_status(DESK, first.id, "arrived", lambda: 1)
    clinic.clock.advance(timedelta(minutes=17))
    booking.change_status(DESK, first.id, "in_room", lambda: arrived.version)
    report = clinic.scheduling.reports.day_report(DESK, WEDNESDAY)
    row = {r.practitioner_id: r for r in report.practitioners}[clinic.dr_a]
    assert (row.open_minutes, row.booked_minutes, row.idle_minutes, row.gap_minutes) == (480, 90, 390, 75)
    assert (row.appointments, row.waits, row.mean_wait_minutes) == (2, 1, 17.0)
    assert clinic.actions()[-1] == "scheduling.report.day"
