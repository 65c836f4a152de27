"""The leave approval workflow's steps (statemachines/leave_approval.asl.json): assess the balance and the
coverage impact, approve by policy or ask the manager (then the coordinator, then leave it visibly overdue),
and apply the answer. Each step is idempotent: the state machine may retry any of them."""

from collections.abc import Callable
from datetime import datetime

from functions.core.errors import NotFound
from functions.core.observability import logger, metrics
from functions.core.service import AreaService, AuditTrail
from functions.staff.accrual import balance_of
from functions.staff.coverage import gaps
from functions.staff.decision_links import DecisionLinks
from functions.staff.leave_effects import ENTITY, LeaveEffects, workflow_caller
from functions.staff.models.common import JobRole
from functions.staff.models.leave import DECIDABLE, FROM_PTO, Assessment, LeaveRequest
from functions.staff.ports import (
    LeaveBook,
    LeaveWorkflow,
    Notices,
    PractitionerCalendar,
    PtoLedger,
    StaffRecords,
    StaffSettings,
)

LEVEL_STATUS = {"manager": "pending", "coordinator": "pending_coordinator", "late": "overdue"}


class LeaveApproval(AreaService):
    def __init__(self, records: StaffRecords, settings: StaffSettings, book: LeaveBook, ledger: PtoLedger,
                 effects: LeaveEffects, calendar: PractitionerCalendar, notices: Notices, workflow: LeaveWorkflow,
                 audit: AuditTrail, now: Callable[[], datetime], links: DecisionLinks | None = None) -> None:
        self.records, self.settings, self.book, self.ledger = records, settings, book, ledger
        self.links = links  # None: the notice asks to sign in
        self.effects, self.calendar, self.notices, self.workflow = effects, calendar, notices, workflow
        self.audit, self.now = audit, now

    def _request(self, practice_id: str, leave_id: str) -> LeaveRequest:
        leave = self.book.request(practice_id, leave_id)
        if leave is None:
            raise NotFound("no such leave request")
        return leave

    def assess(self, practice_id: str, leave_id: str) -> dict:
        """The balance after the leave, the shifts it empties and the gaps that leaves, the patients booked in it;
        then "approve" (policy allows), "ask" or "closed" (withdrawn meanwhile)."""
        leave = self._request(practice_id, leave_id)
        if leave.status not in DECIDABLE:
            return {"next": "closed"}
        if leave.assessment is None:
            leave = self._assess(leave)
        if leave.decision is not None:
            return {"next": "ask"}  # answered already: the wait hands the answer on at once
        return {"next": "approve" if leave.assessment.auto_approvable else "ask"}

    def _assess(self, leave: LeaveRequest) -> LeaveRequest:
        practice = leave.practice_id
        policy = self.settings.policy(practice)
        member = self.records.member(practice, leave.user_id)
        balance = balance_of(self.ledger.entries(practice, leave.user_id))
        short = max(0, leave.minutes - balance) if leave.kind in FROM_PTO else 0
        shifts = self.effects.affected_shifts(leave)
        new_gaps = 0
        for location in {s.location_id for s in shifts}:
            rules = self.settings.coverage_rules(practice, location).rules
            roster = self.effects.shifts.at_location(practice, location, leave.first_day, leave.last_day)
            leaving = {s.id for s in shifts}
            before = gaps(location, rules, roster, leave.first_day, leave.last_day)
            after = gaps(location, rules, [s for s in roster if s.id not in leaving], leave.first_day,
                         leave.last_day)
            new_gaps += len([g for g in after if g not in before])
        visits = []
        if member is not None and member.practitioner_id:
            visits = self.calendar.booked(practice, member.practitioner_id, leave.starts_at, leave.ends_at)
        short_enough = leave.minutes <= round(policy.auto_approve_max_hours * 60)
        auto = short == 0 and new_gaps == 0 and not visits and short_enough
        assessment = Assessment(balance_minutes=balance, short_minutes=short, shift_ids=[s.id for s in shifts],
                                gaps=new_gaps, appointment_ids=[v.appointment_id for v in visits],
                                auto_approvable=auto)
        assessed = leave.model_copy(update={"assessment": assessment, "version": leave.version + 1})
        self.book.save(assessed, self._draft(workflow_caller(practice), "leave.assess", ENTITY, leave.id))
        return assessed

    def ask(self, practice_id: str, leave_id: str, level: str, token: str) -> dict:
        """Keep the task token on the request and tell whoever decides at this level. An answer given before
        the wait began (or to a token that timed out) is handed on at once."""
        leave = self._request(practice_id, leave_id)
        if leave.decision is not None or leave.status not in DECIDABLE:
            self.workflow.resume(token, {"decision": leave.decision or "withdraw", "by": leave.decided_by})
            return {}
        member = self.records.member(practice_id, leave.user_id)
        deciders = self._deciders(practice_id, member.manager_id if member and level == "manager" else None)
        events = [self.notices.to_staff(practice_id, who, "Leave request waiting for you",
                                        f"{leave.kind} leave {leave.first_day}..{leave.last_day} "
                                        f"({leave.hours:g} h) needs a decision.{self._links(leave, who)}",
                                        f"{leave.id}:{level}:{who}")
                  for who in deciders]
        asked = leave.model_copy(update={"task_token": token, "status": LEVEL_STATUS[level],
                                         "version": leave.version + 1})
        self.book.save(asked, self._draft(workflow_caller(practice_id), f"leave.ask_{level}", ENTITY, leave.id),
                       events)
        if level == "late":
            # nobody decided in time: visible as overdue, and an alarm, never a silent approval
            metrics.add_metric(name="LeaveDecisionOverdue", unit="Count", value=1)
            logger.warning("leave decision overdue", extra={"leave_id": leave.id})
        return {}

    def _links(self, leave: LeaveRequest, who: str) -> str:
        if self.links is None:
            return ""
        approve, reject = (self.links.link(leave.practice_id, leave, who, d, self.now()) for d in ("approve", "reject"))
        return f" Approve: {approve} Reject: {reject}"

    def _deciders(self, practice_id: str, manager_id: str | None) -> list[str]:
        if manager_id:
            return [manager_id]
        return [m.user_id for m in self.records.members(practice_id)
                if m.role == JobRole.COORDINATOR and m.active]

    def approve(self, practice_id: str, leave_id: str) -> dict:
        leave = self._request(practice_id, leave_id)
        if leave.status == "approved":
            return {"status": "approved"}
        self.effects.take(leave)
        caller = workflow_caller(practice_id)
        notices = [self.notices.to_staff(practice_id, leave.user_id, "Leave approved",
                                         f"Your {leave.kind} leave {leave.first_day}..{leave.last_day} is approved.",
                                         f"{leave.id}:approved")]
        self.effects.close(leave, "approved", caller, "leave.approved", events=notices)
        return {"status": "approved"}

    def reject(self, practice_id: str, leave_id: str) -> dict:
        leave = self._request(practice_id, leave_id)
        notice = self.notices.to_staff(practice_id, leave.user_id, "Leave not approved",
                                       f"Your {leave.kind} leave {leave.first_day}..{leave.last_day} was not "
                                       f"approved.", f"{leave.id}:rejected")
        self.effects.close(leave, "rejected", workflow_caller(practice_id), "leave.rejected", events=[notice])
        return {"status": "rejected"}

    def withdraw(self, practice_id: str, leave_id: str) -> dict:
        leave = self._request(practice_id, leave_id)
        self.effects.undo(leave)
        self.effects.close(leave, "withdrawn", workflow_caller(practice_id), "leave.withdrawn")
        return {"status": "withdrawn"}

    def fail(self, practice_id: str, leave_id: str, error: str, cause: str) -> dict:
        """The workflow could not finish: the request says so, with the reason, and stays visible."""
        leave = self._request(practice_id, leave_id)
        reason = f"{error}: {cause}"[:500]
        self.effects.close(leave, "failed", workflow_caller(practice_id), "leave.failed", reason=reason)
        return {"status": "failed"}
