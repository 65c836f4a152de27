"""A booking with a practitioner whose licence has lapsed succeeds, with a warning for the staff booking it."""

from datetime import date

from functions.scheduling.ports import LicenceOnFile
from tests.unit.scheduling.support import (
    DESK,
    PRACTICE,
    clinic_fixture,  # noqa: F401 - a fixture, used by name
    patient,
)


def test_a_lapsed_licence_books_with_a_warning(clinic):
    clinic.state.licences[(PRACTICE, clinic.dr_a)] = [LicenceOnFile("RN-1", "State board", date(2026, 2, 1))]
    booked = clinic.book()
    assert booked.status == "booked" and clinic.actions()[-1] == "appointment.book"
    (warning,) = booked.warnings
    assert warning.code == "practitioner_licence_expired"
    assert warning.details == {"practitioner_id": clinic.dr_a, "licence": "RN-1", "issuing_body": "State board",
                               "expires_on": "2026-02-01"}


def test_a_licence_lapsing_before_the_visit_is_warned_of_too(clinic):
    clinic.state.licences[(PRACTICE, clinic.dr_a)] = [LicenceOnFile("RN-1", "Board", date(2026, 3, 3))]
    assert [w.code for w in clinic.book().warnings] == ["practitioner_licence_expires_before_visit"]


def test_a_current_licence_or_another_practitioners_lapse_warns_of_nothing(clinic):
    clinic.state.licences[(PRACTICE, clinic.dr_a)] = [LicenceOnFile("RN-1", "Board", date(2027, 1, 1))]
    clinic.state.licences[(PRACTICE, clinic.dr_b)] = [LicenceOnFile("RN-2", "Board", date(2026, 1, 1))]
    assert clinic.book(DESK).warnings == []


def test_a_patient_booking_for_themselves_is_not_told(clinic):
    clinic.state.licences[(PRACTICE, clinic.dr_a)] = [LicenceOnFile("RN-1", "Board", date(2026, 2, 1))]
    booked = clinic.book(patient("pat-1"))
    assert booked.status == "booked" and booked.warnings == []
