"""Work notices from the compliance area to staff (a finding opened, a licence expiring, training and policy
reminders): a `notification.requested` event written through the outbox with the change it belongs to."""

import hashlib

from functions.core.events import DomainEvent
from functions.notifications.request import work_notice


class OutboxWorkNotices:
    """The WorkNotices port: builds the event; the store that saves the change writes it to the outbox."""

    def to_staff(self, practice_id: str, user_id: str, title: str, details: str, key: str,
                 about: tuple[str, str]) -> DomainEvent:
        entity, entity_id = about
        if len(key) > 140:  # a key names (thing, stage); a long user id must not push it past the limit
            key = key[:100] + hashlib.sha256(key.encode()).hexdigest()[:40]
        return work_notice(practice_id=practice_id, user_id=user_id, title=title, details=details,
                           source={"area": "compliance", "entity": entity, "entity_id": entity_id[:64]},
                           idempotency_key=f"compliance-{key}")
