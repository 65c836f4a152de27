"""The AudienceCheck adapter on records: one patient's audience entries, derived from their record (one Query) by
records' own rule (`records.audience.entries`, the same entries the audience index holds), matched by the one
audience rule (`outreach.audience.in_audience`), so a patient registers for exactly the workshops the promotion
would invite them to."""

from collections.abc import Callable
from datetime import datetime

from functions.outreach.audience import in_audience
from functions.outreach.models.workshops import AudienceCriteria
from functions.records.audience import entries
from functions.records.dynamo import DynamoPatientRecords


class RecordsAudience:
    def __init__(self, records: DynamoPatientRecords, now: Callable[[], datetime]) -> None:
        self.records, self.now = records, now

    def is_in_audience(self, practice_id: str, patient_id: str, criteria: AudienceCriteria) -> bool:
        """Query PATIENT#<p> (records' whole-record read): False for no such patient."""
        record = self.records.record(practice_id, patient_id)
        return record is not None and in_audience(criteria, entries(record, record.consents), self.now().date())
