"""The in-app inbox: a person's own messages, newest first, and marking one read."""

from collections.abc import Callable
from datetime import datetime

from functions.core import clock, pagination
from functions.core.auth import Caller
from functions.core.errors import NotFound
from functions.core.service import AreaService, AuditTrail
from functions.notifications.models.messages import InboxPage, digest, patient_of
from functions.notifications.ports import Inbox, MessageLog
from functions.notifications.preferences import own_person


class InboxReading(AreaService):
    def __init__(self, inbox: Inbox, messages: MessageLog, audit: AuditTrail, page_key: Callable[[], bytes],
                 now: Callable[[], datetime] = clock.now) -> None:
        self.inbox = inbox
        self.messages = messages
        self.audit = audit
        self.page_key = page_key
        self.now = now

    def list(self, caller: Caller, limit: int, page_token: str | None) -> InboxPage:
        person = own_person(caller)
        query = f"notifications.inbox.{digest(person)}"
        start = pagination.decode(page_token, practice_id=caller.practice_id, query=query, key=self.page_key)
        listing = self.inbox.inbox(caller.practice_id, person, limit, start)
        token = pagination.encode(listing.next_start, practice_id=caller.practice_id, query=query,
                                  key=self.page_key())
        if (subject := patient_of(person)) is not None:
            self._audit_read(caller, "inbox.read", "PATIENT", subject, subject)
        return InboxPage(items=listing.items, next_page_token=token)

    def mark_read(self, caller: Caller, message_id: str) -> None:
        person = own_person(caller)
        stored = self.messages.message(caller.practice_id, message_id)
        if stored is None or stored.message.recipient.key != person:
            raise NotFound("no such message in your inbox", code="inbox_item_not_found",
                           subject_patient_id=stored.message.recipient.patient_id if stored else None)
        self.inbox.mark_read(caller.practice_id, person, stored.message.requested_at, message_id, self._at())
