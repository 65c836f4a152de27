"""Work notices from compliance to staff (a finding opened, a licence expiring), as `notification.requested`
events that ride in the change's own transaction."""

from functions.core.events import DomainEvent
from functions.notifications.request import work_notice


class OutboxWorkNotices:
    """The WorkNotices port: builds the event; the store that saves the change writes it to the outbox."""

    def to_staff(self, practice_id: str, user_id: str, title: str, details: str, key: str,
                 about: tuple[str, str]) -> DomainEvent:
        entity, entity_id = about
        return work_notice(practice_id=practice_id, user_id=user_id, title=title, details=details,
                           source={"area": "compliance", "entity": entity, "entity_id": entity_id[:64]},
                           idempotency_key=f"compliance-{key}"[:160])
