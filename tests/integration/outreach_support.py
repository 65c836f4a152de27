"""The outreach API on moto: calls through its Lambda handler, a fixed clock, the promotion workflow faked (its
adapter is the promotion helper's) and records' audience facts faked (consent topics land with that change)."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from functions.core import clock, container
from tests.fakes.outreach import FakeAudience, FakePromotionWorkflow
from tests.support import LambdaContext, api_event, claims, response_headers

PRACTICE = "outreach-it"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]


def call(method: str, path: str, *, role: str = "coordinator", sub: str = "coord-1", patient: str | None = None,
         body: Any = None, headers: dict | None = None, signed_in: bool = True, source_ip: str = "203.0.113.9",
         raw_body: str | None = None) -> Answer:
    from functions.outreach.handler import handler

    who = claims(role=role, practice=PRACTICE, sub=sub, patient=patient) if signed_in else None
    event = api_event(method, path, claims=who, body=body, headers=headers, raw_body=raw_body)
    event["requestContext"]["identity"]["sourceIp"] = source_ip
    response = handler(event, LambdaContext())
    text = response.get("body") or ""
    try:
        parsed = json.loads(text) if text else None
    except ValueError:
        parsed = text
    return Answer(response["statusCode"], parsed, response_headers(response))


@dataclass
class World:
    clock: clock.FixedClock
    promotion: FakePromotionWorkflow
    audience: FakeAudience

    def patients(self, n: int, topics=("diabetes",)) -> list[str]:
        ids = [f"pat-{i:02d}" for i in range(n)]
        for patient_id in ids:
            self.audience.add(PRACTICE, patient_id, topics=topics)
        return ids


@pytest.fixture
def world(cloud, monkeypatch) -> Iterator[World]:
    from functions.outreach import wiring

    fixed = clock.FixedClock(NOW)
    previous = clock.use(fixed)
    promotion, audience = FakePromotionWorkflow(), FakeAudience()
    monkeypatch.setattr(wiring, "promotion", lambda: promotion)
    monkeypatch.setattr(wiring, "audience", lambda: audience)
    container.reset()
    try:
        yield World(fixed, promotion, audience)
    finally:
        container.reset()
        clock.use(previous)
