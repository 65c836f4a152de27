"""The Notices adapter: a work notice to a staff member is a `notification.requested` event (the notifications
area's in-app inbox and email), written through the outbox with the change it belongs to."""

from functions.core.events import DomainEvent
from functions.notifications.request import work_notice


class OutboxNotices:
    def to_staff(self, practice_id: str, user_id: str, title: str, details: str, key: str) -> DomainEvent:
        """`key` names the notice (the same key is one message however often it is asked for)."""
        return work_notice(practice_id=practice_id, user_id=user_id, title=title, details=details,
                           source={"area": "staff", "entity": "leave_request", "entity_id": key.split(":")[0]},
                           idempotency_key=f"staff-{key}"[:128].replace(":", "-"))
