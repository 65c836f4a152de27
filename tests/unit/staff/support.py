"""The staff use cases wired to the fakes, with a fixed clock, and callers of each kind."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from functions.core.auth import Caller, Role
from functions.staff.approval import LeaveApproval
from functions.staff.coverage import Coverage
from functions.staff.decision_links import DecisionLinks, LeaveDecisionByLink
from functions.staff.leave import LeaveRequests
from functions.staff.leave_effects import LeaveEffects
from functions.staff.members import StaffMembers
from functions.staff.models.members import StaffMemberIn, StaffPolicyIn
from functions.staff.moving import PatientMoving
from functions.staff.pto import PtoAccounts
from functions.staff.roster import Rostering
from functions.staff.suggestion import RosterSuggestions
from tests.fakes.audit import FakeAuditTrail
from tests.fakes.staff import (
    FakeLeaveBook,
    FakeNotices,
    FakePatientMoves,
    FakePractitionerCalendar,
    FakePtoLedger,
    FakeRosterDrafts,
    FakeShiftBook,
    FakeStaffRecords,
    FakeStaffSettings,
    FakeWorkflow,
)

PRACTICE = "practice-unit"
LINK_SECRET = b"s" * 32
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def coordinator(user: str = "coord-1") -> Caller:
    return Caller(user_id=user, practice_id=PRACTICE, roles=frozenset({Role.COORDINATOR}), request_id="t")


def staff_user(user: str, role: Role = Role.STAFF) -> Caller:
    return Caller(user_id=user, practice_id=PRACTICE, roles=frozenset({role}), request_id="t")


def patient_user(patient: str = "p-1") -> Caller:
    return Caller(user_id="pat-user", practice_id=PRACTICE, roles=frozenset({Role.PATIENT}), patient_id=patient,
                  request_id="t")


def member_in(user_id: str, role: str = "front_desk", hours: float = 40, manager: str | None = None,
              locations: tuple[str, ...] = ("main",), **more) -> StaffMemberIn:
    return StaffMemberIn(user_id=user_id, name=f"Member {user_id}", role=role, contracted_hours=hours,
                         manager_id=manager, location_ids=list(locations), **more)


@dataclass
class Staff:
    now: datetime = NOW
    audit: FakeAuditTrail = field(default_factory=FakeAuditTrail)

    def __post_init__(self) -> None:
        self.records = FakeStaffRecords(self.audit)
        self.settings = FakeStaffSettings(self.audit)
        self.shift_book = FakeShiftBook(self.audit)
        self.members = StaffMembers(self.records, self.settings, self.audit, self.clock)
        self.rostering = Rostering(self.records, self.shift_book, self.audit, self.clock)
        self.coverage = Coverage(self.settings, self.shift_book, self.audit, self.clock)
        self.leave_book = FakeLeaveBook(self.audit)
        self.ledger = FakePtoLedger(self.audit)
        self.workflow = FakeWorkflow()
        self.calendar = FakePractitionerCalendar()
        self.moves = FakePatientMoves(self.clock)
        self.effects = LeaveEffects(self.records, self.leave_book, self.ledger, self.shift_book, self.calendar,
                                    self.audit, self.clock, moves=self.moves)
        self.leave = LeaveRequests(self.records, self.settings, self.leave_book, self.workflow, self.effects,
                                   self.audit, self.clock)
        self.pto = PtoAccounts(self.records, self.settings, self.ledger, self.audit, self.clock)
        self.approval = LeaveApproval(self.records, self.settings, self.leave_book, self.ledger, self.effects,
                                      self.calendar, FakeNotices(), self.workflow, self.audit, self.clock,
                                      links=DecisionLinks(lambda: LINK_SECRET, "https://api.example"))
        self.decision_links = LeaveDecisionByLink(self.records, self.leave_book, self.leave,
                                                  DecisionLinks(lambda: LINK_SECRET), self.clock)
        self.moving = PatientMoving(self.records, self.leave_book, self.calendar, self.moves, FakeNotices(),
                                    self.audit, self.clock)

        self.drafts = FakeRosterDrafts(self.audit)
        self.suggestions = RosterSuggestions(self.records, self.settings, self.shift_book, self.leave_book,
                                             self.drafts, self._solver, self.audit, self.clock)

    @staticmethod
    def _solver():
        from functions.staff.solver import CpSatRosterSolver

        return CpSatRosterSolver()

    def set_policy(self, **values) -> None:
        current = self.settings.policy(PRACTICE)
        body = StaffPolicyIn(**{**current.model_dump(include=set(StaffPolicyIn.model_fields)), **values})
        self.pto.set_policy(coordinator(), body, lambda: current.version)

    def clock(self) -> datetime:
        return self.now
