"""Move offers: the fake and the DynamoDB adapter agree on one offer per (reason, appointment), versions, and
a reason's list."""

import pytest

from functions.core.errors import PreconditionFailed
from functions.scheduling.models.moves import AppointmentMove, MoveChoice
from tests.contract.scheduling_support import PRACTICE, audit, side_fixture  # noqa: F401 - a fixture, used by name

CHOICE = MoveChoice(practitioner_id="dr-b", start="2026-03-05T15:00:00.000Z", end="2026-03-05T15:30:00.000Z")


def move(appointment_id: str, reason: str = "leave-1", version: int = 1, **changes) -> AppointmentMove:
    fields = {"reason": reason, "appointment_id": appointment_id, "patient_id": "pat-1", "practitioner_id": "dr-a",
              "type_id": "visit", "start": "2026-03-04T15:00:00.000Z", "status": "offered", "choices": [CHOICE],
              "deadline": "2026-03-03T15:00:00.000Z", "created_at": "t", "version": version, "updated_at": "t"}
    return AppointmentMove(**{**fields, **changes})


def test_an_offer_is_made_once_and_read_back(side):
    moves = side.stores.moves
    moves.save(PRACTICE, move("a1"), None, audit())
    with pytest.raises(PreconditionFailed):
        moves.save(PRACTICE, move("a1"), None, audit())
    assert moves.move(PRACTICE, "leave-1", "a1") == move("a1")
    assert moves.move(PRACTICE, "leave-2", "a1") is None and moves.move("other", "leave-1", "a1") is None


def test_a_change_needs_the_version_read(side):
    moves = side.stores.moves
    moves.save(PRACTICE, move("a1"), None, audit())
    moves.save(PRACTICE, move("a1", version=2, status="moved", moved_to=CHOICE), 1, audit())
    with pytest.raises(PreconditionFailed):
        moves.save(PRACTICE, move("a1", version=2, status="declined"), 1, audit())
    assert moves.move(PRACTICE, "leave-1", "a1").moved_to == CHOICE


def test_a_reasons_moves_are_listed_apart_from_anothers(side):
    moves = side.stores.moves
    for appointment_id, reason in (("a2", "leave-1"), ("a1", "leave-1"), ("a3", "leave-2")):
        moves.save(PRACTICE, move(appointment_id, reason), None, audit())
    assert [m.appointment_id for m in moves.of_reason(PRACTICE, "leave-1")] == ["a1", "a2"]
    assert [m.appointment_id for m in moves.of_reason(PRACTICE, "leave-2")] == ["a3"]
    assert moves.of_reason("other", "leave-1") == []
