"""CommunicationConsents over records' patient records (`DynamoPatientRecords`).

Like notifications' own reads of contact and consent, these are not entered in the audit trail one by one: the
check reads only consents (no clinical data), for the patients the delivery log already names, and its findings
are the record of what it looked at."""

from functions.compliance.ports.sources import ConsentSpan
from functions.core.table import Table
from functions.records.dynamo import DynamoPatientRecords


class RecordsConsents:
    def __init__(self, table: Table) -> None:
        self.records = DynamoPatientRecords(table, audit=None)  # reads only: the audit store is never used

    def consents(self, practice_id: str, patient_id: str) -> list[ConsentSpan]:
        """Query the patient's partition (records' adapter, consistent): the communication consents, any
        status. A patient not on file (or deleted) has none."""
        record = self.records.record(practice_id, patient_id)
        if record is None:
            return []
        return [ConsentSpan(channels=frozenset(c.channels), granted_at=c.granted_at, revoked_at=c.revoked_at)
                for c in record.consents if c.kind == "communication"]
