"""A clinic on the in-memory fakes, set up through the use cases: a fixed clock (Monday 2 March 2026, 09:00
in New York), two practitioners open weekdays 09:00-17:00, two rooms, a 30-minute visit with a 15-minute
buffer and a one-hour video call, and patients on file."""

from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import count

import pytest

from functions.core import clock
from functions.core.auth import Caller, Role
from functions.scheduling.links import ReplyLinks
from functions.scheduling.models.appointments import AppointmentIn, CancelIn
from functions.scheduling.models.setup import AppointmentTypeIn, PolicyIn, PractitionerIn, RoomIn
from functions.scheduling.wiring import Scheduling, wire
from tests.fakes.scheduling import State, fake_stores

PRACTICE = "clinic-u"
MONDAY_NINE = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
WEDNESDAY_TEN = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # 10:00 in New York
WEEKDAYS = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)]
PATIENTS = ("pat-1", "pat-2", "pat-3", "pat-4")


def staff(role: Role = Role.FRONT_DESK, user: str = "desk-1") -> Caller:
    return Caller(user_id=user, practice_id=PRACTICE, roles=frozenset({role}), request_id="r")


def patient(patient_id: str = "pat-1") -> Caller:
    return Caller(user_id=f"user-{patient_id}", practice_id=PRACTICE, roles=frozenset({Role.PATIENT}),
                  patient_id=patient_id, request_id="r")


COORDINATOR = staff(Role.COORDINATOR, "coord-1")
DESK = staff()


@dataclass
class Clinic:
    scheduling: Scheduling
    state: State
    clock: clock.FixedClock
    dr_a: str
    dr_b: str
    room_1: str
    room_2: str
    visit: str
    call: str

    def book(self, who: Caller = DESK, *, patient_id: str | None = "pat-1", start: datetime = WEDNESDAY_TEN,
             practitioner: str | None = None, kind: str | None = None, key: str | None = None):
        body = AppointmentIn(type_id=kind or self.visit, practitioner_id=practitioner or self.dr_a, start=start,
                             patient_id=None if who.is_patient else patient_id)
        return self.scheduling.booking.book(who, body, key)

    def cancel(self, appointment, who: Caller = DESK, **fields):
        return self.scheduling.booking.cancel(who, appointment.id, CancelIn(**fields), lambda: appointment.version)

    def actions(self) -> list[str]:
        return self.state.audit.actions()

    def events(self) -> list[str]:
        return [event.type for event in self.state.events]


def open_clinic() -> Clinic:
    fixed = clock.FixedClock(MONDAY_NINE)
    ids = count(1)
    state = State()
    state.on_file(PRACTICE, *PATIENTS)
    scheduling = wire(fake_stores(state), ReplyLinks(lambda: b"k" * 32, "https://api.example"), now=fixed.now,
                      make_id=lambda: f"id{next(ids):04d}")
    setup = scheduling.setup
    setup.put_policy(COORDINATOR, PolicyIn(time_zone="America/New_York", practice_name="Elm Street Clinic",
                                           late_cancel_hours=24, late_cancel_fee_cents=5000), lambda: 0)
    dr_a = setup.create_practitioner(COORDINATOR, PractitionerIn(name="Dr A", weekly=WEEKDAYS)).id
    dr_b = setup.create_practitioner(COORDINATOR, PractitionerIn(name="Dr B", weekly=WEEKDAYS)).id
    room_1 = setup.create_room(COORDINATOR, RoomIn(name="Room 1")).id
    room_2 = setup.create_room(COORDINATOR, RoomIn(name="Room 2")).id
    visit = setup.create_type(COORDINATOR, AppointmentTypeIn(
        name="Follow-up", duration_minutes=30, buffer_minutes=15, practitioner_ids=[dr_a, dr_b],
        room_ids=[room_1, room_2])).id
    call = setup.create_type(COORDINATOR, AppointmentTypeIn(
        name="Video consult", duration_minutes=60, visit="new", mode="virtual", practitioner_ids=[dr_a])).id
    return Clinic(scheduling, state, fixed, dr_a, dr_b, room_1, room_2, visit, call)


@pytest.fixture(name="clinic")
def clinic_fixture() -> Clinic:
    return open_clinic()
