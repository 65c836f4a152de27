"""Staff members: the coordinator keeps the list; each member reads their own (found from the token's
`sub`), and a manager reads their reports'."""

from collections.abc import Callable
from datetime import datetime

from functions.core import authz
from functions.core.auth import Caller
from functions.core.errors import Conflict, Invalid, NotFound, stale
from functions.core.idempotency import run_once
from functions.core.service import AreaService, AuditTrail
from functions.core.types import ExpectedVersion
from functions.staff.models.members import StaffList, StaffMember, StaffMemberIn, StaffMemberPatch
from functions.staff.ports import StaffRecords, StaffSettings

ENTITY = "STAFF_MEMBER"
CLEARABLE = frozenset({"email", "manager_id", "practitioner_id"})  # the rest a member always has


def fte(contracted_hours: float, full_time_hours: float) -> float:
    return round(contracted_hours / full_time_hours, 4)


class StaffMembers(AreaService):
    def __init__(self, records: StaffRecords, settings: StaffSettings, audit: AuditTrail,
                 now: Callable[[], datetime]) -> None:
        self.records, self.settings, self.audit, self.now = records, settings, audit, now

    def add(self, caller: Caller, body: StaffMemberIn, key: str | None = None) -> StaffMember:
        authz.authorize(caller, "staff.member.create")

        def work(request):
            if self.records.member(caller.practice_id, body.user_id) is not None:
                raise Conflict("a staff member with this user id exists", code="staff_member_exists")
            self._check_manager(caller.practice_id, body.manager_id, body.user_id)
            at = self._at()
            policy = self.settings.policy(caller.practice_id)
            member = StaffMember(practice_id=caller.practice_id, **body.model_dump(),
                                 fte=fte(body.contracted_hours, policy.full_time_hours),
                                 version=1, created_at=at, updated_at=at)
            self.records.add(member, self._draft(caller, "staff_member.create", ENTITY, member.user_id, at=at),
                             request.answered(member) if request else None)
            return member

        return run_once(self.records, caller.practice_id, key, "staff.member.create", body, work,
                        StaffMember.model_validate)

    def read(self, caller: Caller, user_id: str) -> StaffMember:
        member = self.records.member(caller.practice_id, user_id)
        if member is not None and member.manager_id == caller.user_id:
            authz.authorize(caller, "staff.report.read")
        else:
            authz.authorize(caller, "staff.member.read", authz.staff_member(user_id))
        if member is None:
            raise NotFound("no such staff member")
        return member

    def me(self, caller: Caller) -> StaffMember:
        """The caller's own record, found from their sign-in identity."""
        return self.read(caller, caller.user_id)

    def everyone(self, caller: Caller) -> StaffList:
        authz.authorize(caller, "staff.member.list")
        return StaffList(members=self.records.members(caller.practice_id))

    def update(self, caller: Caller, user_id: str, patch: StaffMemberPatch, expected: ExpectedVersion) -> StaffMember:
        authz.authorize(caller, "staff.member.update", authz.staff_member(user_id))
        version = expected()
        member = self.records.member(caller.practice_id, user_id)
        if member is None:
            raise NotFound("no such staff member")
        if member.version != version:
            raise stale("staff member")
        changes = patch.model_dump(exclude_unset=True)
        if cleared := sorted(k for k, v in changes.items() if v is None and k not in CLEARABLE):
            raise Invalid(f"{', '.join(cleared)} cannot be cleared", {"fields": cleared}, code="required_field")
        if "manager_id" in changes:
            self._check_manager(caller.practice_id, changes["manager_id"], user_id)
        at = self._at()
        updated = member.model_copy(update={**changes, "version": member.version + 1, "updated_at": at})
        updated = StaffMember.model_validate(updated.model_dump())
        if "contracted_hours" in changes:
            policy = self.settings.policy(caller.practice_id)
            updated = updated.model_copy(update={"fte": fte(updated.contracted_hours, policy.full_time_hours)})
        self.records.replace(updated, self._draft(caller, "staff_member.update", ENTITY, user_id, at=at))
        return updated

    def _check_manager(self, practice_id: str, manager_id: str | None, user_id: str) -> None:
        """A manager is a staff member on file, and no one manages themself, directly or through a chain."""
        seen = {user_id}
        while manager_id is not None:
            if manager_id in seen:
                raise Conflict("that manager would make a reporting loop", code="manager_loop")
            seen.add(manager_id)
            manager = self.records.member(practice_id, manager_id)
            if manager is None:
                raise Conflict("the manager is not a staff member of the practice", code="unknown_manager")
            manager_id = manager.manager_id
