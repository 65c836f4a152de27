"""WaitingLeaveRequests and SignIns over the staff area's adapters: its sparse pending-leave and sign-in
indexes, its policy and its members."""

from datetime import date

from functions.compliance.ports.sources import QuietAccount, WaitingLeave
from functions.core.table import Table
from functions.staff.dynamo.leave import DynamoLeaveBook
from functions.staff.dynamo.members import DynamoStaffRecords, DynamoStaffSettings

MANAGER_STAGE = "pending"  # the request waits on the member's manager; later stages wait on the coordinators


class StaffWaitingLeave:
    def __init__(self, table: Table) -> None:
        self.book = DynamoLeaveBook(table, audit=None)  # reads only: the audit store is never used
        self.settings = DynamoStaffSettings(table, audit=None)
        self.members = DynamoStaffRecords(table, audit=None)

    def decision_days(self, practice_id: str) -> int:
        """GetItem STAFF_SETTINGS/POLICY (the defaults when none)."""
        return self.settings.policy(practice_id).leave_decision_days

    def waiting_since(self, practice_id: str, before: date) -> list[WaitingLeave]:
        """Query gsi3 LEAVE_PENDING before the day (sparse: undecided requests), every page; for each member with
        one waiting on their manager, one GetItem of their profile: the reads grow with what is found."""
        found, managers = [], {}
        for request in self.book.waiting(practice_id, before):
            approver = None
            if request.status == MANAGER_STAGE:
                if request.user_id not in managers:
                    member = self.members.member(practice_id, request.user_id)
                    managers[request.user_id] = member.manager_id if member else None
                approver = managers[request.user_id]
            found.append(WaitingLeave(leave_id=request.id, user_id=request.user_id, submitted_at=request.submitted_at,
                                      status=request.status, approver_id=approver))
        return found


class StaffSignIns:
    def __init__(self, table: Table) -> None:
        self.members = DynamoStaffRecords(table, audit=None)

    def quiet_since(self, practice_id: str, before: date) -> list[QuietAccount]:
        """Query gsi3 STAFF_SIGN_IN before the day (sparse: active members), every page."""
        return [QuietAccount(user_id=m.user_id, last_signed_in_at=m.last_signed_in_at, created_at=m.created_at)
                for m in self.members.quiet_since(practice_id, before)]
