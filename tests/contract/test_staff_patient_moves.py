"""PatientMoves: the staff fake and the adapter over scheduling's AppointmentMoves (on moto, with a practitioner's
real bookings) agree: offers are made once per leave and appointment, stay open until their deadline, then
wait on the worklist; a withdrawn leave leaves nobody to move."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from functions.core import clock
from functions.core.auth import Caller, Role

PRACTICE = "practice-moves"
NOW = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # Monday 09:00 in New York
LEAVE_START = datetime(2026, 3, 4, 5, 0, tzinfo=UTC)  # Wednesday, the whole day in New York
LEAVE_END = LEAVE_START + timedelta(days=1)
DEADLINE = NOW + timedelta(hours=24)
DESK = Caller(user_id="desk-1", practice_id=PRACTICE, roles=frozenset({Role.FRONT_DESK}), request_id="t")


@dataclass
class Side:
    moves: Any
    appointments: list[str]  # three booked on the Wednesday of the leave


@pytest.fixture(params=["fake", "scheduling"])
def side(request) -> Iterator[Side]:
    fixed = clock.FixedClock(NOW)
    previous = clock.use(fixed)
    try:
        if request.param == "fake":
            from tests.fakes.staff import FakePatientMoves

            yield Side(FakePatientMoves(clock.now), ["appt-1", "appt-2", "appt-3"])
        else:
            request.getfixturevalue("cloud")
            yield Side(*_clinic_on_moto())
    finally:
        clock.use(previous)


def _clinic_on_moto():
    from functions.core.keys import entity_pk
    from functions.core.table import Table
    from functions.scheduling.links import MoveLinks, ReplyLinks
    from functions.scheduling.models.appointments import AppointmentIn
    from functions.scheduling.models.setup import AppointmentTypeIn, PolicyIn, PractitionerIn, RoomIn
    from functions.scheduling.wiring import dynamo_stores, wire
    from functions.staff.scheduling_moves import SchedulingMoves

    table = Table()
    coordinator = Caller(user_id="coord", practice_id=PRACTICE, roles=frozenset({Role.COORDINATOR}),
                         request_id="t")
    scheduling = wire(dynamo_stores(table), ReplyLinks(lambda: b"k" * 32), move_links=MoveLinks(lambda: b"m" * 32))
    setup = scheduling.setup
    setup.put_policy(coordinator, PolicyIn(time_zone="America/New_York", practice_name="Elm Street Clinic"), lambda: 0)
    weekdays = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)]
    dr_a = setup.create_practitioner(coordinator, PractitionerIn(name="Dr A", weekly=weekdays)).id
    dr_b = setup.create_practitioner(coordinator, PractitionerIn(name="Dr B", weekly=weekdays)).id
    room = setup.create_room(coordinator, RoomIn(name="Room 1")).id
    visit = setup.create_type(coordinator, AppointmentTypeIn(name="Follow-up", duration_minutes=30,
                                                             practitioner_ids=[dr_a, dr_b], room_ids=[room])).id
    booked = []
    for n in range(3):
        patient = f"pat-{n}"
        table.put({"pk": entity_pk(PRACTICE, "PATIENT", patient), "sk": "PATIENT", "kind": "PATIENT", "id": patient})
        booked.append(scheduling.booking.book(coordinator, AppointmentIn(
            type_id=visit, practitioner_id=dr_a, patient_id=patient,
            start=LEAVE_START + timedelta(hours=10 + n))).id)
    return SchedulingMoves(scheduling.moves), booked


def test_offers_are_made_once_and_wait_for_their_deadline(side):
    offered = side.moves.offer(PRACTICE, "L1", side.appointments, LEAVE_START, LEAVE_END, DEADLINE)
    assert offered.open == 3 and offered.deadline == DEADLINE
    again = side.moves.offer(PRACTICE, "L1", side.appointments, LEAVE_START, LEAVE_END, DEADLINE + timedelta(hours=1))
    assert again == offered  # a retried step: the first offers, their deadline
    assert side.moves.close(PRACTICE, "L1") == 0 and side.moves.worklist(DESK, "L1") == []


def test_after_the_deadline_the_unanswered_are_on_the_worklist_of_their_leave_only(side):
    side.moves.offer(PRACTICE, "L1", side.appointments[:2], LEAVE_START, LEAVE_END, DEADLINE)
    side.moves.offer(PRACTICE, "L2", side.appointments[2:], LEAVE_START, LEAVE_END, DEADLINE + timedelta(days=1))
    _advance(hours=25)
    assert side.moves.close(PRACTICE, "L1") == 2 and side.moves.close(PRACTICE, "L2") == 0
    worklist = side.moves.worklist(DESK, "L1")
    assert sorted(p.appointment_id for p in worklist) == sorted(side.appointments[:2])
    assert {p.status for p in worklist} == {"unanswered"}


def test_a_withdrawn_leave_leaves_nobody_to_move(side):
    side.moves.offer(PRACTICE, "L1", side.appointments, LEAVE_START, LEAVE_END, DEADLINE)
    side.moves.withdraw(PRACTICE, "L1")
    _advance(hours=25)
    assert side.moves.close(PRACTICE, "L1") == 0 and side.moves.worklist(DESK, "L1") == []


def _advance(hours: int) -> None:
    clock.use(clock.FixedClock(clock.now() + timedelta(hours=hours)))
