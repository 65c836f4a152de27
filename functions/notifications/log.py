"""The delivery log: the messages to one person or about one thing (an appointment, a visit), and one
message's log per channel. Ids, codes and times only: never a body, an address or a name."""

from collections.abc import Callable
from datetime import datetime

from functions.core import authz, clock, pagination
from functions.core.auth import Caller
from functions.core.errors import Forbidden, Invalid, NotFound
from functions.core.service import AreaService, AuditTrail
from functions.notifications.models.messages import Message, MessagePage, Recipient, Source, digest
from functions.notifications.ports import MessageLog

READ = "notifications.message.read"


def _whose(recipient: Recipient) -> authz.Subject:
    """A patient reaches the messages to themself; a family member's are not the patient's to read."""
    return authz.patient(recipient.patient_id) if recipient.kind == "patient" else authz.NOBODY


class DeliveryLog(AreaService):
    def __init__(self, messages: MessageLog, audit: AuditTrail, page_key: Callable[[], bytes],
                 now: Callable[[], datetime] = clock.now) -> None:
        self.messages = messages
        self.audit = audit
        self.page_key = page_key
        self.now = now

    def list(self, caller: Caller, recipient: str | None, source: str | None, limit: int,
             page_token: str | None) -> MessagePage:
        if (recipient is None) == (source is None):
            raise Invalid("list by one of: recipient, source", code="invalid_query")
        try:
            person = Recipient.parse_ref(recipient) if recipient is not None else None
            origin = Source.parse_ref(source or "") if person is None else None
        except ValueError as error:
            raise Invalid(str(error).splitlines()[0], code="invalid_query") from None
        subject = _whose(person) if person is not None else authz.NOBODY
        if caller.is_patient and not authz.may(caller, READ, subject):
            raise Forbidden("you may only see messages to yourself",
                            subject_patient_id=person.patient_id if person is not None else None)
        authz.authorize(caller, READ, subject)
        query = (f"notifications.to.{digest(person.key)}" if person is not None
                 else f"notifications.source.{digest(origin.key)}")
        start = pagination.decode(page_token, practice_id=caller.practice_id, query=query, key=self.page_key)
        if person is not None:
            listing = self.messages.to_recipient(caller.practice_id, person.key, limit, start)
            self._audit_read(caller, "message.list", "RECIPIENT", person.ref, person.patient_id)
        else:  # messages about one appointment or visit: maybe several people's, so no one subject
            listing = self.messages.about(caller.practice_id, origin, limit, start)
            self._audit_read(caller, "message.list", "SOURCE", str(source), None)
        token = pagination.encode(listing.next_start, practice_id=caller.practice_id, query=query,
                                  key=self.page_key())
        return MessagePage(messages=listing.items, next_page_token=token)

    def read(self, caller: Caller, message_id: str) -> Message:
        stored = self.messages.message(caller.practice_id, message_id)
        if stored is None:
            raise NotFound("no such message", code="message_not_found")
        message = stored.message
        subject = _whose(message.recipient)
        if caller.is_patient and not authz.may(caller, READ, subject):
            # another's message is not there, as far as a patient can tell
            raise NotFound("no such message", code="message_not_found",
                           subject_patient_id=message.recipient.patient_id)
        authz.authorize(caller, READ, subject)
        self._audit_read(caller, "message.read", "MESSAGE", message.id, message.recipient.patient_id)
        return message
