"""PTO: the practice's staff policy, each member's balance (the sum of their append-only ledger), and the
monthly accrual the schedule runs, once per practice and month however often it runs."""

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from functions.core import authz
from functions.core.auth import Caller, Role
from functions.core.errors import stale
from functions.core.service import AreaService, AuditTrail
from functions.core.types import ExpectedVersion
from functions.staff.accrual import accrual_entries, balance_of, month_key
from functions.staff.models.common import to_hours
from functions.staff.models.leave import AccrualRun, PtoBalance
from functions.staff.models.members import StaffPolicy, StaffPolicyIn
from functions.staff.ports import PtoLedger, StaffRecords, StaffSettings

ACCRUAL_ACTOR = "job:accrue-pto"


def job_caller(practice_id: str) -> Caller:
    """Who the accrual job acts as in the audit trail."""
    return Caller(user_id=ACCRUAL_ACTOR, practice_id=practice_id, roles=frozenset({Role.COORDINATOR}),
                  request_id="schedule")


class PtoAccounts(AreaService):
    def __init__(self, records: StaffRecords, settings: StaffSettings, ledger: PtoLedger, audit: AuditTrail,
                 now: Callable[[], datetime]) -> None:
        self.records, self.settings, self.ledger, self.audit, self.now = records, settings, ledger, audit, now

    def policy(self, caller: Caller) -> StaffPolicy:
        authz.authorize(caller, "staff.policy.read")
        return self.settings.policy(caller.practice_id)

    def set_policy(self, caller: Caller, body: StaffPolicyIn, expected: ExpectedVersion) -> StaffPolicy:
        authz.authorize(caller, "staff.policy.update")
        version = expected()
        current = self.settings.policy(caller.practice_id)
        if current.version != version:
            raise stale("staff policy")
        policy = StaffPolicy(**body.model_dump(), practice_id=caller.practice_id, version=current.version + 1)
        self.settings.save_policy(policy, self._draft(caller, "staff_policy.update", "STAFF_POLICY",
                                                      caller.practice_id))
        return policy

    def balance(self, caller: Caller, user_id: str) -> PtoBalance:
        member = self.records.member(caller.practice_id, user_id)
        if member is not None and member.manager_id == caller.user_id:
            authz.authorize(caller, "staff.report.read")
        else:
            authz.authorize(caller, "staff.pto.read", authz.staff_member(user_id))
        entries = self.ledger.entries(caller.practice_id, user_id)
        return PtoBalance(user_id=user_id, balance_hours=to_hours(balance_of(entries)), entries=entries)

    def accrue_month(self, practice_id: str) -> AccrualRun:
        """Credit every active member for the month that has begun in the practice's time zone. An entry is
        written once per member and month (its id names the month), so a second or concurrent run credits no
        one again; the month is then closed, so later runs stop at one read."""
        policy = self.settings.policy(practice_id)
        today = self.now().astimezone(ZoneInfo(policy.time_zone)).date()
        month = date(today.year, today.month, 1)
        run = AccrualRun(practice_id=practice_id, month=month_key(month), accrued=0, already=0)
        if self.ledger.month_closed(practice_id, run.month):
            return run
        caller, at = job_caller(practice_id), self._at()
        for member in self.records.members(practice_id):
            if not member.active:
                continue
            balance = balance_of(self.ledger.entries(practice_id, member.user_id))
            entries = accrual_entries(policy, member, month, balance, at)
            audit = self._draft(caller, "pto.accrue", "PTO", member.user_id, at=at)
            if self.ledger.append(practice_id, entries, audit):
                run.accrued += 1
            else:
                run.already += 1
        self.ledger.close_month(practice_id, run.month)
        return run
