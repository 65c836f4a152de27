"""Shared set-up for the scheduling tests on moto: a fixed clock, the API called as API Gateway would, and a
clinic (policy, practitioners, rooms, types) set up through it."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from functions.core import clock
from functions.core.auth import Caller, Role
from functions.core.table import Table
from functions.scheduling.links import ReplyLinks
from functions.scheduling.wiring import Scheduling, dynamo_stores, wire
from tests.support import api_event, claims, response_headers

PRACTICE = "clinic-s"
# Monday 2 March 2026, 09:00 in New York (EST, UTC-5)
MONDAY_NINE = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
WEEKDAYS_NINE_TO_FIVE = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)]


class Api:
    def __init__(self, context) -> None:
        from functions.scheduling.handler import handler

        self.handler = handler
        self.context = context

    def __call__(self, method: str, path: str, *, role: str = "coordinator", practice: str = PRACTICE,
                 patient: str | None = None, sub: str = "user-1", **kwargs: Any) -> tuple[int, Any]:
        who = claims(role=role, practice=practice, sub=sub, patient=patient) if role else None
        response = self.handler(api_event(method, path, claims=who, **kwargs), self.context)
        self.headers = response_headers(response)
        body = response.get("body")
        try:
            return response["statusCode"], (json.loads(body) if body else None)
        except ValueError:
            return response["statusCode"], body

    def ok(self, method: str, path: str, expected: int = 200, **kwargs: Any) -> Any:
        status, body = self(method, path, **kwargs)
        assert status == expected, (status, body)
        return body


@dataclass
class Clinic:
    dr_a: str
    dr_b: str
    room_1: str
    room_2: str
    visit: str  # in person, 30 minutes + 15 buffer, both practitioners, both rooms
    call: str  # virtual, 60 minutes, dr_a only


@pytest.fixture(name="fixed_clock")
def fixed_clock_fixture() -> Iterator[clock.FixedClock]:
    fixed = clock.FixedClock(MONDAY_NINE)
    previous = clock.use(fixed)
    yield fixed
    clock.use(previous)


@pytest.fixture(name="api")
def api_fixture(cloud, lambda_context, fixed_clock) -> Api:
    return Api(lambda_context)  # `cloud` starts and ends each test with a cold container


SEEDED_PATIENTS = [f"pat-{n}" for n in range(40)] + [f"pat-w{n}" for n in range(10)]


def seed_patients(practice: str = PRACTICE, patient_ids: list[str] = SEEDED_PATIENTS) -> None:
    """Patients on file in records (booking checks the profile exists), written directly for speed."""
    from functions.core.keys import entity_pk

    table = Table()
    for patient_id in patient_ids:
        table.put({"pk": entity_pk(practice, "PATIENT", patient_id), "sk": "PATIENT", "kind": "PATIENT",
                   "id": patient_id})


def set_up_clinic(api: Api) -> Clinic:
    seed_patients()
    api.ok("PUT", "/availability/policy", headers={"If-None-Match": "*"},
           body={"time_zone": "America/New_York", "practice_name": "Elm Street Clinic", "late_cancel_hours": 24,
                 "late_cancel_fee_cents": 5000, "reminder_lead_hours": 24})
    dr_a = api.ok("POST", "/practitioners", 201, body={"name": "Dr A", "weekly": WEEKDAYS_NINE_TO_FIVE})["id"]
    dr_b = api.ok("POST", "/practitioners", 201, body={"name": "Dr B", "weekly": WEEKDAYS_NINE_TO_FIVE})["id"]
    room_1 = api.ok("POST", "/rooms", 201, body={"name": "Room 1"})["id"]
    room_2 = api.ok("POST", "/rooms", 201, body={"name": "Room 2"})["id"]
    visit = api.ok("POST", "/appointment-types", 201, body={
        "name": "Follow-up", "duration_minutes": 30, "buffer_minutes": 15, "visit": "follow_up",
        "mode": "in_person", "practitioner_ids": [dr_a, dr_b], "room_ids": [room_1, room_2]})["id"]
    call = api.ok("POST", "/appointment-types", 201, body={
        "name": "Video consult", "duration_minutes": 60, "visit": "new", "mode": "virtual",
        "practitioner_ids": [dr_a]})["id"]
    return Clinic(dr_a, dr_b, room_1, room_2, visit, call)


@pytest.fixture(name="clinic")
def clinic_fixture(api) -> Clinic:
    return set_up_clinic(api)


def container() -> Scheduling:
    """The use cases wired like a separate Lambda container: its own table handle and audit head cache."""
    return wire(dynamo_stores(Table()), ReplyLinks(lambda: b"k" * 32, "https://x"))


def front_desk(practice: str = PRACTICE) -> Caller:
    return Caller(user_id="desk-1", practice_id=practice, roles=frozenset({Role.FRONT_DESK}), request_id="r")


def as_patient(patient_id: str) -> dict[str, str]:
    return {"role": "patient", "patient": patient_id, "sub": f"user-{patient_id}"}
