"""The `training_overdue` check: every open training assignment past its due date, owned by its assignee.
Reads the sparse index of open assignments by due date: its cost grows with what is overdue."""

from collections.abc import Iterable
from datetime import date

from functions.compliance.checks.base import Raised, Severity
from functions.compliance.ports.training import AssignmentBook


class TrainingOverdue:
    name = "training_overdue"

    def __init__(self, assignments: AssignmentBook, high_after_days: int = 30) -> None:
        self.assignments = assignments
        self.high_after_days = high_after_days  # overdue longer than this: high, else medium

    def find(self, practice_id: str, today: date) -> Iterable[Raised]:
        for assignment in self.assignments.overdue(practice_id, today):
            late = (today - assignment.due_on).days
            yield Raised(check=self.name, key=f"asg-{assignment.id}",
                         severity=Severity.HIGH if late > self.high_after_days else Severity.MEDIUM,
                         owner=f"user:{assignment.user_id}", due_on=assignment.due_on,
                         title=(f"Training '{assignment.programme_title}' was due on "
                                f"{assignment.due_on.isoformat()}")[:200],
                         link=f"/training/assignments/{assignment.id}")
