"""The Notices adapter: a work notice to a staff member is a `notification.requested` event (the notifications
area's in-app inbox and email), written through the outbox with the change it belongs to."""

from functions.core.events import DomainEvent
from functions.notifications.request import notification_requested


class OutboxNotices:
    def to_staff(self, practice_id: str, user_id: str, title: str, details: str, key: str) -> DomainEvent:
        """`key` names the notice (the same key is one message however often it is asked for)."""
        return notification_requested(
            practice_id=practice_id, recipient={"kind": "staff", "user_id": user_id}, template="work.notice",
            source={"area": "staff", "entity": "leave_request", "entity_id": key.split(":")[0]},
            idempotency_key=f"staff-{key}"[:128].replace(":", "-"), data={"title": title, "details": details})
