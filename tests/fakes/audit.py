"""The audit trail and outbox every area's fakes share: what each change and audited read left, in order."""

import threading

from functions.core.audit import AuditDraft
from functions.core.events import DomainEvent


class FakeAuditTrail:
    """`record` is an audited read (or refusal); `commit` is a change's entry with the events that rode in
    its transaction. The lock lets a fake hold a change and its entry together under a race."""

    def __init__(self) -> None:
        self.entries: list[AuditDraft] = []
        self.events: list[DomainEvent] = []
        self.lock = threading.RLock()

    def record(self, entry: AuditDraft) -> None:
        self.entries.append(entry)

    def commit(self, entry: AuditDraft, events=()) -> None:
        with self.lock:
            self.entries.append(entry)
            self.events.extend(events)

    def actions(self) -> list[str]:
        return [entry.action for entry in self.entries]

    def event_types(self) -> list[str]:
        return [event.type for event in self.events]
