"""The training and policy use cases wired to the fakes, with a fixed clock, a small staff, and callers."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from functions.compliance.models.policies import PolicyIn, PolicyVersionIn
from functions.compliance.models.training import AssignmentIn, ProgrammeIn
from functions.compliance.policies import Policies
from functions.compliance.programmes import Programmes
from functions.compliance.reminders import ComplianceReminders, ReminderRun
from functions.compliance.training_records import TrainingRecords
from functions.core.auth import Caller, Role
from functions.core.clock import FixedClock
from tests.fakes.audit import FakeAuditTrail
from tests.fakes.compliance import (
    FakeAcknowledgementBook,
    FakeAssignmentBook,
    FakeEvidenceStore,
    FakePolicyBook,
    FakeProgrammeBook,
    FakeStaffDirectory,
    FakeWorkNotices,
)

PRACTICE = "practice-unit"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = NOW.date()


def caller(role: Role = Role.COORDINATOR, user: str = "coord-1") -> Caller:
    return Caller(user_id=user, practice_id=PRACTICE, roles=frozenset({role}), request_id="t")


COORDINATOR = caller()
PRIVACY_OFFICER = caller(Role.PRIVACY_OFFICER, "po-1")
MANAGER = caller(Role.STAFF, "manager-1")
NURSE = caller(Role.STAFF, "nurse-1")
NURSE_2 = caller(Role.STAFF, "nurse-2")
DESK = caller(Role.FRONT_DESK, "desk-1")
PATIENT = Caller(user_id="pat-1", practice_id=PRACTICE, roles=frozenset({Role.PATIENT}), patient_id="p-1")


@dataclass
class World:
    clock: FixedClock = field(default_factory=lambda: FixedClock(NOW))
    audit: FakeAuditTrail = field(default_factory=FakeAuditTrail)

    def __post_init__(self) -> None:
        a, now = self.audit, self.clock.now
        self.directory = FakeStaffDirectory()
        self.directory.add(PRACTICE, "coord-1", "coordinator")
        self.directory.add(PRACTICE, "manager-1", "manager")
        self.directory.add(PRACTICE, "nurse-1", "nurse", manager_id="manager-1")
        self.directory.add(PRACTICE, "nurse-2", "nurse", manager_id="manager-1")
        self.directory.add(PRACTICE, "desk-1", "front_desk", manager_id="coord-1")
        self.directory.add(PRACTICE, "gone-1", "nurse", manager_id="manager-1", active=False)
        self.programme_book, self.assignment_book = FakeProgrammeBook(a), FakeAssignmentBook(a)
        self.policy_book, self.acknowledgement_book = FakePolicyBook(a), FakeAcknowledgementBook(a)
        self.evidence = FakeEvidenceStore()
        self.programmes = Programmes(self.programme_book, self.assignment_book, self.directory, a, now)
        self.records = TrainingRecords(self.assignment_book, self.evidence, self.directory, a, now)
        self.policies = Policies(self.policy_book, self.acknowledgement_book, self.directory, a, now)
        self.reminders = ComplianceReminders(self.assignment_book, self.acknowledgement_book, FakeWorkNotices(), a,
                                             now, lambda: [PRACTICE])

    def programme(self, title: str = "HIPAA privacy", **rules):
        return self.programmes.create(COORDINATOR, ProgrammeIn(title=title, **rules))

    def assign(self, programme_id: str, due_on: date, roles=(), user_ids=()):
        return self.programmes.assign(COORDINATOR, programme_id,
                                      AssignmentIn(roles=list(roles), user_ids=list(user_ids), due_on=due_on))

    def policy(self, title: str = "Acceptable use", roles=("nurse",), user_ids=(), days: int = 14):
        policy = self.policies.create(COORDINATOR, PolicyIn(title=title))
        self.publish(policy.id, roles, user_ids, days)
        return policy

    def publish(self, policy_id: str, roles=("nurse",), user_ids=(), days: int = 14, text: str = "Lock screens."):
        return self.policies.publish(COORDINATOR, policy_id, PolicyVersionIn.model_validate(
            {"text": text, "signers": {"roles": list(roles), "user_ids": list(user_ids)}, "days_to_sign": days}))

    def remind(self) -> ReminderRun:
        return self.reminders.remind_all()

    def notices(self) -> list[tuple[str, str]]:
        """(recipient, idempotency key) of every work notice asked for."""
        found = []
        for event in self.audit.events:
            request = event.data["request"]
            found.append((request["recipient"]["user_id"], request["idempotency_key"]))
        return found
