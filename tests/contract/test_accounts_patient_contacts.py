"""PatientContacts: the fake and the records adapter (records' own DynamoDB adapter on moto) tell accounts the
same about a patient: on file in this practice, with their email; a soft-deleted one or another practice's is
not there."""

from dataclasses import dataclass
from typing import Any

import pytest

from functions.accounts.models import PatientContact
from tests.contract.records_world import AT, OTHER, PRACTICE, audit, patient


@dataclass
class Contacts:
    port: Any
    on_file: Any  # (practice, **fields) -> the patient's id
    delete: Any  # (practice, patient id) -> None, as records' soft delete


@pytest.fixture(params=["fake", "records"])
def contacts(request) -> Contacts:
    if request.param == "fake":
        from tests.fakes.accounts import FakePatientContacts

        fake = FakePatientContacts()

        def add(practice: str, **fields) -> str:
            made = patient(**fields)
            fake.add(practice, PatientContact(id=made.id, email=made.email, given_name=made.given_name,
                                              family_name=made.family_name))
            return made.id

        return Contacts(fake, add, fake.delete)
    request.getfixturevalue("cloud")
    from functions.accounts.records_patients import RecordsPatientContacts
    from functions.core.audit_store import AuditStore
    from functions.core.table import Table
    from functions.records.dynamo import DynamoPatientRecords

    records = DynamoPatientRecords(Table(), AuditStore(Table()))

    def register(practice: str, **fields) -> str:
        made = patient(**fields)
        records.register(practice, made, audit("patient.create", made.id, practice), [])
        return made.id

    def delete(practice: str, patient_id: str) -> None:
        records.soft_delete(practice, patient_id, AT, audit("patient.delete", patient_id, practice), [])

    return Contacts(RecordsPatientContacts(records), register, delete)


def test_a_patient_on_file_is_told_with_their_email_and_name(contacts):
    ada = contacts.on_file(PRACTICE)
    assert contacts.port.patient(PRACTICE, ada) == PatientContact(id=ada, email="ada@example.org", given_name="Ada",
                                                                  family_name="Lovelace")


def test_a_patient_without_an_email_is_told_without_one(contacts):
    nils = contacts.on_file(PRACTICE, email=None, given_name="Nils")
    assert contacts.port.patient(PRACTICE, nils).email is None


def test_another_practices_patient_or_a_soft_deleted_one_is_none(contacts):
    ada = contacts.on_file(OTHER)
    assert contacts.port.patient(PRACTICE, ada) is None
    gone = contacts.on_file(PRACTICE)
    contacts.delete(PRACTICE, gone)
    assert contacts.port.patient(PRACTICE, gone) is None
