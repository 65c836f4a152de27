"""The StaffDirectory port over the staff area's records (its own adapter, so its keys stay its own)."""

from collections.abc import Iterable

from functions.compliance.ports.staff import Colleague
from functions.core.audit_store import AuditStore
from functions.core.table import Table
from functions.staff.dynamo.members import DynamoStaffRecords
from functions.staff.models.members import StaffMember


def _colleague(member: StaffMember) -> Colleague:
    return Colleague(user_id=member.user_id, name=member.name, role=str(member.role), manager_id=member.manager_id,
                     practitioner_id=member.practitioner_id, active=member.active)


class StaffAreaDirectory:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.records = DynamoStaffRecords(table, audit)

    def colleague(self, practice_id: str, user_id: str) -> Colleague | None:
        """GetItem STAFF#<user>/PROFILE (the staff area's adapter)."""
        member = self.records.member(practice_id, user_id)
        return _colleague(member) if member else None

    def with_roles(self, practice_id: str, roles: Iterable[str]) -> list[Colleague]:
        """Query gsi1 STAFF_MEMBERS, every page; the active members in `roles` kept."""
        wanted = set(roles)
        return [_colleague(m) for m in self.records.members(practice_id) if m.active and str(m.role) in wanted]

    def reports_of(self, practice_id: str, manager_id: str) -> list[Colleague]:
        """Query gsi2 STAFF_REPORTS#<manager> (sparse)."""
        return [_colleague(m) for m in self.records.reports_of(practice_id, manager_id) if m.active]
