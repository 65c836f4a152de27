"""How any area asks for a message: build the `notification.requested` event here and write it through
the outbox with the change it belongs to (AuditStore.commit(..., events=[...])); the notifications worker
takes it from the bus.

The event's data crosses EventBridge: give templates ids, times and names of places, not clinical text.
Anything with health details goes through POST /messages (or /messages/care-instructions), which keeps the
text in the table and puts only message ids on the bus."""

from collections.abc import Mapping

from functions.core.events import DomainEvent
from functions.notifications.models.messages import NotificationRequest, Recipient, Source, Variable

REQUESTED = "notification.requested"
WORK_NOTICE = "work.notice"


def notification_requested(*, practice_id: str, recipient: Recipient | Mapping, template: str,
                           source: Source | Mapping, idempotency_key: str,
                           data: Mapping[str, Variable] | None = None) -> DomainEvent:
    """E.g. a reminder: recipient=Recipient(kind="patient", patient_id=p), template="appointment.reminder",
    source=Source(area="scheduling", entity="appointment", entity_id=a), idempotency_key=f"reminder-{a}-24h".
    The same key and recipient is one message, however often the event arrives."""
    request = NotificationRequest(practice_id=practice_id, recipient=recipient, template=template,
                                  data=dict(data or {}), source=source, idempotency_key=idempotency_key)
    return DomainEvent(type=REQUESTED, practice_id=practice_id, entity_id=request.message_id,
                       data={"request": request.model_dump(mode="json", exclude={"practice_id"})})


def work_notice(*, practice_id: str, user_id: str, title: str, details: str, source: Source | Mapping,
                idempotency_key: str) -> DomainEvent:
    """A work notice to a member of staff (their inbox, and email unless they opted out): a leave to decide, an
    order to approve, supplies expiring. The same key is one notice however often it is asked for."""
    return notification_requested(practice_id=practice_id, recipient={"kind": "staff", "user_id": user_id},
                                  template=WORK_NOTICE, source=source, idempotency_key=idempotency_key,
                                  data={"title": title, "details": details})
