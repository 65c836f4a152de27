"""The practice's fee schedule: what each procedure (and modifier) is charged, read and changed by billing
people over the version read."""

from collections.abc import Callable
from datetime import datetime

from functions.billing.models.setup import FeeSchedule, FeeScheduleIn
from functions.billing.ports import BillingSetup
from functions.core import authz, clock
from functions.core.auth import Caller
from functions.core.service import AreaService, AuditTrail
from functions.core.types import ExpectedVersion


class FeeSchedules(AreaService):
    def __init__(self, setup: BillingSetup, audit: AuditTrail, now: Callable[[], datetime] = clock.now) -> None:
        self.setup = setup
        self.audit = audit
        self.now = now

    def current(self, caller: Caller) -> FeeSchedule:
        authz.authorize(caller, "billing.fee_schedule.read")
        return self.setup.fee_schedule(caller.practice_id)

    def change(self, caller: Caller, body: FeeScheduleIn, expected: ExpectedVersion) -> FeeSchedule:
        """`expected`: the version read (If-Match), asked only once the caller may change the schedule."""
        authz.authorize(caller, "billing.fee_schedule.change")
        version = expected()
        at = self._at()
        schedule = FeeSchedule(fees=body.fees, version=version + 1, updated_at=at)
        self.setup.save(caller.practice_id, schedule, version,
                        self._draft(caller, "billing.fee_schedule.put", "BILLING", "fee-schedule", None, at),
                        [self._event("billing.fee_schedule.changed", caller, "fee-schedule", fees=len(body.fees))])
        return schedule
