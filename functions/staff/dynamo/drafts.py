"""DynamoDB adapter of RosterDrafts."""

from collections.abc import Sequence

from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.events import DomainEvent
from functions.core.table import Table
from functions.staff.dynamo import keys
from functions.staff.models.roster import RosterDraft


class DynamoRosterDrafts:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table, self.audit = table, audit

    def draft(self, practice_id: str, draft_id: str) -> RosterDraft | None:
        """GetItem ROSTER_DRAFT#<id>/DRAFT (consistent)."""
        item = self.table.get(keys.draft_pk(practice_id, draft_id), "DRAFT", consistent=True)
        return RosterDraft.model_validate(item) if item else None

    def save(self, draft: RosterDraft, audit: AuditDraft, events: Sequence[DomainEvent] = ()) -> None:
        """TransactWriteItems: the draft on its previous version (or new), outbox events, audit."""
        item = {"pk": keys.draft_pk(draft.practice_id, draft.id), "sk": "DRAFT", "kind": "ROSTER_DRAFT",
                **draft.model_dump(mode="json", exclude_none=True)}
        self.audit.commit(audit, [keys.versioned_put(item, "roster draft")], events)
