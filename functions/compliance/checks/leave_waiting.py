"""`leave_waiting`: leave requests waiting for a decision longer than the staff policy allows."""

from collections.abc import Iterator
from datetime import date, timedelta

from functions.compliance.checks.base import Raised, Severity
from functions.compliance.checks.finding_keys import finding_key
from functions.compliance.ports.sources import WaitingLeaveRequests


class LeaveWaiting:
    """A request undecided past the policy's `leave_decision_days` is the approver's (the member's manager while
    it waits on them, else the coordinators'): medium, high once it has waited twice as long."""

    name = "leave_waiting"

    def __init__(self, leave: WaitingLeaveRequests) -> None:
        self.leave = leave

    def find(self, practice_id: str, today: date) -> Iterator[Raised]:
        days = self.leave.decision_days(practice_id)
        for waiting in self.leave.waiting_since(practice_id, today - timedelta(days=days)):
            submitted_on = date.fromisoformat(waiting.submitted_at[:10])
            severity = Severity.HIGH if submitted_on < today - timedelta(days=2 * days) else Severity.MEDIUM
            owner = f"user:{waiting.approver_id}" if waiting.approver_id else "role:coordinator"
            yield Raised(check=self.name, key=finding_key("leave", waiting.leave_id), severity=severity, owner=owner,
                         due_on=submitted_on + timedelta(days=days),
                         title=f"Leave request {waiting.leave_id} of {waiting.user_id} has waited for a decision "
                               f"since {submitted_on}",
                         link=f"/leave-requests/{waiting.leave_id}")
