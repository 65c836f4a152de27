"""`RecordsPatientCoverage`: the patient's demographics and coverages, read through the records area's adapter."""

from functions.billing.models.coverage import CoverageOnFile, MailingAddress, PatientOnFile
from functions.records.dynamo import DynamoPatientRecords


class RecordsPatientCoverage:
    def __init__(self, records: DynamoPatientRecords) -> None:
        self.records = records

    def patient(self, practice_id: str, patient_id: str) -> PatientOnFile | None:
        """Query pk=PRACTICE#p#PATIENT#id (consistent, all pages), through records: the profile and coverages."""
        record = self.records.record(practice_id, patient_id)
        if record is None:
            return None
        address = record.address
        return PatientOnFile(
            id=record.id, given_name=record.given_name, family_name=record.family_name, birth_date=record.birth_date,
            gender=record.gender, deleted=record.deleted_at is not None,
            address=MailingAddress(lines=tuple(address.lines), city=address.city, state=address.state,
                                   postal_code=address.postal_code, country=address.country) if address else None,
            coverages=tuple(CoverageOnFile(
                id=c.id, rank=c.rank, payer_id=c.payer_id, member_id=c.member_id, group_number=c.group_number,
                subscriber_relationship=c.subscriber_relationship, period_start=c.period_start,
                period_end=c.period_end) for c in record.coverages))
