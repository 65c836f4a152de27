"""`RecordsPatientContacts`: the patient being invited, read through the records area's own adapter."""

from functions.accounts.models import PatientContact
from functions.records.dynamo import DynamoPatientRecords


class RecordsPatientContacts:
    def __init__(self, records: DynamoPatientRecords) -> None:
        self.records = records

    def patient(self, practice_id: str, patient_id: str) -> PatientContact | None:
        """Query pk=PRACTICE#p#PATIENT#id (consistent), through records: the profile; None once soft-deleted."""
        record = self.records.record(practice_id, patient_id)
        if record is None or record.deleted_at is not None:
            return None
        return PatientContact(id=record.id, email=record.email, given_name=record.given_name,
                              family_name=record.family_name)
