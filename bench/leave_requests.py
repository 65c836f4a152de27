"""DynamoDB requests per leave request, through the staff use cases and their DynamoDB adapters on moto (the
workflow engine a recorder; the steps called as the state machine calls them): submit, assess, ask the
manager, the manager's decision, approve (hours taken, two shifts released). Warm: the audit chain's head is
cached, as in a warm container. Moving the practitioner's booked patients is not built yet (see the report),
so the count ends at approval."""

import json
import os
from collections import Counter
from datetime import date, datetime

from bench.support import RESULTS, RequestCounter, local_environment

local_environment()

PRACTICE = "bench-leave"


def lifecycle() -> dict:
    from moto import mock_aws

    from functions.core import settings, table
    from functions.core.audit import draft
    from functions.core.audit_store import AuditStore
    from functions.core.auth import Caller, Role
    from functions.staff.approval import LeaveApproval
    from functions.staff.dynamo.leave import DynamoLeaveBook, DynamoPtoLedger
    from functions.staff.dynamo.members import DynamoStaffRecords, DynamoStaffSettings
    from functions.staff.dynamo.roster import DynamoShiftBook
    from functions.staff.leave import LeaveRequests
    from functions.staff.leave_effects import LeaveEffects
    from functions.staff.members import StaffMembers
    from functions.staff.models.leave import LeaveRequestIn, PtoEntry
    from functions.staff.models.members import StaffMemberIn
    from functions.staff.models.roster import ShiftIn
    from functions.staff.notices import OutboxNotices
    from functions.staff.roster import Rostering
    from infra.catalog import CATALOG
    from localcloud import moto_patches
    from localcloud.provision import provision
    from tests.fakes.staff import FakePractitionerCalendar, FakeWorkflow

    moto_patches.install()
    with mock_aws():
        os.environ.update(provision(CATALOG).environment("staff"))
        settings.settings.cache_clear()
        table.client.cache_clear()
        db = table.Table()
        audit = AuditStore(db)
        records, config = DynamoStaffRecords(db, audit), DynamoStaffSettings(db, audit)
        book, ledger, shifts = DynamoLeaveBook(db, audit), DynamoPtoLedger(db, audit), DynamoShiftBook(db, audit)
        workflow, calendar, now = FakeWorkflow(), FakePractitionerCalendar(), datetime.now
        effects = LeaveEffects(records, book, ledger, shifts, calendar, audit, now)
        requests = LeaveRequests(records, config, book, workflow, effects, audit, now)
        approval = LeaveApproval(records, config, book, ledger, effects, calendar, OutboxNotices(), workflow, audit,
                                 now)
        coordinator = Caller(user_id="coord", practice_id=PRACTICE, roles=frozenset({Role.COORDINATOR}))
        members = StaffMembers(records, config, audit, now)
        members.add(coordinator, StaffMemberIn(user_id="boss", name="Bo", role="manager", contracted_hours=40,
                                               location_ids=["main"]))
        members.add(coordinator, StaffMemberIn(user_id="fd", name="Fay", role="front_desk", contracted_hours=40,
                                               location_ids=["main"], manager_id="boss"))
        for day in (2, 3):
            Rostering(records, shifts, audit, now).add_shift(coordinator, ShiftIn(
                user_id="fd", location_id="main", date=date(2026, 3, day), start="09:00", end="17:00"))
        ledger.append(PRACTICE, [PtoEntry(user_id="fd", id="grant", on=date(2026, 1, 1), kind="accrual",
                                          minutes=4800, at="2026-01-01T00:00:00Z")],
                      draft(coordinator, "pto.grant", "PTO", "fd", "2026-01-01T00:00:00Z"))

        counter = RequestCounter().watch(table.client())
        fay = Caller(user_id="fd", practice_id=PRACTICE, roles=frozenset({Role.STAFF}))
        boss = Caller(user_id="boss", practice_id=PRACTICE, roles=frozenset({Role.FRONT_DESK}))
        steps = {}
        leave = requests.submit(fay, LeaveRequestIn(kind="vacation", unit="days", first_day=date(2026, 3, 2),
                                                    last_day=date(2026, 3, 3)))
        steps["submit (API)"] = counter.take()
        approval.assess(PRACTICE, leave.id)
        steps["assess (balance, shifts, coverage)"] = counter.take()
        approval.ask(PRACTICE, leave.id, "manager", "token")
        steps["ask the manager (token, notice)"] = counter.take()
        requests.decide(boss, leave.id, "approve", None)
        steps["manager approves (API)"] = counter.take()
        approval.approve(PRACTICE, leave.id)
        steps["approve (hours taken, 2 shifts released)"] = counter.take()
        assert book.request(PRACTICE, leave.id).status == "approved"
    total = Counter()
    for counts in steps.values():
        total.update(counts)
    return {"requests_per_leave_request_to_approved": sum(total.values()), "by_operation": dict(total),
            "by_step": {name: sum(c.values()) for name, c in steps.items()}}


def main() -> None:
    results = lifecycle()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "leave_requests.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
