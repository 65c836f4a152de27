"""The leave approval state machine executed on moto, its steps (`staff-tasks`) in-process: approval by
policy, by the manager, rejection, escalation to the coordinator and then overdue on the local clock, and
withdrawal after approval with everything restored."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from functions.core.auth import Caller, Role
from functions.staff.models.leave import LeaveRequestIn, PtoEntry
from functions.staff.models.members import StaffMemberIn, StaffPolicyIn
from functions.staff.models.roster import ShiftIn
from infra.catalog import CATALOG
from localcloud import moto_patches
from localcloud.cloud import LocalCloud

PRACTICE = "practice-leave-flow"
MONDAY = date(2026, 3, 2)


def caller(user: str, role: Role = Role.STAFF) -> Caller:
    return Caller(user_id=user, practice_id=PRACTICE, roles=frozenset({role}), request_id="test")


COORDINATOR = caller("coord", Role.COORDINATOR)


@pytest.fixture
def local(tmp_path):
    # waits at full length on the local clock: a manager's two days pass only when a test advances it
    with LocalCloud(CATALOG, tmp_path, persist=False) as cloud, moto_patches.wait_scale(1.0):
        yield cloud


@pytest.fixture
def staff(local):
    from functions.staff import wiring

    wiring.pto().set_policy(COORDINATOR, StaffPolicyIn(time_zone="America/New_York", auto_approve_max_hours=8,
                                                       manager_hours=48, coordinator_hours=24), expected=lambda: 0)
    members = wiring.members()
    members.add(COORDINATOR, StaffMemberIn(user_id="coord", name="Cora", role="coordinator", contracted_hours=40,
                                           location_ids=["main"], email="cora@example.org"))
    members.add(COORDINATOR, StaffMemberIn(user_id="boss", name="Bo", role="manager", contracted_hours=40,
                                           location_ids=["main"], email="bo@example.org"))
    members.add(COORDINATOR, StaffMemberIn(user_id="fd", name="Fay", role="front_desk", contracted_hours=40,
                                           location_ids=["main"], manager_id="boss", email="fay@example.org"))
    audit = wiring.audit()
    from functions.core.audit import draft

    wiring.ledger().append(PRACTICE, [PtoEntry(user_id="fd", id="grant", on=date(2026, 1, 1), kind="accrual",
                                               minutes=40 * 60, at="2026-01-01T00:00:00Z")],
                           draft(COORDINATOR, "pto.grant", "PTO", "fd", "2026-01-01T00:00:00Z"))
    _ = audit
    return wiring


def submit(staff, local, body: LeaveRequestIn):
    leave = staff.leave_requests().submit(caller("fd"), body)
    local.drain()
    return leave


def status(staff, leave_id: str):
    return staff.leave_book().request(PRACTICE, leave_id)


def balance(staff) -> float:
    """Hours left of the 40 granted, whatever the monthly accrual added while the local clock moved."""
    entries = staff.pto().balance(COORDINATOR, "fd").entries
    return 40 + sum(e.minutes for e in entries if e.kind in ("taken", "restored")) / 60


def execution(local, leave_id: str) -> dict:
    arn = local.state_machine_arns["leave-approval"].replace(":stateMachine:", ":execution:") + f":leave-{leave_id}"
    return local._sfn.describe_execution(executionArn=arn)


HALF_DAY = LeaveRequestIn(kind="vacation", unit="hours", starts_at=datetime(2026, 3, 4, 9),
                          ends_at=datetime(2026, 3, 4, 13))
TWO_DAYS = LeaveRequestIn(kind="vacation", unit="days", first_day=MONDAY, last_day=date(2026, 3, 3))


def test_short_leave_with_no_gap_and_no_patients_is_approved_by_policy(local, staff):
    leave = submit(staff, local, HALF_DAY)
    assert status(staff, leave.id).status == "approved"
    assert execution(local, leave.id)["status"] == "SUCCEEDED"
    assert balance(staff) == 36


def test_the_manager_is_asked_and_their_approval_takes_the_hours_and_releases_the_shifts(local, staff):
    shift = staff.rostering().add_shift(COORDINATOR, ShiftIn(user_id="fd", location_id="main", date=MONDAY,
                                                             start="09:00", end="17:00"))
    leave = submit(staff, local, TWO_DAYS)
    waiting = status(staff, leave.id)
    assert waiting.status == "pending" and waiting.task_token and waiting.assessment.shift_ids == [shift.id]
    assert execution(local, leave.id)["status"] == "RUNNING"

    staff.leave_requests().decide(caller("boss"), leave.id, "approve", "enjoy")
    local.drain()

    assert status(staff, leave.id).status == "approved" and execution(local, leave.id)["status"] == "SUCCEEDED"
    assert balance(staff) == 24
    assert staff.shift_book().shift(PRACTICE, shift.id).status == "on_leave"


def test_a_rejection_takes_nothing_and_frees_the_days(local, staff):
    leave = submit(staff, local, TWO_DAYS)
    staff.leave_requests().decide(caller("boss"), leave.id, "reject", "busy week")
    local.drain()
    assert status(staff, leave.id).status == "rejected" and balance(staff) == 40
    assert submit(staff, local, TWO_DAYS).status == "pending"  # the same days may be asked for again


def test_no_answer_escalates_to_the_coordinator_then_shows_overdue_and_is_never_approved_by_silence(local, staff):
    leave = submit(staff, local, TWO_DAYS)
    local.advance(timedelta(hours=49))
    assert status(staff, leave.id).status == "pending_coordinator"
    local.advance(timedelta(hours=25))
    assert status(staff, leave.id).status == "overdue" and balance(staff) == 40
    assert execution(local, leave.id)["status"] == "RUNNING"

    staff.leave_requests().decide(COORDINATOR, leave.id, "approve", "late, but yes")
    local.drain()
    assert status(staff, leave.id).status == "approved" and balance(staff) == 24


def test_withdrawal_after_approval_restores_balance_and_roster(local, staff):
    shift = staff.rostering().add_shift(COORDINATOR, ShiftIn(user_id="fd", location_id="main", date=MONDAY,
                                                             start="09:00", end="17:00"))
    leave = submit(staff, local, TWO_DAYS)
    staff.leave_requests().decide(caller("boss"), leave.id, "approve", None)
    local.drain()
    assert balance(staff) == 24

    staff.leave_requests().withdraw(caller("fd"), leave.id)

    assert status(staff, leave.id).status == "withdrawn" and balance(staff) == 40
    assert staff.shift_book().shift(PRACTICE, shift.id).status == "scheduled"


def test_withdrawal_while_waiting_ends_the_workflow(local, staff):
    leave = submit(staff, local, TWO_DAYS)
    staff.leave_requests().withdraw(caller("fd"), leave.id)
    local.drain()
    assert status(staff, leave.id).status == "withdrawn" and execution(local, leave.id)["status"] == "SUCCEEDED"


def next_wednesday_at_least_a_week_away() -> date:
    from functions.core import clock

    day = clock.now().astimezone(ZoneInfo(ZONE)).date() + timedelta(days=7)
    return day + timedelta(days=(2 - day.weekday()) % 7)


ZONE = "America/New_York"


@pytest.fixture
def clinic(local, staff):
    """Scheduling beside the staff: Dr A (the practitioner on leave) and Dr B, both open weekdays 09:00-17:00,
    two rooms, a 30-minute follow-up either gives, three patients on file."""
    from functions.records import wiring as records
    from functions.records.models.consent import ConsentIn
    from functions.records.models.patients import PatientIn
    from functions.scheduling.models.setup import AppointmentTypeIn, PolicyIn, PractitionerIn, RoomIn
    from functions.scheduling.wiring import scheduling

    setup = scheduling().setup
    setup.put_policy(COORDINATOR, PolicyIn(time_zone=ZONE, practice_name="Elm Street Clinic"), lambda: 0)
    weekdays = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)]
    dr_a = setup.create_practitioner(COORDINATOR, PractitionerIn(name="Dr A", weekly=weekdays)).id
    dr_b = setup.create_practitioner(COORDINATOR, PractitionerIn(name="Dr B", weekly=weekdays)).id
    rooms = [setup.create_room(COORDINATOR, RoomIn(name=f"Room {n}")).id for n in (1, 2)]
    visit = setup.create_type(COORDINATOR, AppointmentTypeIn(name="Follow-up", duration_minutes=30, buffer_minutes=15,
                                                             practitioner_ids=[dr_a, dr_b], room_ids=rooms)).id
    patients = [records.patients().register(COORDINATOR, PatientIn(
        given_name=name, family_name="Patient", birth_date="1980-01-01", gender="female",
        email=f"{name.lower()}@example.org", time_zone=ZONE)).id for name in ("Ada", "Bea", "Cy")]
    for patient in patients:
        records.consents().grant(COORDINATOR, patient, ConsentIn(kind="communication", channels=["email"]))
    staff.members().add(COORDINATOR, StaffMemberIn(user_id="dr", name="Dr A", role="practitioner",
                                                   contracted_hours=40, location_ids=["main"], manager_id="boss",
                                                   practitioner_id=dr_a, email="dra@example.org"))
    return {"dr_a": dr_a, "dr_b": dr_b, "visit": visit, "patients": dict(zip(("pat-1", "pat-2", "pat-3"), patients,
                                                                             strict=True))}


def test_an_approval_moves_the_booked_patients_one_rebooks_one_declines_one_never_answers(local, staff, clinic):
    from functions.core.secrets import page_token_key
    from functions.scheduling.links import MoveLinks, MoveReply
    from functions.scheduling.models.appointments import AppointmentIn
    from functions.scheduling.wiring import scheduling

    day = next_wednesday_at_least_a_week_away()
    zone = ZoneInfo(ZONE)
    booked = {patient: scheduling().booking.book(COORDINATOR, AppointmentIn(
        type_id=clinic["visit"], practitioner_id=clinic["dr_a"], patient_id=clinic["patients"][patient],
        start=datetime.combine(day, time(hour), zone))) for patient, hour in (("pat-1", 10), ("pat-2", 11),
                                                                                ("pat-3", 14))}
    leave = staff.leave_requests().submit(caller("dr"), LeaveRequestIn(kind="training", unit="days", first_day=day,
                                                                      last_day=day))
    local.drain()
    assert status(staff, leave.id).assessment.appointment_ids  # booked patients: the manager decides
    staff.leave_requests().decide(caller("boss"), leave.id, "approve", None)
    local.drain()
    assert status(staff, leave.id).status == "approved" and execution(local, leave.id)["status"] == "RUNNING"

    moves = scheduling().moves
    reason = f"leave-{leave.id}"
    offers = {patient: moves.moves.move(PRACTICE, reason, appointment.id) for patient, appointment in booked.items()}
    leave_start, leave_end = datetime.combine(day, time(0), zone), datetime.combine(day + timedelta(days=1), time(0),
                                                                                     zone)
    for offer in offers.values():
        assert offer.status == "offered" and offer.choices
        assert all(c.practitioner_id != clinic["dr_a"]
                   or not leave_start <= datetime.fromisoformat(c.start) < leave_end for c in offer.choices)

    def link(patient: str, choice: int) -> str:
        offer = offers[patient]
        return MoveLinks(page_token_key).token(MoveReply(
            PRACTICE, reason, offer.appointment_id, choice, int(datetime.fromisoformat(offer.deadline).timestamp())))

    assert moves.answer(link("pat-1", 0)).status == "moved"
    assert moves.answer(link("pat-1", 0)).status == "moved"  # a second click rebooks nothing
    assert moves.answer(link("pat-2", -1)).status == "declined"
    local.advance(timedelta(hours=49))  # pat-3 never answers; the deadline passes on the local clock

    assert execution(local, leave.id)["status"] == "SUCCEEDED"
    assert status(staff, leave.id).patients_to_move == 2
    rebooked = scheduling().appointments.appointment(COORDINATOR, booked["pat-1"].id)
    assert (rebooked.start, rebooked.practitioner_id) == (offers["pat-1"].choices[0].start,
                                                          offers["pat-1"].choices[0].practitioner_id)
    assert rebooked.version == booked["pat-1"].version + 1  # moved once
    worklist = staff.patient_moving().worklist(caller("fd", Role.FRONT_DESK), leave.id)
    assert {(p.appointment_id, p.status) for p in worklist.patients} == {(booked["pat-2"].id, "declined"),
                                                                         (booked["pat-3"].id, "unanswered")}
