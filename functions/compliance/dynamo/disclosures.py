"""Disclosures of a patient's data in DynamoDB, kept for the accounting of disclosures (HIPAA §164.528).

Access patterns:
    record          TransactWriteItems: records' patient-on-file ConditionCheck + [Idempotency-Key claim] + Put
                    DISCLOSURE#<id> + audit entry and head
    replay          GetItem of the Idempotency-Key's record (consistent)
    one             GetItem   pk=PRACTICE#p#DISCLOSURES#<patient> sk=DISCLOSURE#<id>
    of a patient    Query     pk=PRACTICE#p#DISCLOSURES#<patient> sk BETWEEN DISCLOSURE#<ulid of the day> AND
                              DISCLOSURE#~ (newest first, every page): ids are ULIDs from the recording time
"""

from datetime import UTC, date, datetime, time

from functions.compliance.models.audit import Disclosure
from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.idempotency import IdempotencyClaim, IdempotentRequest, claim_put, stored_response
from functions.core.ids import new_id
from functions.core.keys import entity_pk
from functions.core.table import Put, Table
from functions.records.dynamo import patient_on_file

DISCLOSURES = "DISCLOSURES"


def _pk(practice_id: str, patient_id: str) -> str:
    return entity_pk(practice_id, DISCLOSURES, patient_id)


def _sk(disclosure_id: str) -> str:
    return f"DISCLOSURE#{disclosure_id}"


def first_id_of(day: date) -> str:
    """The smallest ULID of `day` (UTC): its time part, then zeros."""
    ms = int(datetime.combine(day, time(), tzinfo=UTC).timestamp() * 1000)
    return new_id(ms)[:10] + "0" * 16


class DynamoDisclosureBook:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table = table
        self.audit = audit

    def record(self, disclosure: Disclosure, audit: AuditDraft, claim: IdempotencyClaim | None = None) -> None:
        """TransactWriteItems: the patient on file (records' ConditionCheck: else NotFound), the key's claim
        (else AlreadyDone), the disclosure (attribute_not_exists), the audit entry and head."""
        practice_id = disclosure.practice_id
        item = {"pk": _pk(practice_id, disclosure.patient_id), "sk": _sk(disclosure.id), "kind": "DISCLOSURE",
                **disclosure.model_dump(mode="json")}
        writes = [patient_on_file(practice_id, disclosure.patient_id),
                  *([claim_put(practice_id, claim)] if claim else []), Put(item, "attribute_not_exists(pk)")]
        self.audit.commit(audit, writes=writes)

    def replay(self, practice_id: str, request: IdempotentRequest) -> dict | None:
        """GetItem of the key's record (consistent): the first answer, or None."""
        return stored_response(self.table, practice_id, request)

    def disclosure(self, practice_id: str, patient_id: str, disclosure_id: str) -> Disclosure | None:
        """GetItem DISCLOSURES#<patient> / DISCLOSURE#<id> (consistent)."""
        item = self.table.get(_pk(practice_id, patient_id), _sk(disclosure_id), consistent=True)
        return Disclosure.model_validate(item) if item else None

    def of_patient(self, practice_id: str, patient_id: str, recorded_since: date) -> list[Disclosure]:
        """Query DISCLOSURES#<patient>, sk BETWEEN DISCLOSURE#<first ULID of the day> AND DISCLOSURE#~, newest
        first, every page (consistent)."""
        items = self.table.query_all(_pk(practice_id, patient_id),
                                     sk_between=(_sk(first_id_of(recorded_since)), _sk("~")),
                                     forward=False, consistent=True)
        return [Disclosure.model_validate(item) for item in items]
