"""Leave requests on fakes: days and hours in the practice's time zone, the unit, overlaps, who may submit,
see and decide, and the approval workflow's steps (assess, ask, approve, reject, withdraw before and after)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from functions.core.auth import Role
from functions.core.errors import Conflict, Forbidden, Invalid
from functions.staff.models.leave import LeaveRequestIn
from functions.staff.models.roster import CoverageRule, CoverageRulesIn, ShiftIn
from functions.staff.moving import answer_deadline
from functions.staff.ports import BookedVisit
from tests.unit.staff.support import PRACTICE, Staff, coordinator, member_in, patient_user, staff_user

MONDAY = date(2026, 3, 2)


@pytest.fixture
def staff():
    world = Staff()
    world.set_policy(time_zone="America/New_York", leave_unit_hours=1, auto_approve_max_hours=8)
    world.members.add(coordinator(), member_in("boss", role="manager"))
    world.members.add(coordinator(), member_in("fd", manager="boss"))
    world.members.add(coordinator(), member_in("half", hours=20, manager="boss"))
    world.members.add(coordinator(), member_in("coord", role="coordinator"))
    return world


def days(first, last, kind="vacation", **more):
    return LeaveRequestIn(kind=kind, unit="days", first_day=first, last_day=last, **more)


def hours(start, end, kind="vacation", **more):
    return LeaveRequestIn(kind=kind, unit="hours", starts_at=start, ends_at=end, **more)


def credit(staff, user, hours_):
    from functions.staff.models.leave import PtoEntry
    from tests.contract.staff_support import audit

    staff.ledger.append(PRACTICE, [PtoEntry(user_id=user, id=f"grant-{user}", on=date(2026, 1, 1), kind="accrual",
                                            minutes=hours_ * 60, at="2026-01-01T00:00:00Z")], audit())


def test_a_week_of_days_counts_the_working_days_and_spans_local_midnights(staff):
    leave = staff.leave.submit(staff_user("fd"), days(MONDAY, date(2026, 3, 8)))
    assert leave.minutes == 5 * 8 * 60 and leave.status == "pending" and leave.user_id == "fd"
    assert leave.starts_at == datetime(2026, 3, 2, 5, tzinfo=UTC)  # midnight in New York, EST
    assert leave.ends_at == datetime(2026, 3, 9, 4, tzinfo=UTC)  # the next midnight is EDT (DST began on the 8th)
    assert staff.workflow.started == [(PRACTICE, leave.id, {"manager": 48 * 3600, "coordinator": 48 * 3600})]


def test_a_part_timers_day_is_their_contracted_week_over_their_working_days(staff):
    assert staff.leave.submit(staff_user("half"), days(MONDAY, MONDAY)).minutes == 4 * 60


def test_hours_across_the_spring_forward_night_are_an_hour_shorter(staff):
    leave = staff.leave.submit(staff_user("fd"), hours(datetime(2026, 3, 7, 22), datetime(2026, 3, 8, 6)))
    assert leave.minutes == 7 * 60


def test_a_wall_time_the_clocks_skip_is_422(staff):
    with pytest.raises(Invalid) as refused:
        staff.leave.submit(staff_user("fd"), hours(datetime(2026, 3, 8, 2, 30), datetime(2026, 3, 8, 5)))
    assert refused.value.code == "nonexistent_local_time"


@pytest.mark.parametrize(("body", "code"), [
    (days(date(2026, 3, 5), date(2026, 3, 4)), "ends_before_start"),
    (hours(datetime(2026, 3, 4, 12), datetime(2026, 3, 4, 9)), "ends_before_start"),
    (hours(datetime(2026, 3, 4, 9), datetime(2026, 3, 4, 10, 30)), "not_a_multiple_of_unit"),
    (days(date(2026, 3, 7), date(2026, 3, 8)), "no_working_time"),
])
def test_bad_leave_is_422_and_nothing_changes(staff, body, code):
    with pytest.raises(Invalid) as refused:
        staff.leave.submit(staff_user("fd"), body)
    assert refused.value.code == code
    assert staff.leave_book.stored == {} and staff.workflow.started == []


def test_overlapping_leave_is_409_and_nothing_changes(staff):
    first = staff.leave.submit(staff_user("fd"), days(MONDAY, date(2026, 3, 4)))
    with pytest.raises(Conflict) as refused:
        staff.leave.submit(staff_user("fd"), hours(datetime(2026, 3, 4, 16), datetime(2026, 3, 4, 18)))
    assert refused.value.code == "overlapping_leave" and refused.value.details == {"leave_id": first.id}
    assert len(staff.leave_book.stored) == 1
    staff.leave.submit(staff_user("half"), days(MONDAY, MONDAY))  # another member's leave may overlap


def test_a_member_submits_and_sees_only_their_own_a_patient_nothing(staff):
    with pytest.raises(Forbidden):
        staff.leave.submit(staff_user("fd"), days(MONDAY, MONDAY, user_id="half"))
    with pytest.raises(Forbidden):
        staff.leave.submit(patient_user(), days(MONDAY, MONDAY, user_id="fd"))
    mine = staff.leave.submit(staff_user("half"), days(MONDAY, MONDAY))
    with pytest.raises(Forbidden):
        staff.leave.read(staff_user("fd"), mine.id)
    assert staff.leave.read(staff_user("boss"), mine.id).id == mine.id  # their manager
    assert [r.id for r in staff.leave.listing(staff_user("half"), None, MONDAY, MONDAY).requests] == [mine.id]
    assert staff.leave.submit(coordinator(), days(MONDAY, MONDAY, user_id="fd")).submitted_by == "coord-1"


def test_only_the_manager_or_the_coordinator_decides_never_the_member(staff):
    leave = staff.leave.submit(staff_user("fd"), days(MONDAY, MONDAY))
    with pytest.raises(Forbidden):
        staff.leave.decide(staff_user("fd"), leave.id, "approve", None)
    with pytest.raises(Forbidden):
        staff.leave.decide(staff_user("half", role=Role.FRONT_DESK), leave.id, "approve", None)
    decided = staff.leave.decide(staff_user("boss", role=Role.FRONT_DESK), leave.id, "approve", "enjoy")
    assert (decided.decision, decided.decided_by) == ("approve", "boss")
    with pytest.raises(Conflict):
        staff.leave.decide(coordinator(), leave.id, "reject", None)


def submitted(staff, body, user="fd"):
    leave = staff.leave.submit(staff_user(user), body)
    return leave, staff.approval.assess(PRACTICE, leave.id)


def test_short_leave_with_balance_no_gap_and_no_patients_is_approved_by_policy(staff):
    credit(staff, "fd", 40)
    leave, step = submitted(staff, hours(datetime(2026, 3, 4, 9), datetime(2026, 3, 4, 13)))
    assert step == {"next": "approve"}
    assert staff.approval.approve(PRACTICE, leave.id) == {"status": "approved"}
    assert staff.pto.balance(coordinator(), "fd").balance_hours == 36
    staff.approval.approve(PRACTICE, leave.id)  # a retried step takes nothing twice
    assert staff.pto.balance(coordinator(), "fd").balance_hours == 36


def test_without_the_balance_a_coverage_gap_or_a_booked_patient_the_manager_is_asked(staff):
    leave, step = submitted(staff, days(MONDAY, MONDAY))
    assert step == {"next": "ask"} and staff.leave_book.request(PRACTICE, leave.id).assessment.short_minutes == 480

    credit(staff, "half", 40)
    staff.coverage.set_rules(coordinator(), "main", CoverageRulesIn(rules=[
        CoverageRule(role="front_desk", start="09:00", end="17:00")]), expected=lambda: 0)
    staff.rostering.add_shift(coordinator(), ShiftIn(user_id="half", location_id="main", date=date(2026, 3, 3),
                                                     start="09:00", end="13:00"))
    leave, step = submitted(staff, hours(datetime(2026, 3, 3, 9), datetime(2026, 3, 3, 13)), user="half")
    assessment = staff.leave_book.request(PRACTICE, leave.id).assessment
    assert step == {"next": "ask"} and assessment.gaps == 1 and len(assessment.shift_ids) == 1


def test_a_practitioners_booked_patients_send_it_to_the_manager(staff):
    staff.members.add(coordinator(), member_in("dr", role="practitioner", manager="boss", practitioner_id="pr-1"))
    credit(staff, "dr", 40)
    staff.calendar.visits["pr-1"] = [BookedVisit("appt-1", "pat-1", datetime(2026, 3, 4, 15, tzinfo=UTC))]
    leave, step = submitted(staff, hours(datetime(2026, 3, 4, 9), datetime(2026, 3, 4, 13)), user="dr")
    assert step == {"next": "ask"}
    assert staff.leave_book.request(PRACTICE, leave.id).assessment.appointment_ids == ["appt-1"]


def test_asking_keeps_the_token_tells_the_manager_and_an_answer_resumes_the_workflow(staff):
    leave, _ = submitted(staff, days(MONDAY, MONDAY))
    staff.approval.ask(PRACTICE, leave.id, "manager", "token-1")
    asked = staff.leave_book.request(PRACTICE, leave.id)
    assert asked.task_token == "token-1" and "task_token" not in asked.model_dump()  # noqa: S105 - a test token
    assert staff.audit.events[-1].data["user_id"] == "boss"
    staff.leave.decide(coordinator(), leave.id, "reject", "short-staffed")
    assert staff.workflow.resumed == [("token-1", {"decision": "reject", "by": "coord-1"})]
    staff.approval.reject(PRACTICE, leave.id)
    assert staff.leave_book.request(PRACTICE, leave.id).status == "rejected"
    staff.leave.submit(staff_user("fd"), days(MONDAY, MONDAY))  # the day is free again


def test_escalation_asks_the_coordinators_and_then_shows_it_overdue(staff):
    leave, _ = submitted(staff, days(MONDAY, MONDAY))
    staff.approval.ask(PRACTICE, leave.id, "coordinator", "token-2")
    assert staff.leave_book.request(PRACTICE, leave.id).status == "pending_coordinator"
    assert staff.audit.events[-1].data["user_id"] == "coord"
    staff.approval.ask(PRACTICE, leave.id, "late", "token-3")
    assert staff.leave_book.request(PRACTICE, leave.id).status == "overdue"


def test_an_answer_given_before_the_wait_is_handed_on_at_once(staff):
    leave = staff.leave.submit(staff_user("fd"), days(MONDAY, MONDAY))
    staff.leave.decide(coordinator(), leave.id, "approve", None)
    assert staff.approval.assess(PRACTICE, leave.id) == {"next": "ask"}
    staff.approval.ask(PRACTICE, leave.id, "manager", "token-4")
    assert staff.workflow.resumed == [("token-4", {"decision": "approve", "by": "coord-1"})]


def test_withdrawal_after_approval_restores_balance_roster_and_availability(staff):
    staff.members.add(coordinator(), member_in("dr", role="practitioner", manager="boss", practitioner_id="pr-1"))
    credit(staff, "dr", 40)
    shift = staff.rostering.add_shift(coordinator(), ShiftIn(user_id="dr", location_id="main", date=MONDAY,
                                                             start="09:00", end="17:00"))
    leave, _ = submitted(staff, days(MONDAY, MONDAY), user="dr")
    staff.approval.approve(PRACTICE, leave.id)
    assert staff.shift_book.shift(PRACTICE, shift.id).status == "on_leave"
    assert staff.calendar.blocks[leave.id][0] == "pr-1"
    assert staff.pto.balance(coordinator(), "dr").balance_hours == 32

    withdrawn = staff.leave.withdraw(staff_user("dr"), leave.id)

    assert withdrawn.status == "withdrawn"
    assert staff.pto.balance(coordinator(), "dr").balance_hours == 40
    assert staff.shift_book.shift(PRACTICE, shift.id).status == "scheduled"
    assert leave.id not in staff.calendar.blocks
    assert sorted(e.kind for e in staff.pto.balance(coordinator(), "dr").entries) == ["accrual", "restored", "taken"]
    staff.effects.undo(withdrawn)  # again: nothing more comes back
    assert staff.pto.balance(coordinator(), "dr").balance_hours == 40


def test_withdrawal_before_a_decision_goes_through_the_workflow(staff):
    leave, _ = submitted(staff, days(MONDAY, MONDAY))
    staff.approval.ask(PRACTICE, leave.id, "manager", "token-5")
    staff.leave.withdraw(staff_user("fd"), leave.id)
    assert staff.workflow.resumed == [("token-5", {"decision": "withdraw", "by": "fd"})]
    staff.approval.withdraw(PRACTICE, leave.id)
    assert staff.leave_book.request(PRACTICE, leave.id).status == "withdrawn"
    with pytest.raises(Conflict):
        staff.leave.withdraw(staff_user("fd"), leave.id)


def test_a_failed_workflow_leaves_the_request_failed_with_its_reason(staff):
    leave, _ = submitted(staff, days(MONDAY, MONDAY))
    staff.approval.fail(PRACTICE, leave.id, "Conflict", '{"errorMessage": "busy"}')
    failed = staff.leave_book.request(PRACTICE, leave.id)
    assert failed.status == "failed" and failed.reason.startswith("Conflict")


def test_an_answer_that_races_the_workflow_reads_again_and_still_answers(staff):
    leave, _ = submitted(staff, days(MONDAY, MONDAY))
    original, raced = staff.leave_book.save, []

    def save(request, audit, events=()):
        if not raced:  # the workflow's ask step writes the request between the decision's read and its save
            raced.append(True)
            staff.approval.ask(PRACTICE, leave.id, "manager", "token-9")
        return original(request, audit, events)

    staff.leave_book.save = save
    decided = staff.leave.decide(coordinator(), leave.id, "approve", None)
    assert decided.decision == "approve"
    assert staff.workflow.resumed == [("token-9", {"decision": "approve", "by": "coord-1"})]


def test_approval_offers_the_booked_patients_new_times_and_the_desk_gets_those_left(staff):
    staff.members.add(coordinator(), member_in("dr", role="practitioner", manager="boss", practitioner_id="pr-1"))
    staff.calendar.visits["pr-1"] = [BookedVisit("appt-1", "pat-1", datetime(2026, 3, 4, 15, tzinfo=UTC)),
                                     BookedVisit("appt-2", "pat-2", datetime(2026, 3, 4, 16, tzinfo=UTC)),
                                     BookedVisit("appt-3", "pat-3", datetime(2026, 3, 4, 17, tzinfo=UTC))]
    staff.moves.unofferable.add("appt-3")
    leave, step = submitted(staff, hours(datetime(2026, 3, 4, 9), datetime(2026, 3, 4, 13)), user="dr")
    assert step == {"next": "ask"}
    staff.approval.approve(PRACTICE, leave.id)
    assert staff.calendar.blocks[leave.id][0] == "pr-1"

    offered = staff.moving.offer(PRACTICE, leave.id)
    assert offered["open"] == 2 and staff.moving.offer(PRACTICE, leave.id) == offered  # a retry offers once
    close_at = datetime.fromisoformat(offered["close_at"])
    assert staff.now + timedelta(hours=2) < close_at <= staff.now + timedelta(hours=48, minutes=1)
    staff.moves.answer(PRACTICE, leave.id, "appt-1", "moved")
    staff.now = close_at
    assert staff.moving.close(PRACTICE, leave.id) == {"to_move": 2}
    assert staff.moving.close(PRACTICE, leave.id) == {"to_move": 2}  # closed once: the desk is told once
    to_desk = [e for e in staff.audit.events if e.data.get("title") == "Patients to move"]
    assert {e.data["user_id"] for e in to_desk} == {"fd", "half"}
    assert staff.leave_book.request(PRACTICE, leave.id).patients_to_move == 2

    worklist = staff.moving.worklist(staff_user("fd", Role.FRONT_DESK), leave.id)
    assert {(p.appointment_id, p.status) for p in worklist.patients} == {("appt-2", "unanswered"),
                                                                         ("appt-3", "no_slots")}
    with pytest.raises(Forbidden):
        staff.moving.worklist(staff_user("dr", Role.PRACTITIONER), leave.id)


def test_withdrawing_approved_leave_withdraws_the_offers_and_leaves_the_desk_nothing(staff):
    staff.members.add(coordinator(), member_in("dr", role="practitioner", manager="boss", practitioner_id="pr-1"))
    staff.calendar.visits["pr-1"] = [BookedVisit("appt-1", "pat-1", datetime(2026, 3, 4, 15, tzinfo=UTC))]
    leave, _ = submitted(staff, hours(datetime(2026, 3, 4, 9), datetime(2026, 3, 4, 13)), user="dr")
    staff.approval.approve(PRACTICE, leave.id)
    close_at = datetime.fromisoformat(staff.moving.offer(PRACTICE, leave.id)["close_at"])

    staff.leave.withdraw(staff_user("dr"), leave.id)
    staff.now = close_at
    assert staff.moving.close(PRACTICE, leave.id) == {"to_move": 0}
    assert staff.moving.worklist(coordinator(), leave.id).patients == []
    assert not [e for e in staff.audit.events if e.data.get("title") == "Patients to move"]


def test_the_answer_deadline_closes_a_day_before_the_leave_but_leaves_at_least_two_hours():
    now = datetime(2026, 3, 2, 14, tzinfo=UTC)
    assert answer_deadline(now, now + timedelta(days=10)) == now + timedelta(hours=48)
    assert answer_deadline(now, now + timedelta(hours=36)) == now + timedelta(hours=12)
    assert answer_deadline(now, now + timedelta(hours=3)) == now + timedelta(hours=2)


def test_the_daily_count_of_leave_waiting_is_every_undecided_request_and_no_other(staff):
    assert staff.leave.waiting(PRACTICE) == 0
    first = staff.leave.submit(staff_user("fd"), days(MONDAY, MONDAY))
    staff.leave.submit(staff_user("half"), days(MONDAY, MONDAY))
    withdrawn = staff.leave.submit(staff_user("boss"), days(MONDAY, MONDAY))
    assert staff.leave.waiting(PRACTICE) == 3
    staff.leave.decide(staff_user("boss", role=Role.FRONT_DESK), first.id, "approve", None)
    staff.leave.withdraw(staff_user("boss"), withdrawn.id)
    assert staff.leave.waiting(PRACTICE) == 1
    assert staff.leave.waiting("another-practice") == 0
