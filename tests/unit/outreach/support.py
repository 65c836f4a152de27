"""The outreach use cases wired to the fakes, with a fixed clock, and callers of each kind."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from functions.core.auth import Caller, Role
from functions.core.clock import FixedClock
from functions.outreach.attendance import AttendanceTaking
from functions.outreach.links import OutreachLinks
from functions.outreach.models.workshops import Workshop, WorkshopIn
from functions.outreach.registrations import Registrations
from functions.outreach.signup import PublicSignup
from functions.outreach.surveys import Surveys
from functions.outreach.workshops import Workshops
from tests.fakes.outreach import FakeAudience, FakeOutreach, FakePromotionWorkflow, FakeRateLimits

PRACTICE = "practice-unit"
SECRET = b"o" * 32
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FACILITATOR = "staff-fac"


def coordinator(user: str = "coord-1") -> Caller:
    return Caller(user_id=user, practice_id=PRACTICE, roles=frozenset({Role.COORDINATOR}), request_id="t")


def staff_user(user: str = FACILITATOR, role: Role = Role.STAFF) -> Caller:
    return Caller(user_id=user, practice_id=PRACTICE, roles=frozenset({role}), request_id="t")


def patient_user(patient: str = "p-1") -> Caller:
    return Caller(user_id=f"user-{patient}", practice_id=PRACTICE, roles=frozenset({Role.PATIENT}),
                  patient_id=patient, request_id="t")


def workshop_in(capacity: int = 20, **more) -> WorkshopIn:
    first = NOW + timedelta(days=14)
    fields = {"title": "Living well with diabetes", "topic": "diabetes", "description": "Food, movement, sleep.",
              "audience": {"topics": ["diabetes"], "min_age": 18}, "capacity": capacity,
              "sessions": [{"starts_at": first.isoformat(), "ends_at": (first + timedelta(hours=1)).isoformat(),
                            "mode": "in_person", "room": "Room 2", "address": "1 Elm Street"},
                           {"starts_at": (first + timedelta(days=7)).isoformat(),
                            "ends_at": (first + timedelta(days=7, hours=1)).isoformat(), "mode": "online",
                            "link": "https://meet.example.org/diabetes"}],
              "registration_deadline": (first - timedelta(days=2)).isoformat(), "facilitator_id": FACILITATOR}
    return WorkshopIn.model_validate({**fields, **more})


@dataclass
class Outreach:
    clock: FixedClock = field(default_factory=lambda: FixedClock(NOW))
    state: FakeOutreach = field(default_factory=FakeOutreach)
    audience: FakeAudience = field(default_factory=FakeAudience)
    promotion: FakePromotionWorkflow = field(default_factory=FakePromotionWorkflow)
    limits: FakeRateLimits = field(default_factory=FakeRateLimits)

    def __post_init__(self) -> None:
        now = self.clock.now
        self.links = OutreachLinks(lambda: SECRET, "https://api.example.org", now)
        self.workshops = Workshops(self.state, self.state, lambda: self.promotion, self.audience, self.links,
                                   self.state.audit, now)
        self.registrations = Registrations(self.state, self.state, self.audience, self.state.audit, now)
        self.signup = PublicSignup(self.state, self.state, self.limits, self.state, self.registrations, self.links,
                                   self.state.audit, now)
        self.surveys = Surveys(self.state, self.state, self.state, self.links, self.state.audit, now)
        self.attendance = AttendanceTaking(self.state, self.state, self.state.audit, now)

    @property
    def audit(self):
        return self.state.audit

    def published(self, capacity: int = 20, **more) -> Workshop:
        created = self.workshops.create(coordinator(), workshop_in(capacity, **more))
        return self.workshops.publish(coordinator(), created.id, lambda: created.version)

    def patients(self, n: int, topics=("diabetes",), **facts) -> list[str]:
        ids = [f"p-{i}" for i in range(1, n + 1)]
        for patient_id in ids:
            self.audience.add(PRACTICE, patient_id, topics=topics, **facts)
        return ids

    def notices(self, template: str) -> list[dict]:
        return [e.data["request"] for e in self.audit.events if e.type == "notification.requested"
                and e.data["request"]["template"] == template]
