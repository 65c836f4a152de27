"""A member's training: their assignments (theirs to read, their manager's, the coordinator's and privacy
officer's), the manager's view of their team, and completion with the evidence the programme asks for. A
recurring programme's completion opens its next round, due one interval after the day it was completed."""

import calendar
from collections.abc import Callable
from datetime import date, datetime, timedelta

from functions.compliance.models.training import (
    CERTIFICATE_TYPES,
    MAX_CERTIFICATE_BYTES,
    Assignment,
    AssignmentList,
    Completion,
    CompletionIn,
    Evidence,
    EvidenceKind,
    TeamMember,
    TeamView,
    Upload,
    UploadIn,
)
from functions.compliance.ports.staff import StaffDirectory
from functions.compliance.ports.training import AssignmentBook, EvidenceStore
from functions.core import authz
from functions.core.auth import Caller
from functions.core.errors import Conflict, Invalid, NotFound
from functions.core.ids import new_id
from functions.core.service import AreaService, AuditTrail

READ = "compliance.assignment.read"
COMPLETE = "compliance.assignment.complete"


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it has no such day (31 Jan + 1 month: 28/29 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class TrainingRecords(AreaService):
    def __init__(self, assignments: AssignmentBook, evidence: EvidenceStore, directory: StaffDirectory,
                 audit: AuditTrail, now: Callable[[], datetime]) -> None:
        self.assignments, self.evidence, self.directory = assignments, evidence, directory
        self.audit, self.now = audit, now

    # --- reading ----------------------------------------------------------------------------------------------

    def assignment(self, caller: Caller, assignment_id: str) -> Assignment:
        assignment = self._assignment(caller, assignment_id)
        self._may_read(caller, assignment.user_id)
        return assignment

    def of_member(self, caller: Caller, user_id: str | None) -> AssignmentList:
        """A member's assignments: one's own when no one is named."""
        user_id = user_id or caller.user_id
        self._may_read(caller, user_id)
        return AssignmentList(assignments=self.assignments.of_member(caller.practice_id, user_id))

    def team(self, caller: Caller) -> TeamView:
        """The caller's direct reports and their assignments: whatever the caller's role, only their own
        reports (a coordinator reads anyone's through GET /training/assignments?user_id=)."""
        authz.authorize(caller, "compliance.team.read")
        members = [TeamMember(user_id=c.user_id, name=c.name, role=c.role,
                              assignments=self.assignments.of_member(caller.practice_id, c.user_id))
                   for c in self.directory.reports_of(caller.practice_id, caller.user_id)]
        return TeamView(manager_id=caller.user_id, members=members)

    def _may_read(self, caller: Caller, user_id: str) -> None:
        subject = authz.staff_member(user_id)
        if authz.may(caller, READ, subject) or caller.is_patient:
            authz.authorize(caller, READ, subject)
            return
        member = self.directory.colleague(caller.practice_id, user_id)
        if member is None or member.manager_id != caller.user_id:  # a manager reads their direct reports'
            authz.authorize(caller, READ, subject)

    # --- completing -------------------------------------------------------------------------------------------

    def upload(self, caller: Caller, assignment_id: str, body: UploadIn) -> Upload:
        """A presigned upload for the assignment's certificate (the assignee, or a coordinator for them)."""
        assignment = self._assignment(caller, assignment_id)
        authz.authorize(caller, COMPLETE, authz.staff_member(assignment.user_id))
        if assignment.evidence_needed != EvidenceKind.CERTIFICATE:
            raise Invalid("this programme's completion needs no certificate", code="no_certificate_needed")
        if assignment.status != "open":
            raise Conflict("the assignment is already completed", code="already_completed")
        upload_id = new_id()
        ticket = self.evidence.upload_ticket(caller.practice_id, assignment.id, upload_id, body.content_type)
        expires = self.now() + timedelta(seconds=ticket.expires_in_s)
        return Upload(upload_id=upload_id, url=ticket.url, headers=ticket.headers, expires_at=expires.isoformat(),
                      max_bytes=MAX_CERTIFICATE_BYTES)

    def complete(self, caller: Caller, assignment_id: str, body: CompletionIn) -> Completion:
        assignment = self._assignment(caller, assignment_id)
        authz.authorize(caller, COMPLETE, authz.staff_member(assignment.user_id))
        if assignment.status != "open":
            raise Conflict("the assignment is already completed", code="already_completed")
        today = self.now().date()
        completed_on = body.completed_on or today
        if completed_on > today:
            raise Invalid("completed_on is in the future", {"completed_on": completed_on.isoformat()},
                          code="completed_in_future")
        evidence = self._evidence(assignment, body)
        at = self._at()
        done = assignment.model_copy(update={
            "status": "completed", "completed_on": completed_on, "completed_at": at, "completed_by": caller.user_id,
            "evidence": evidence, "version": assignment.version + 1})
        following = next_round(done, at)
        if following is not None:
            done = done.model_copy(update={"next_assignment_id": following.id})
        self.assignments.complete(done, following, self._draft(caller, "compliance.assignment.complete",
                                                               "TRAINING_ASSIGNMENT", assignment.id, at=at))
        return Completion(assignment=done, next_assignment=following)

    def _evidence(self, assignment: Assignment, body: CompletionIn) -> Evidence:
        """The evidence the programme asks for, checked; anything it does not ask for is refused, not dropped."""
        needed = assignment.evidence_needed
        extra = [name for name, value, kind in (("score", body.score, EvidenceKind.SCORE),
                                                ("upload_id", body.upload_id, EvidenceKind.CERTIFICATE))
                 if value is not None and needed != kind]
        if extra:
            raise Invalid(f"this programme's completion takes no {', '.join(extra)}", {"fields": extra},
                          code="unexpected_evidence")
        evidence = Evidence(kind=needed, note=body.note)
        if needed == EvidenceKind.NOTE and body.note is None:
            raise Invalid("this programme's completion needs a note", code="evidence_required")
        if needed == EvidenceKind.SCORE:
            if body.score is None:
                raise Invalid("this programme's completion needs a score", code="evidence_required")
            if body.score < (assignment.pass_mark or 0):
                raise Invalid(f"the score is below the pass mark of {assignment.pass_mark}",
                              {"score": body.score, "pass_mark": assignment.pass_mark}, code="below_pass_mark")
            evidence.score = body.score
        if needed == EvidenceKind.CERTIFICATE:
            if body.upload_id is None:
                raise Invalid("this programme's completion needs a certificate: upload it first",
                              code="evidence_required")
            stored = self.evidence.stored(assignment.practice_id, assignment.id, body.upload_id)
            if stored is None:
                raise Invalid("no certificate was uploaded under this upload_id", code="certificate_missing")
            if stored.size > MAX_CERTIFICATE_BYTES or stored.size == 0:
                raise Invalid(f"the certificate must be 1 byte to {MAX_CERTIFICATE_BYTES} bytes",
                              {"bytes": stored.size}, code="certificate_size")
            if stored.content_type not in CERTIFICATE_TYPES:
                raise Invalid("the certificate must be a PDF, PNG or JPEG", code="certificate_type")
            evidence.upload_id, evidence.content_type, evidence.bytes = body.upload_id, stored.content_type, stored.size
        return evidence

    def _assignment(self, caller: Caller, assignment_id: str) -> Assignment:
        if caller.is_patient:  # a patient has no training: refused before anything is read
            authz.authorize(caller, READ, authz.staff_member(caller.user_id))
        assignment = self.assignments.assignment(caller.practice_id, assignment_id)
        if assignment is None:
            raise NotFound("no such assignment")
        return assignment


def next_round(done: Assignment, at: str) -> Assignment | None:
    """The next open assignment of a recurring programme: due one interval after the day this one was
    completed (a refresher counts from when it was done); None when the programme does not recur."""
    months = {"none": None, "annual": 12}.get(done.recurrence, done.every_months)
    if months is None or done.completed_on is None:
        return None
    return Assignment(id=new_id(), practice_id=done.practice_id, programme_id=done.programme_id,
                      programme_title=done.programme_title, user_id=done.user_id,
                      due_on=add_months(done.completed_on, months), recurrence=done.recurrence,
                      every_months=done.every_months, evidence_needed=done.evidence_needed, pass_mark=done.pass_mark,
                      assigned_at=at, assigned_by="system:recurrence", version=1)
