"""Training programmes and who must do them: the coordinator (or privacy officer) keeps the programmes and assigns
them to job roles or people; a role assignment becomes one assignment per active member with that role, and a
member who already has the programme open is left as they are, so assigning twice changes nothing."""

from collections.abc import Callable
from datetime import date, datetime

from functions.compliance.models.training import (
    Assignment,
    AssignmentIn,
    AssignmentList,
    AssignmentResult,
    Programme,
    ProgrammeIn,
    ProgrammeList,
    ProgrammePatch,
)
from functions.compliance.ports.staff import StaffDirectory
from functions.compliance.ports.training import AssignmentBook, ProgrammeBook
from functions.core import authz
from functions.core.auth import Caller
from functions.core.errors import Invalid, NotFound, stale
from functions.core.ids import new_id
from functions.core.service import AreaService, AuditTrail
from functions.core.types import ExpectedVersion


class Programmes(AreaService):
    def __init__(self, programmes: ProgrammeBook, assignments: AssignmentBook, directory: StaffDirectory,
                 audit: AuditTrail, now: Callable[[], datetime]) -> None:
        self.programmes, self.assignments, self.directory = programmes, assignments, directory
        self.audit, self.now = audit, now

    def create(self, caller: Caller, body: ProgrammeIn) -> Programme:
        authz.authorize(caller, "compliance.programme.create")
        at = self._at()
        programme = Programme(id=new_id(), practice_id=caller.practice_id, **body.model_dump(), version=1,
                              created_at=at, updated_at=at)
        self.programmes.save(programme, self._draft(caller, "compliance.programme.create", "TRAINING_PROGRAMME",
                                                    programme.id, at=at))
        return programme

    def read(self, caller: Caller, programme_id: str) -> Programme:
        authz.authorize(caller, "compliance.programme.read")
        return self._programme(caller.practice_id, programme_id)

    def everything(self, caller: Caller) -> ProgrammeList:
        authz.authorize(caller, "compliance.programme.read")
        return ProgrammeList(programmes=self.programmes.programmes(caller.practice_id))

    def update(self, caller: Caller, programme_id: str, patch: ProgrammePatch, expected: ExpectedVersion) -> Programme:
        authz.authorize(caller, "compliance.programme.update")
        version = expected()
        programme = self._programme(caller.practice_id, programme_id)
        if programme.version != version:
            raise stale("programme")
        changes = patch.model_dump(exclude_unset=True)
        if cleared := sorted(k for k, v in changes.items() if v is None and k != "description"):
            raise Invalid(f"{', '.join(cleared)} cannot be cleared", {"fields": cleared}, code="required_field")
        at = self._at()
        updated = Programme.model_validate({**programme.model_dump(), **changes, "version": version + 1,
                                            "updated_at": at})
        self.programmes.save(updated, self._draft(caller, "compliance.programme.update", "TRAINING_PROGRAMME",
                                                  programme_id, at=at))
        return updated

    def assign(self, caller: Caller, programme_id: str, body: AssignmentIn) -> AssignmentResult:
        """One open assignment per member named or holding a named role; members who have it open already are
        reported, not assigned again."""
        authz.authorize(caller, "compliance.assignment.create")
        programme = self._programme(caller.practice_id, programme_id)
        if not programme.active:
            raise Invalid("the programme is inactive: it takes no new assignments", code="programme_inactive")
        if body.due_on < self.now().date():
            raise Invalid("due_on is in the past", {"due_on": body.due_on.isoformat()}, code="due_in_past")
        members = {c.user_id for c in self.directory.with_roles(caller.practice_id, body.roles)}
        unknown = []
        for user_id in body.user_ids:
            colleague = self.directory.colleague(caller.practice_id, user_id)
            if colleague is None or not colleague.active:
                unknown.append(user_id)
            members.add(user_id)
        if unknown:
            raise Invalid("not an active member of staff", {"user_ids": sorted(unknown)}, code="unknown_staff")
        at = self._at()
        wanted = [first_round(programme, user_id, body.due_on, caller.user_id, at) for user_id in sorted(members)]
        written = self.assignments.assign(wanted, self._draft(caller, "compliance.assignment.create",
                                                              "TRAINING_PROGRAMME", programme.id, at=at))
        done = {a.user_id for a in written}
        return AssignmentResult(assigned=written, already_open=sorted(members - done))

    def assignments_of(self, caller: Caller, programme_id: str) -> AssignmentList:
        """Everyone's assignments of one programme: the coordinator's and privacy officer's view."""
        authz.authorize(caller, "compliance.assignment.read")
        self._programme(caller.practice_id, programme_id)
        return AssignmentList(assignments=self.assignments.of_programme(caller.practice_id, programme_id))

    def _programme(self, practice_id: str, programme_id: str) -> Programme:
        programme = self.programmes.programme(practice_id, programme_id)
        if programme is None:
            raise NotFound("no such programme")
        return programme


def first_round(programme: Programme, user_id: str, due_on: date, assigned_by: str, at: str) -> Assignment:
    """An open assignment of `programme` to `user_id`, carrying the programme's rules as they are now."""
    return Assignment(id=new_id(), practice_id=programme.practice_id, programme_id=programme.id,
                      programme_title=programme.title, user_id=user_id, due_on=due_on,
                      recurrence=programme.recurrence, every_months=programme.every_months,
                      evidence_needed=programme.evidence, pass_mark=programme.pass_mark, assigned_at=at,
                      assigned_by=assigned_by, version=1)
