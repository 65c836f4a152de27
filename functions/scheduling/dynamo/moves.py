"""Move offers in the table: one item per appointment under the reason's key, so a reason's worklist is one
Query."""

from collections.abc import Sequence

from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.errors import stale
from functions.core.events import DomainEvent
from functions.core.keys import collection_pk
from functions.core.table import Put, Table
from functions.scheduling.dynamo.keys import attributes
from functions.scheduling.models.moves import AppointmentMove


def _pk(practice_id: str, reason: str) -> str:
    return collection_pk(practice_id, "MOVES", reason)


class DynamoMoveBook:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table = table
        self.audit = audit

    def move(self, practice_id: str, reason: str, appointment_id: str) -> AppointmentMove | None:
        """GetItem pk=PRACTICE#p#MOVES#reason sk=MOVE#appointment (consistent)."""
        item = self.table.get(_pk(practice_id, reason), f"MOVE#{appointment_id}", consistent=True)
        return AppointmentMove.model_validate(item) if item else None

    def of_reason(self, practice_id: str, reason: str) -> list[AppointmentMove]:
        """Query pk=PRACTICE#p#MOVES#reason (consistent, all pages): by appointment id."""
        return [AppointmentMove.model_validate(item)
                for item in self.table.query_all(_pk(practice_id, reason), consistent=True)]

    def save(self, practice_id: str, move: AppointmentMove, expected_version: int | None, audit: AuditDraft,
             events: Sequence[DomainEvent] = ()) -> None:
        """Put MOVE#appointment new (attribute_not_exists) or replacing `expected_version`, with its audit entry
        and events."""
        item = {"pk": _pk(practice_id, move.reason), "sk": f"MOVE#{move.appointment_id}", "kind": "APPOINTMENT_MOVE",
                **attributes(move)}
        changed = stale("appointment move")
        if expected_version is None:
            put = Put(item, "attribute_not_exists(pk)", on_conflict=changed)
        else:
            put = Put(item, "#version = :expected", names={"#version": "version"},
                      values={":expected": expected_version}, on_conflict=changed)
        self.audit.commit(audit, writes=[put], events=events)
