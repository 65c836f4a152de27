"""Leave requests: a member submits their own (the coordinator may for anyone), the approval workflow is
started, their manager or the coordinator decides, and a member may withdraw before or after approval.
Bad input (leave ending before it starts, hours off the practice's unit, overlapping leave) changes nothing."""

from collections.abc import Callable
from datetime import date, datetime, timedelta

from functions.core import authz
from functions.core.auth import Caller, Role
from functions.core.dates import check_range
from functions.core.errors import Conflict, Invalid, NotFound, PreconditionFailed
from functions.core.idempotency import run_once
from functions.core.ids import new_id
from functions.core.service import AreaService, AuditTrail
from functions.staff.leave_effects import LeaveEffects
from functions.staff.leave_time import leave_span, overlaps
from functions.staff.models.leave import DECIDABLE, LeaveList, LeaveRequest, LeaveRequestIn
from functions.staff.models.members import StaffMember
from functions.staff.ports import LeaveBook, LeaveWorkflow, StaffRecords, StaffSettings

ENTITY = "LEAVE_REQUEST"
MAX_LIST_DAYS = 400
ANSWER_ATTEMPTS = 5


def timeouts(policy) -> dict[str, int]:
    return {"manager": policy.manager_hours * 3600, "coordinator": policy.coordinator_hours * 3600}


class LeaveRequests(AreaService):
    def __init__(self, records: StaffRecords, settings: StaffSettings, book: LeaveBook, workflow: LeaveWorkflow,
                 effects: LeaveEffects, audit: AuditTrail, now: Callable[[], datetime]) -> None:
        self.records, self.settings, self.book, self.workflow = records, settings, book, workflow
        self.effects, self.audit, self.now = effects, audit, now

    def submit(self, caller: Caller, body: LeaveRequestIn, key: str | None = None) -> LeaveRequest:
        user_id = body.user_id or caller.user_id
        authz.authorize(caller, "staff.leave.submit", authz.staff_member(user_id))
        practice = caller.practice_id

        def work(request):
            member = self.records.member(practice, user_id)
            if member is None or not member.active:
                raise Invalid("leave is for an active staff member of the practice", code="unknown_member")
            policy = self.settings.policy(practice)
            span = leave_span(body, policy, member)
            calendar = self.book.calendar(practice, user_id)
            for start, end, other in calendar.spans:
                if overlaps(span.starts_at, span.ends_at, start, end):
                    raise Conflict("the staff member already has leave then", {"leave_id": other},
                                   code="overlapping_leave")
            at = self._at()
            leave = LeaveRequest(practice_id=practice, id=new_id(), user_id=user_id, kind=body.kind, unit=body.unit,
                                 first_day=span.first_day, last_day=span.last_day, starts_at=span.starts_at,
                                 ends_at=span.ends_at, minutes=span.minutes, time_zone=policy.time_zone,
                                 note=body.note, status="pending", submitted_by=caller.user_id, submitted_at=at,
                                 version=1)
            self.book.submit(leave, calendar, self._draft(caller, "leave.submit", ENTITY, leave.id, at=at),
                             [self._event("staff.leave.submitted", caller, leave.id, user_id=user_id)],
                             request.answered(leave) if request else None)
            self.workflow.start(practice, leave.id, timeouts(policy))
            return leave

        return run_once(self.book, practice, key, "staff.leave.submit", body, work, LeaveRequest.model_validate)

    def waiting(self, practice_id: str) -> int:
        """How many of the practice's requests wait for a decision: the daily count for the stage's dashboard (a
        system read: no caller, a number that names nobody)."""
        return len(self.book.waiting(practice_id, self.now().date() + timedelta(days=1)))

    def read(self, caller: Caller, leave_id: str) -> LeaveRequest:
        leave = self.book.request(caller.practice_id, leave_id)
        member = self.records.member(caller.practice_id, leave.user_id) if leave else None
        self._may_see(caller, leave.user_id if leave else None, member)
        if leave is None:
            raise NotFound("no such leave request")
        return leave

    def listing(self, caller: Caller, user_id: str | None, first: date, last: date) -> LeaveList:
        """One member's requests (themself, their manager, the coordinator), or, for the coordinator, every
        request whose first day lies in `first`..`last`."""
        check_range(first, last, MAX_LIST_DAYS, "a leave list")
        practice = caller.practice_id
        if user_id is None and Role.COORDINATOR not in caller.roles:
            user_id = caller.user_id
        if user_id is None:
            authz.authorize(caller, "staff.leave.list")
            return LeaveList(requests=self.book.requests(practice, first, last))
        self._may_see(caller, user_id, self.records.member(practice, user_id))
        return LeaveList(requests=[r for r in self.book.requests_of(practice, user_id)
                                   if r.last_day >= first and r.first_day <= last])

    def decide(self, caller: Caller, leave_id: str, decision: str, reason: str | None) -> LeaveRequest:
        """The manager's or coordinator's answer: recorded at once, then handed to the waiting workflow, which
        takes the hours and moves the roster (or tells the member no)."""
        leave = self.book.request(caller.practice_id, leave_id)
        member = self.records.member(caller.practice_id, leave.user_id) if leave else None
        self._may_decide(caller, leave.user_id if leave else None, member)
        if leave is None:
            raise NotFound("no such leave request")
        if leave.status not in DECIDABLE or leave.decision is not None:
            raise Conflict(f"the request is already {leave.decision or leave.status}", code="already_decided")
        return self._answer(caller, leave, decision, reason)

    def withdraw(self, caller: Caller, leave_id: str) -> LeaveRequest:
        """Before a decision, the workflow ends it; after approval, hours, shifts and availability come back."""
        leave = self.book.request(caller.practice_id, leave_id)
        authz.authorize(caller, "staff.leave.withdraw", authz.staff_member(leave.user_id if leave else None))
        if leave is None:
            raise NotFound("no such leave request")
        if leave.status == "approved":
            self.effects.undo(leave)
            return self.effects.close(leave, "withdrawn", caller, "leave.withdraw")
        if leave.status not in DECIDABLE or leave.decision is not None:
            raise Conflict(f"the request is already {leave.decision or leave.status}", code="already_decided")
        return self._answer(caller, leave, "withdraw", None)

    def _answer(self, caller: Caller, leave: LeaveRequest, decision: str, reason: str | None) -> LeaveRequest:
        """Record the answer on the request as it is now: the workflow writes the same request (the token it
        waits on), so a save that lost to it reads again, and still answers if the request is still open."""
        for _ in range(ANSWER_ATTEMPTS):
            at = self._at()
            answered = leave.model_copy(update={"decision": decision, "decided_by": caller.user_id,
                                                "decided_at": at, "reason": reason, "task_token": None,
                                                "version": leave.version + 1})
            try:
                self.book.save(answered, self._draft(caller, f"leave.{decision}", ENTITY, leave.id, at=at))
            except PreconditionFailed:
                leave = self.book.request(caller.practice_id, leave.id)
                if leave.status not in DECIDABLE or leave.decision is not None:
                    raise Conflict(f"the request is already {leave.decision or leave.status}",
                                   code="already_decided") from None
                continue
            if leave.task_token:
                self.workflow.resume(leave.task_token, {"decision": decision, "by": caller.user_id})
            return answered
        raise Conflict("the request is busy; try again", code="leave_busy")

    def _may_see(self, caller: Caller, user_id: str | None, member: StaffMember | None) -> None:
        if member is not None and member.manager_id == caller.user_id:
            authz.authorize(caller, "staff.report.read")
        else:
            authz.authorize(caller, "staff.leave.read", authz.staff_member(user_id))

    def _may_decide(self, caller: Caller, user_id: str | None, member: StaffMember | None) -> None:
        if member is not None and member.manager_id == caller.user_id:
            authz.authorize(caller, "staff.leave.decide_for_report")
        else:
            authz.authorize(caller, "staff.leave.decide", authz.staff_member(user_id))
