"""Adapters for who approves orders and how they hear of them: the practice's coordinators from the staff
area's records, and a work notice to each as a `notification.requested` event through the outbox."""

from functions.core.events import DomainEvent
from functions.notifications.request import notification_requested
from functions.staff.dynamo.members import DynamoStaffRecords
from functions.staff.models.common import JobRole


class StaffCoordinators:
    def __init__(self, records: DynamoStaffRecords) -> None:
        self.records = records

    def coordinators(self, practice_id: str) -> list[str]:
        """The staff area's members (gsi1 STAFF_MEMBERS, every page), kept to the active coordinators."""
        return [m.user_id for m in self.records.members(practice_id) if m.role == JobRole.COORDINATOR and m.active]


class OutboxOrderNotices:
    def to_staff(self, practice_id: str, user_id: str, title: str, details: str, key: str,
                 about: tuple[str, str]) -> DomainEvent:
        entity, entity_id = about
        return notification_requested(
            practice_id=practice_id, recipient={"kind": "staff", "user_id": user_id}, template="work.notice",
            source={"area": "inventory", "entity": entity, "entity_id": entity_id[:64]},
            idempotency_key=f"inventory-{key}"[:160], data={"title": title, "details": details})
