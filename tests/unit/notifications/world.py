"""Arrangements the notifications unit tests share: the use cases on fakes, a clock at noon in New York,
a patient who allows every channel, callers by role, and reminder requests."""

from datetime import UTC, datetime

from functions.core.auth import Caller, Role
from functions.core.clock import FixedClock
from functions.notifications.models.messages import NotificationRequest, Recipient, Source
from functions.notifications.rules import Contact
from tests.fakes.notifications import FakeWorld, fake_notifications

PRACTICE = "practice-u"
NOON_IN_NEW_YORK = datetime(2026, 1, 15, 17, 0, tzinfo=UTC)
NIGHT_IN_NEW_YORK = datetime(2026, 1, 16, 4, 0, tzinfo=UTC)  # 23:00 local
VISIT = Source(area="scheduling", entity="appointment", entity_id="01JVISIT")
ADA = Recipient(kind="patient", patient_id="ada")
EVERY_CHANNEL = frozenset({"email", "sms", "in_app"})


def staff(role: Role, user_id: str = "u1") -> Caller:
    return Caller(user_id=user_id, practice_id=PRACTICE, roles=frozenset({role}))


def patient_caller(patient_id: str = "ada") -> Caller:
    return Caller(user_id=f"sub-{patient_id}", practice_id=PRACTICE, roles=frozenset({Role.PATIENT}),
                  patient_id=patient_id)


def world(at: datetime = NOON_IN_NEW_YORK, channels: frozenset[str] | None = EVERY_CHANNEL,
          **limits) -> tuple[FakeWorld, FixedClock]:
    clock = FixedClock(at)
    built = fake_notifications(clock.now, **limits)
    built.directory.add(PRACTICE, ADA, Contact(found=True, email="ada@example.org", phone="+14155550123",
                                               time_zone="America/New_York", consented_channels=channels))
    return built, clock


def reminder(key: str = "reminder-01JVISIT-24h", recipient: Recipient = ADA, **data) -> NotificationRequest:
    return NotificationRequest(practice_id=PRACTICE, recipient=recipient, template="appointment.reminder",
                               data={"practice_name": "Elm Street Clinic", "appointment_time": "Fri 09:30", **data},
                               source=VISIT, idempotency_key=key)
