"""The two sides every scheduling contract test runs on: the in-memory fakes and the DynamoDB adapters on
moto. A test speaks only the port, plus `on_file` (records' side of a booking: the patient exists)."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from functions.core import clock
from functions.core.audit import AuditDraft
from functions.scheduling.models.appointments import Appointment
from functions.scheduling.wiring import Stores

PRACTICE = "clinic-c"
NOW = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


@dataclass
class Side:
    name: str
    stores: Stores
    on_file: Any  # (practice_id, patient_id) -> None


@pytest.fixture(name="side", params=["fake", "dynamo"])
def side_fixture(request) -> Iterator[Side]:
    previous = clock.use(clock.FixedClock(NOW))
    try:
        if request.param == "fake":
            from tests.fakes.scheduling import State, fake_stores

            state = State()
            yield Side("fake", fake_stores(state), lambda practice, patient: state.on_file(practice, patient))
        else:
            request.getfixturevalue("cloud")
            from functions.core.keys import entity_pk
            from functions.core.table import Table
            from functions.scheduling.wiring import dynamo_stores

            table = Table()

            def on_file(practice: str, patient: str) -> None:
                table.put({"pk": entity_pk(practice, "PATIENT", patient), "sk": "PATIENT", "kind": "PATIENT",
                           "id": patient})

            yield Side("dynamo", dynamo_stores(table), on_file)
    finally:
        clock.use(previous)


def audit(action: str = "test.change", practice: str = PRACTICE) -> AuditDraft:
    return AuditDraft(practice_id=practice, actor="user-1", role="coordinator", action=action, entity="TEST",
                      entity_id="x", request_id="r", at=clock.iso(NOW))


def appointment(appointment_id: str, start: datetime, *, patient: str = "pat-1", practitioner: str = "dr-a",
                room: str | None = "room-1", minutes: int = 30, buffer: int = 15, status: str = "booked",
                reminder_due_at: str | None = None, version: int = 1) -> Appointment:
    return Appointment(
        id=appointment_id, patient_id=patient, practitioner_id=practitioner, type_id="visit", room_id=room,
        mode="in_person" if room else "virtual", visit="follow_up", start=clock.iso(start),
        end=clock.iso(start + timedelta(minutes=minutes)),
        hold_end=clock.iso(start + timedelta(minutes=minutes + buffer)),
        status=status, booked_at=clock.iso(NOW), booked_by="user-1", reminder_due_at=reminder_due_at,
        version=version, updated_at=clock.iso(NOW))
