"""Sending: a request becomes one message per recipient, made once per (practice, idempotency key,
recipient), and handed to delivery. From another area's event, or from a person through the API: to a
patient, a family member the patient's consent names or a member of staff, at the address the practice
keeps (never one in the request, so the API is no mail relay), within the sender's daily allowance."""

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from functions.core import authz, clock
from functions.core.audit import draft
from functions.core.auth import Caller
from functions.core.errors import Forbidden, Invalid, NotFound, TooManyRequests
from functions.core.events import DomainEvent
from functions.core.ids import new_id
from functions.core.observability import logger
from functions.notifications import rules
from functions.notifications.delivery import Delivery, count
from functions.notifications.models.messages import (
    Accepted,
    AlreadyRequested,
    CareInstructionsIn,
    MessageIn,
    NotificationRequest,
    Outcome,
    Recipient,
    Source,
    digest,
    new_message,
)
from functions.notifications.ports import MessageLog, NewMessage, RecipientDirectory
from functions.notifications.request import REQUESTED
from functions.notifications.rules import Allowance
from functions.notifications.template_library import TemplateLibrary


class Sending:
    def __init__(self, messages: MessageLog, directory: RecipientDirectory, templates: TemplateLibrary,
                 delivery: Delivery, now: Callable[[], datetime] = clock.now, make_id: Callable[[], str] = new_id,
                 daily_messages: Mapping[str, int] = rules.DAILY_MESSAGES) -> None:
        self.messages = messages
        self.directory = directory
        self.templates = templates
        self.delivery = delivery
        self.now = now
        self.make_id = make_id
        self.daily_messages = daily_messages

    def accept(self, request: NotificationRequest) -> Outcome:
        """A request from an event or a workflow: the message is made (once), then delivered."""
        at = clock.iso(self.now())
        message = new_message(request, at)
        if not self.messages.create(NewMessage(message, dict(request.data), request.fingerprint())):
            stored = self.messages.message(request.practice_id, message.id)
            if stored is not None and stored.fingerprint != request.fingerprint():
                logger.error("idempotency key reused for a different notification",
                             extra={"practice_id": request.practice_id, "message_id": message.id})
                count("NotificationKeyReused")
                return Outcome(message_id=message.id, status=stored.message.status, reason="idempotency_key_reused")
        return self.delivery.deliver(request.practice_id, message.id)

    def send(self, caller: Caller, body: MessageIn, idempotency_key: str | None) -> Accepted:
        """A message a person writes: to a patient, a family member the patient's consent names, a member
        of staff or a contact (a supplier), each reached at the address the practice keeps for them; within
        the sender's daily allowance."""
        authz.authorize(caller, "notifications.message.send")
        refusal = rules.template_refusal(body.template)
        if refusal:
            raise Forbidden(refusal, code="template_not_allowed")
        contact = self.directory.contact(caller.practice_id, body.recipient)
        if not contact.found:
            raise NotFound("no such recipient", code="recipient_not_found")
        if body.recipient.kind == "family" and not contact.shared_with:
            raise Forbidden("the patient's data-sharing consent does not name this family member",
                            code="no_family_consent")
        key = idempotency_key or self.make_id()
        # derived from the key, not drawn: a retry must be the same request, or it reads as the key reused
        source = body.source or Source(area="notifications", entity="message", entity_id=digest(key))
        request = self._request(caller, body.recipient, body.template, dict(body.data), source, key)
        self.templates.find(caller.practice_id, body.template, "en")  # an unknown template is the caller's 404 now
        return self._request_stored(caller, [request], "notification.send", body.recipient.patient_id)

    def send_care_instructions(self, caller: Caller, body: CareInstructionsIn,
                               idempotency_key: str | None) -> Accepted:
        """After-visit instructions to the patient, and to the family members the patient's data-sharing
        consent names (asked for here, checked again when each message goes)."""
        authz.authorize(caller, "notifications.care_instructions.send", authz.patient(body.patient_id))
        patient = Recipient(kind="patient", patient_id=body.patient_id)
        if not self.directory.contact(caller.practice_id, patient).found:
            raise NotFound("no such patient", code="patient_not_found")
        recipients = [patient]
        if body.include_family:
            recipients += [Recipient(kind="family", patient_id=body.patient_id, member_id=member_id)
                           for member_id in self.directory.consented_family(caller.practice_id, body.patient_id)]
        key = idempotency_key or self.make_id()
        # derived from the key, not drawn, as for any message: a retry is the same request
        source = (Source(area="scheduling", entity="appointment", entity_id=body.appointment_id)
                  if body.appointment_id else
                  Source(area="notifications", entity="care_instructions", entity_id=digest(key)))
        requests = [self._request(caller, r, "care.instructions", {"instructions": body.instructions}, source, key)
                    for r in recipients]
        return self._request_stored(caller, requests, "care_instructions.send", body.patient_id)

    def _request(self, caller: Caller, recipient: Recipient, template: str, data: dict[str, Any], source: Source,
                 idempotency_key: str | None) -> NotificationRequest:
        return NotificationRequest(practice_id=caller.practice_id, recipient=recipient, template=template, data=data,
                                   source=source, idempotency_key=idempotency_key or self.make_id())

    def _request_stored(self, caller: Caller, requests: list[NotificationRequest], action: str,
                        subject_patient_id: str | None) -> Accepted:
        """The messages (with their data) in the table, the audit entry and one event naming them, in one
        transaction: the event carries ids only, so no health detail travels on the bus."""
        now = self.now()
        at = clock.iso(now)
        allowance = self._allowance(caller, len(requests), now)
        messages = [NewMessage(new_message(r, at), dict(r.data), r.fingerprint()) for r in requests]
        ids = [new.message.id for new in messages]
        event = DomainEvent(type=REQUESTED, practice_id=caller.practice_id, entity_id=ids[0],
                            data={"stored": ids}, occurred_at=at)
        audit = draft(caller, action, "NOTIFICATION", ids[0], at, subject_patient_id=subject_patient_id)
        try:
            self.messages.request(messages, audit, event, allowance)
        except AlreadyRequested:
            first = self.messages.message(caller.practice_id, ids[0])
            if first is None or first.fingerprint != requests[0].fingerprint():
                raise Invalid("this Idempotency-Key was used for a different request",
                              code="idempotency_key_reused") from None
            kept = [(r, new.message) for r, new in zip(requests, messages, strict=True)
                    if self.messages.message(caller.practice_id, new.message.id) is not None]
            return Accepted(message_ids=[m.id for _, m in kept], recipients=[r.recipient.ref for r, _ in kept])
        logger.info("notifications requested", extra={"practice_id": caller.practice_id, "messages": ids})
        return Accepted(message_ids=ids, recipients=[r.recipient.ref for r in requests])

    def _allowance(self, caller: Caller, messages: int, now: datetime) -> Allowance:
        limit = rules.daily_allowance(caller.roles, self.daily_messages)
        day = now.astimezone(UTC).date().isoformat()
        if messages > limit:
            count("NotificationsOverAllowance")
            raise TooManyRequests(f"your role may send {limit} messages in a day; this request has {messages}",
                                  {"limit": limit, "day": day}, code="daily_message_limit")
        return Allowance(user_id=caller.user_id, day=day, limit=limit, count=messages)

