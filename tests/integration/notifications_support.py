"""Shared set-up for the notifications integration tests: patients and consents through the records
service, the notifications use cases wired to moto (or to fake channels), a movable clock, what moto sent."""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from functions.core import clock
from functions.core.auth import Caller, Role
from functions.core.events import to_entry
from functions.core.keys import collection_pk
from functions.core.settings import Settings
from functions.core.table import Table
from functions.notifications import wiring
from functions.notifications.channels import SesEmail, SnsSms
from functions.notifications.dynamo.messages import DynamoDeliveryLedger, DynamoMessageLog
from functions.notifications.dynamo.people import DynamoInbox, DynamoPreferenceBook
from functions.notifications.models.messages import TransientFailure
from functions.notifications.ports import Outgoing
from functions.notifications.wiring import Notifications
from functions.records.models.consent import ConsentIn
from functions.records.models.patients import PatientIn
from localcloud.sent import sent_emails, sent_sms

PRACTICE = "practice-n"
COORDINATOR = Caller(user_id="coord-1", practice_id=PRACTICE, roles=frozenset({Role.COORDINATOR}))


@dataclass
class FakeChannel:
    """Records what it was asked to send; fails the first `fail_times` sends in passing."""

    name: str
    fail_times: int = 0
    sent: list[Outgoing] = field(default_factory=list)
    calls: int = 0

    def send(self, message: Outgoing) -> str:
        self.calls += 1
        if self.calls <= self.fail_times:
            raise TransientFailure("fake.Throttling")
        self.sent.append(message)
        return f"fake-{len(self.sent)}"


def build_service(daily_messages: dict | None = None, **channels: Any) -> Notifications:
    """The use cases on moto, as the worker and the API wire them; `channels` replace SES or SNS."""
    limits = {"daily_messages": daily_messages} if daily_messages else {}
    wired = {"email": SesEmail(Settings.model_fields["notifications_sender"].default), "sms": SnsSms(), **channels}
    return wiring.build(Table(), wired, public_url="https://x.test", **limits)


def messages() -> DynamoMessageLog:
    return DynamoMessageLog(Table())


def deliveries() -> DynamoDeliveryLedger:
    return DynamoDeliveryLedger(Table())


def inbox() -> DynamoInbox:
    return DynamoInbox(Table())


def preferences() -> DynamoPreferenceBook:
    return DynamoPreferenceBook(Table())


@pytest.fixture(name="moved_clock")
def moved_clock_fixture() -> Iterator[clock.FixedClock]:
    fixed = clock.FixedClock(datetime(2026, 1, 15, 17, 0, tzinfo=UTC))  # noon in New York
    previous = clock.use(fixed)
    yield fixed
    clock.use(previous)


@pytest.fixture(name="notify")
def notify_fixture(cloud, moved_clock) -> Iterator[Notifications]:
    wiring.notifications.cache_clear()
    yield build_service()
    wiring.notifications.cache_clear()


def records():
    """The records area as its API runs it (its own wiring), to make patients and their consents."""
    from functions.records import wiring as records_wiring

    return records_wiring


def patient(channels: list[str] | None = ("email", "sms", "in_app"), family: list[dict] | None = None,
            **overrides: Any) -> Any:
    body = {"given_name": "Ada", "family_name": "Lovelace", "birth_date": "1990-12-10", "gender": "female",
            "phone": "+14155550123", "email": "ada@example.org", "time_zone": "America/New_York",
            "family": family or [], **overrides}
    record = records().patients().register(COORDINATOR, PatientIn(**body))
    if channels:
        records().consents().grant(COORDINATOR, record.id, ConsentIn(kind="communication", channels=list(channels)))
    return record


def share_with(patient_id: str, member_ids: list[str]) -> None:
    records().consents().grant(COORDINATOR, patient_id, ConsentIn(kind="data_sharing", shares_with=member_ids))


def outbox_events(practice: str = PRACTICE) -> list[dict]:
    """The outbox items as the worker would receive them from EventBridge (the stream's path, shortened)."""
    items = Table().query(collection_pk(practice, "OUTBOX")).items
    found = []
    for item in items:
        from functions.core.events import DomainEvent

        entry = to_entry(DomainEvent(**item["event"]), "bus")
        found.append({"detail-type": entry["DetailType"], "source": entry["Source"],
                      "detail": json.loads(entry["Detail"])})
    return found


def notification_events(practice: str = PRACTICE) -> list[dict]:
    return [e for e in outbox_events(practice) if e["detail-type"] == "notification.requested"]


def emails() -> list[dict]:
    return sent_emails()


def texts() -> list[dict]:
    return sent_sms()


def call(method: str, path: str, *, role: str | None = "front_desk", sub: str = "desk-1",
         patient_id: str | None = None, headers: dict[str, str] | None = None, **kwargs: Any) -> dict:
    """The notifications API as API Gateway calls it (no claims when `role` is None: a public link); the
    answer's status, headers (multi-value ones joined) and body (JSON when it is JSON)."""
    from functions.notifications.handler import handler
    from tests.support import LambdaContext, api_event, claims

    who = claims(role=role, practice=PRACTICE, sub=sub, patient=patient_id) if role else None
    response = handler(api_event(method, path, claims=who, headers=headers, **kwargs), LambdaContext())
    merged = {**(response.get("headers") or {}),
              **{k: ", ".join(v) for k, v in (response.get("multiValueHeaders") or {}).items()}}
    body = response.get("body")
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        parsed = body
    return {"status": response["statusCode"], "headers": merged, "body": parsed}
