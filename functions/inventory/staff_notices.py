"""Who hears of stock and orders, and how: the practice's coordinators from the staff area's records, and a work
notice to each as a `notification.requested` event through the outbox (orders to approve, supplies expiring)."""

from functions.core.audit_store import AuditStore
from functions.core.events import DomainEvent
from functions.core.table import Table
from functions.notifications.request import work_notice


class StaffCoordinators:
    """The Coordinators port over the staff area's records."""

    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table, self.audit = table, audit

    def coordinator_ids(self, practice_id: str) -> list[str]:
        """Query gsi1 STAFF_MEMBERS (the staff area's adapter), every page; active coordinators kept."""
        from functions.staff.dynamo.members import DynamoStaffRecords

        members = DynamoStaffRecords(self.table, self.audit).members(practice_id)
        return [m.user_id for m in members if m.role == "coordinator" and m.active]


class OutboxStaffNotices:
    def to_staff(self, practice_id: str, user_id: str, title: str, details: str, key: str,
                 about: tuple[str, str]) -> DomainEvent:
        entity, entity_id = about
        return work_notice(practice_id=practice_id, user_id=user_id, title=title, details=details,
                           source={"area": "inventory", "entity": entity, "entity_id": entity_id[:64]},
                           idempotency_key=f"inventory-{key}"[:160])
