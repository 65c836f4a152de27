"""Reminders of training and policies: 14 and 3 days before an assignment is due or a policy version must be
signed, and weekly once it is late, each stage once, as a work notice to the member. What is due comes from the
two sparse date-keyed indexes, so a day's run costs what is due, not what the practice holds."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from functions.compliance.ports.monitoring import WorkNotices
from functions.compliance.ports.training import AcknowledgementBook, AssignmentBook
from functions.core.auth import Caller
from functions.core.errors import Conflict
from functions.core.service import AreaService, AuditTrail

ACTOR = "system:compliance-jobs"
BEFORE_DAYS = (14, 3)  # the early stages, furthest first


def stage(due: date, today: date) -> str | None:
    """The reminder stage a thing due on `due` is at today: "due-14", "due-3", then "overdue-0" on the first day
    late, "overdue-1" a week later and so on; None while it is further off than the first stage."""
    days = (due - today).days
    if days < 0:
        return f"overdue-{(-days - 1) // 7}"
    for before in sorted(BEFORE_DAYS):
        if days <= before:
            return f"due-{before}"
    return None


@dataclass
class ReminderRun:
    practices: int = 0
    training: int = 0
    policies: int = 0
    lost_races: int = 0


class ComplianceReminders(AreaService):
    def __init__(self, assignments: AssignmentBook, acknowledgements: AcknowledgementBook, notices: WorkNotices,
                 audit: AuditTrail, now: Callable[[], datetime], practices: Callable[[], Iterable[str]]) -> None:
        self.assignments, self.acknowledgements, self.notices = assignments, acknowledgements, notices
        self.audit, self.now, self.practices = audit, now, practices

    def remind_all(self) -> ReminderRun:
        run = ReminderRun()
        for practice_id in self.practices():
            run.practices += 1
            self.remind(practice_id, run)
        return run

    def remind(self, practice_id: str, run: ReminderRun) -> None:
        today = self.now().date()
        horizon = today + timedelta(days=max(BEFORE_DAYS))
        system = Caller(user_id=ACTOR, practice_id=practice_id, roles=frozenset(), request_id="remind-training")
        for assignment in self.assignments.due_by(practice_id, horizon):
            now_at = stage(assignment.due_on, today)
            if now_at is None or now_at in assignment.reminded:
                continue
            late = now_at.startswith("overdue")
            title = f"Training {'overdue' if late else 'due'}: {assignment.programme_title}"[:200]
            details = (f"'{assignment.programme_title}' was due on {assignment.due_on.isoformat()}."
                       if late else f"'{assignment.programme_title}' is due on {assignment.due_on.isoformat()}.")
            event = self.notices.to_staff(practice_id, assignment.user_id, title,
                                          f"{details} See GET /training/assignments/{assignment.id}.",
                                          f"training-{assignment.id}-{now_at}", about=("assignment", assignment.id))
            reminded = assignment.model_copy(update={"reminded": [*assignment.reminded, now_at],
                                                     "version": assignment.version + 1})
            try:
                self.assignments.remind(reminded, self._draft(system, "compliance.training.remind",
                                                              "TRAINING_ASSIGNMENT", assignment.id), [event])
                run.training += 1
            except Conflict:  # completed or reminded meanwhile: tomorrow's run sees it as it is
                run.lost_races += 1
        for request in self.acknowledgements.due_by(practice_id, horizon):
            now_at = stage(request.sign_by, today)
            if now_at is None or now_at in request.reminded:
                continue
            late = now_at.startswith("overdue")
            title = f"Policy to sign: {request.policy_title}"[:200]
            details = (f"Version {request.number} of '{request.policy_title}' "
                       f"{'was to be' if late else 'is to be'} acknowledged by {request.sign_by.isoformat()}. "
                       f"See GET /policies/{request.policy_id}.")
            event = self.notices.to_staff(practice_id, request.user_id, title, details,
                                          f"policy-{request.policy_id}-{request.number}-{request.user_id}-{now_at}",
                                          about=("policy", request.policy_id))
            reminded = request.model_copy(update={"reminded": [*request.reminded, now_at],
                                                  "version": request.version + 1})
            try:
                self.acknowledgements.remind(reminded, self._draft(system, "compliance.policy.remind", "POLICY",
                                                                   request.policy_id), [event])
                run.policies += 1
            except Conflict:
                run.lost_races += 1
