"""DynamoDB requests per leave request, through the staff use cases and their DynamoDB adapters on moto (the
workflow engine a recorder; the steps called as the state machine calls them): submit, assess, ask the
manager, the manager's decision, approve (hours taken, two shifts released, the practitioner's days blocked),
then moving the three patients booked in the leave: the offers (a slot search each), one patient choosing a
time, one declining, and the close once the deadline has passed (the third unanswered). Warm: the audit
chain's head is cached, as in a warm container."""

import json
import os
from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bench.support import RESULTS, RequestCounter, local_environment

local_environment()

PRACTICE = "bench-leave"


def lifecycle() -> dict:
    from moto import mock_aws

    from functions.core import clock, settings, table
    from functions.core.audit import draft
    from functions.core.audit_store import AuditStore
    from functions.core.auth import Caller, Role
    from functions.core.keys import entity_pk
    from functions.scheduling.links import MoveLinks, MoveReply, ReplyLinks
    from functions.scheduling.models.appointments import AppointmentIn
    from functions.scheduling.models.setup import AppointmentTypeIn, PolicyIn, PractitionerIn, RoomIn
    from functions.scheduling.wiring import dynamo_stores, wire
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
    from functions.staff.moving import PatientMoving
    from functions.staff.notices import OutboxNotices
    from functions.staff.roster import Rostering
    from functions.staff.scheduling_calendar import SchedulingCalendar
    from functions.staff.scheduling_moves import SchedulingMoves
    from infra.catalog import CATALOG
    from localcloud import moto_patches
    from localcloud.provision import provision
    from tests.fakes.staff import FakeWorkflow

    moto_patches.install()
    with mock_aws():
        os.environ.update(provision(CATALOG).environment("staff"))
        settings.settings.cache_clear()
        table.client.cache_clear()
        db = table.Table()
        audit = AuditStore(db)
        records, config = DynamoStaffRecords(db, audit), DynamoStaffSettings(db, audit)
        book, ledger, shifts = DynamoLeaveBook(db, audit), DynamoPtoLedger(db, audit), DynamoShiftBook(db, audit)
        secret = b"b" * 32
        scheduling = wire(dynamo_stores(db), ReplyLinks(lambda: secret), move_links=MoveLinks(lambda: secret))
        workflow, calendar, now = FakeWorkflow(), SchedulingCalendar(db, audit), clock.now
        moves = SchedulingMoves(scheduling.moves)
        effects = LeaveEffects(records, book, ledger, shifts, calendar, audit, now, moves=moves)
        moving = PatientMoving(records, book, calendar, moves, OutboxNotices(), audit, now)
        requests = LeaveRequests(records, config, book, workflow, effects, audit, now)
        approval = LeaveApproval(records, config, book, ledger, effects, calendar, OutboxNotices(), workflow, audit,
                                 now)
        coordinator = Caller(user_id="coord", practice_id=PRACTICE, roles=frozenset({Role.COORDINATOR}))
        zone = ZoneInfo("America/New_York")
        setup = scheduling.setup
        setup.put_policy(coordinator, PolicyIn(time_zone="America/New_York", practice_name="Bench Clinic"), 0)
        weekdays = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)]
        dr_a = setup.create_practitioner(coordinator, PractitionerIn(name="Dr A", weekly=weekdays)).id
        dr_b = setup.create_practitioner(coordinator, PractitionerIn(name="Dr B", weekly=weekdays)).id
        rooms = [setup.create_room(coordinator, RoomIn(name=f"Room {n}")).id for n in (1, 2)]
        visit = setup.create_type(coordinator, AppointmentTypeIn(name="Follow-up", duration_minutes=30,
                                                                 practitioner_ids=[dr_a, dr_b], room_ids=rooms)).id
        monday = clock.now().astimezone(zone).date() + timedelta(days=14)
        monday -= timedelta(days=monday.weekday())
        booked = []
        for n, hour in enumerate((10, 11, 14)):
            db.put({"pk": entity_pk(PRACTICE, "PATIENT", f"pat-{n}"), "sk": "PATIENT", "kind": "PATIENT",
                    "id": f"pat-{n}"})
            booked.append(scheduling.booking.book(coordinator, AppointmentIn(
                type_id=visit, practitioner_id=dr_a, patient_id=f"pat-{n}",
                start=datetime.combine(monday, time(hour), zone))).id)
        members = StaffMembers(records, config, audit, now)
        members.add(coordinator, StaffMemberIn(user_id="boss", name="Bo", role="manager", contracted_hours=40,
                                               location_ids=["main"]))
        members.add(coordinator, StaffMemberIn(user_id="fd", name="Dr Fay", role="practitioner", contracted_hours=40,
                                               location_ids=["main"], manager_id="boss", practitioner_id=dr_a))
        for day in (monday, monday + timedelta(days=1)):
            Rostering(records, shifts, audit, now).add_shift(coordinator, ShiftIn(
                user_id="fd", location_id="main", date=day, start="09:00", end="17:00"))
        ledger.append(PRACTICE, [PtoEntry(user_id="fd", id="grant", on=monday.replace(month=1, day=1), kind="accrual",
                                          minutes=4800, at="2026-01-01T00:00:00Z")],
                      draft(coordinator, "pto.grant", "PTO", "fd", "2026-01-01T00:00:00Z"))

        counter = RequestCounter().watch(table.client())
        fay = Caller(user_id="fd", practice_id=PRACTICE, roles=frozenset({Role.STAFF}))
        boss = Caller(user_id="boss", practice_id=PRACTICE, roles=frozenset({Role.FRONT_DESK}))
        steps = {}
        leave = requests.submit(fay, LeaveRequestIn(kind="vacation", unit="days", first_day=monday,
                                                    last_day=monday + timedelta(days=1)))
        steps["submit (API)"] = counter.take()
        approval.assess(PRACTICE, leave.id)
        steps["assess (balance, shifts, coverage)"] = counter.take()
        approval.ask(PRACTICE, leave.id, "manager", "token")
        steps["ask the manager (token, notice)"] = counter.take()
        requests.decide(boss, leave.id, "approve", None)
        steps["manager approves (API)"] = counter.take()
        approval.approve(PRACTICE, leave.id)
        steps["approve (hours taken, 2 shifts released, 2 days blocked)"] = counter.take()
        assert book.request(PRACTICE, leave.id).status == "approved"
        offered = moving.offer(PRACTICE, leave.id)
        steps["offer the 3 booked patients other times"] = counter.take()
        assert offered["open"] == 3
        move = scheduling.moves.moves.move(PRACTICE, f"leave-{leave.id}", booked[0])

        def link(appointment_id: str, choice: int) -> str:
            return MoveLinks(lambda: secret).token(MoveReply(PRACTICE, f"leave-{leave.id}", appointment_id, choice,
                                                             int(datetime.fromisoformat(move.deadline).timestamp())))

        scheduling.moves.answer(link(booked[0], 0))
        steps["a patient chooses a time (link, rebooked)"] = counter.take()
        scheduling.moves.answer(link(booked[1], -1))
        steps["a patient declines (link)"] = counter.take()
        clock.use(clock.FixedClock(datetime.fromisoformat(offered["close_at"])))
        assert moving.close(PRACTICE, leave.id) == {"to_move": 2}
        steps["close the offers (1 unanswered), tell the desk"] = counter.take()
    total = Counter()
    for counts in steps.values():
        total.update(counts)
    return {"requests_per_leave_request_to_patients_moved": sum(total.values()), "by_operation": dict(total),
            "by_step": {name: sum(c.values()) for name, c in steps.items()}}


def main() -> None:
    results = lifecycle()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "leave_requests.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
