"""RecipientDirectory: what notifications reads of the records area and the staff records, on the fake
(contacts a test sets) and on RecordsDirectory over moto (patients made through the records use cases).
Each side arranges the same people its own way; the answers must match."""

from dataclasses import dataclass
from typing import Any

import pytest

from functions.notifications.models.messages import Recipient
from functions.notifications.models.staff import StaffMember
from functions.notifications.rules import Contact
from tests.fakes.notifications import FakeDirectory

PRACTICE = "practice-n"
PHONE = "+14155550123"


@dataclass
class People:
    directory: Any
    ada: str  # a patient with email, phone, a communication consent for email and SMS
    shared: str  # her family member her data-sharing consent names
    unnamed: str  # one it does not
    staff: Any  # put(practice_id, StaffMember)


def _fake() -> People:
    directory = FakeDirectory()
    ada, byron, anne = "01JADA0000000000000000000A", "01JBYRON00000000000000000B", "01JANNE000000000000000000C"
    directory.add(PRACTICE, Recipient(kind="patient", patient_id=ada),
                  Contact(found=True, email="ada@example.org", phone=PHONE, time_zone="America/New_York",
                          consented_channels=frozenset({"email", "sms"})))
    for member, shared in ((byron, True), (anne, False)):
        directory.add(PRACTICE, Recipient(kind="family", patient_id=ada, member_id=member),
                      Contact(found=True, email=f"{member}@example.org", time_zone="America/New_York",
                              shared_with=shared))
    directory.family[(PRACTICE, ada)] = [byron]
    return People(directory, ada, byron, anne, directory.staff)


def _on_moto() -> People:
    from functions.core.table import Table
    from functions.notifications.directory import RecordsDirectory
    from functions.notifications.dynamo.people import DynamoStaffDirectory
    from tests.integration.notifications_support import patient, share_with

    family = [{"given_name": name, "family_name": "Lovelace", "relationship": "parent",
               "email": f"{name.lower()}@example.org"} for name in ("Byron", "Anne")]
    ada = patient(channels=["email", "sms"], family=family)
    byron, anne = ada.family
    share_with(ada.id, [byron.id])
    return People(RecordsDirectory(Table()), ada.id, byron.id, anne.id, DynamoStaffDirectory(Table()))


@pytest.fixture(params=["fake", "records on moto"])
def people(request) -> People:
    if request.param == "fake":
        return _fake()
    request.getfixturevalue("cloud")
    return _on_moto()


def test_a_patients_contact_points_zone_and_consented_channels(people):
    contact = people.directory.contact(PRACTICE, Recipient(kind="patient", patient_id=people.ada))
    assert (contact.found, contact.email, contact.phone) == (True, "ada@example.org", PHONE)
    assert contact.time_zone == "America/New_York" and contact.consented_channels == {"email", "sms"}


def test_a_family_member_is_shared_with_only_when_the_consent_names_them(people):
    def member(member_id: str) -> Contact:
        return people.directory.contact(PRACTICE, Recipient(kind="family", patient_id=people.ada, member_id=member_id))

    assert member(people.shared).found and member(people.shared).shared_with
    assert member(people.unnamed).found and not member(people.unnamed).shared_with
    assert people.directory.consented_family(PRACTICE, people.ada) == [people.shared]


def test_someone_the_records_do_not_know_is_not_found(people):
    nobody = Recipient(kind="patient", patient_id="01JNOBODY00000000000000000")
    assert not people.directory.contact(PRACTICE, nobody).found
    assert not people.directory.contact(PRACTICE, Recipient(kind="staff", user_id="nobody")).found
    assert people.directory.consented_family(PRACTICE, "01JNOBODY00000000000000000") == []


def test_the_patients_with_a_number_are_found_by_it(people):
    assert people.directory.patients_with_phone(PRACTICE, PHONE) == [people.ada]
    assert people.directory.patients_with_phone(PRACTICE, "+14155550199") == []


def test_a_member_of_staff_is_reached_while_active(people):
    people.staff.put(PRACTICE, StaffMember(user_id="nurse-1", email="nurse@clinic.example"))
    people.staff.put(PRACTICE, StaffMember(user_id="gone-1", email="gone@clinic.example", active=False))
    nurse = people.directory.contact(PRACTICE, Recipient(kind="staff", user_id="nurse-1"))
    assert (nurse.found, nurse.email) == (True, "nurse@clinic.example")
    assert not people.directory.contact(PRACTICE, Recipient(kind="staff", user_id="gone-1")).found
