"""What every area's service does the same way: read its injected clock, stamp the audit drafts and domain
events its changes carry, and leave an audit entry for each read of a patient's data."""

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from functions.core import clock
from functions.core.audit import AuditDraft, draft
from functions.core.auth import Caller
from functions.core.events import DomainEvent


class AuditTrail(Protocol):
    def record(self, entry: AuditDraft) -> Any: ...


class AreaService:
    now: Callable[[], datetime]
    audit: AuditTrail  # where audited reads are recorded (a change carries its entry in its own transaction)

    def _at(self) -> str:
        return clock.iso(self.now())

    def _draft(self, caller: Caller, action: str, entity: str, entity_id: str, subject: str | None = None,
               at: str | None = None) -> AuditDraft:
        """An audit entry for `caller` doing `action`; `subject` is the patient whose data it touched."""
        return draft(caller, action, entity, entity_id, at or self._at(), subject_patient_id=subject)

    def _audit_read(self, caller: Caller, action: str, entity: str, entity_id: str, subject: str | None) -> None:
        """A read of health data: the entry alone, one TransactWriteItems. `subject` is the patient it showed,
        None when it showed many (a report or a list across patients)."""
        self.audit.record(self._draft(caller, action, entity, entity_id, subject))

    def _event(self, event_type: str, caller: Caller, entity_id: str, **data: Any) -> DomainEvent:
        """A domain event for the outbox: ids and codes in `data`, never health details."""
        return DomainEvent(type=event_type, practice_id=caller.practice_id, entity_id=entity_id, data=data,
                           occurred_at=self._at())
