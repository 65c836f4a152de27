"""What the unit tests of certifications, the checks, the run and the board share: every port as its fake, the
use cases wired over them on a clock the test moves."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from functions.compliance.board import ComplianceBoard
from functions.compliance.certification_reminders import CertificationReminders
from functions.compliance.certifications import Certifications
from functions.compliance.checks.audit_chain import AuditChainCheck
from functions.compliance.checks.licence_expiry import LicenceExpiry
from functions.compliance.compliance_settings import ComplianceSettingsDesk
from functions.compliance.models.certifications import CertificationIn
from functions.compliance.monitoring import ComplianceRun
from functions.compliance.notices import OutboxWorkNotices
from functions.core.auth import Caller, Role
from functions.core.clock import FixedClock
from tests.fakes.audit import FakeAuditTrail
from tests.fakes.compliance import (
    FakeAuditChains,
    FakeCertificationBook,
    FakeChainVerdicts,
    FakeComplianceSettings,
    FakeFindingStore,
    FakeStaffDirectory,
    FakeTrendSnapshots,
)

PRACTICE = "practice-1"
NOW = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)
TODAY = NOW.date()
KEY = b"k" * 32


def caller(role: Role | None = Role.COORDINATOR, user: str = "coord-1") -> Caller:
    return Caller(user_id=user, practice_id=PRACTICE, roles=frozenset({role}) if role else frozenset(),
                  request_id="t", patient_id="patient-1" if role == Role.PATIENT else None)


COORDINATOR = caller()
OFFICER = caller(Role.PRIVACY_OFFICER, "po-1")


@dataclass
class World:
    clock: FixedClock = field(default_factory=lambda: FixedClock(NOW))
    audit: FakeAuditTrail = field(default_factory=FakeAuditTrail)
    directory: FakeStaffDirectory = field(default_factory=FakeStaffDirectory)
    book: FakeCertificationBook = field(default_factory=FakeCertificationBook)
    findings: FakeFindingStore = field(default_factory=FakeFindingStore)
    trend: FakeTrendSnapshots = field(default_factory=FakeTrendSnapshots)
    settings_store: FakeComplianceSettings = field(default_factory=FakeComplianceSettings)
    verdicts: FakeChainVerdicts = field(default_factory=FakeChainVerdicts)
    chains: FakeAuditChains = field(default_factory=FakeAuditChains)
    extra_checks: list = field(default_factory=list)

    def __post_init__(self) -> None:
        now = self.clock.now
        self.book.audit = self.audit
        self.certifications = Certifications(self.book, self.directory, self.audit, now, lambda: KEY,
                                             make_id=iter(f"cert{n:03d}" for n in range(1, 999)).__next__)
        self.reminders = CertificationReminders(self.book, self.directory, self.settings_store, OutboxWorkNotices(),
                                                self.audit, now, lambda: [PRACTICE])
        self.licence_check = LicenceExpiry(self.book, self.settings_store)
        self.chain_check = AuditChainCheck(self.verdicts, self.chains, self.settings_store)
        self.run = ComplianceRun(lambda: [self.licence_check, self.chain_check, *self.extra_checks], self.findings,
                                 self.trend, self.directory, self.settings_store, OutboxWorkNotices(), self.audit,
                                 now, lambda: [PRACTICE])
        self.board = ComplianceBoard(self.findings, self.trend, self.audit, now, lambda: KEY)
        self.settings = ComplianceSettingsDesk(self.settings_store, self.audit, now)
        self.directory.add(PRACTICE, "coord-1", "coordinator")
        self.directory.add(PRACTICE, "coord-2", "coordinator")
        self.directory.add(PRACTICE, "nurse-1", "nurse", practitioner_id="dr-nurse")

    def licence(self, expires_in_days: int, holder: str = "nurse-1", kind: str = "licence"):
        return self.certifications.create(COORDINATOR, CertificationIn(
            holder_id=holder, kind=kind, name="Registered nurse licence", number="RN-1234",
            issuing_body="State board", expires_on=TODAY + timedelta(days=expires_in_days)))

    def advance(self, days: int) -> date:
        self.clock.advance(timedelta(days=days))
        return self.clock.now().date()

    def notices_to(self) -> list[str]:
        """Whom each work notice asked for so far (from the findings' and reminders' transactions)."""
        events = [*self.findings.events, *self.audit.events]
        return [e.data["request"]["recipient"]["user_id"] for e in events]
