"""What the staff use cases need from the world, each named for its role. DynamoDB adapters are in
`dynamo/`, the solver in `solver.py`, Step Functions in `workflow.py`; tests use `tests/fakes/staff.py`."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from functions.core.audit import AuditDraft
from functions.core.auth import Caller
from functions.core.events import DomainEvent
from functions.core.idempotency import IdempotencyClaim, IdempotentRequest
from functions.staff.models.leave import LeaveRequest, PatientToMove, PtoEntry
from functions.staff.models.members import StaffMember, StaffPolicy
from functions.staff.models.roster import CoverageRules, RosterDraft, Shift, StaffDay


class StaffRecords(Protocol):
    """The practice's staff members, by sign-in id."""

    def member(self, practice_id: str, user_id: str) -> StaffMember | None: ...
    def members(self, practice_id: str) -> list[StaffMember]: ...
    def reports_of(self, practice_id: str, manager_id: str) -> list[StaffMember]: ...
    def add(self, member: StaffMember, audit: AuditDraft, claim: IdempotencyClaim | None = None) -> None: ...
    def replace(self, member: StaffMember, audit: AuditDraft) -> None: ...
    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None: ...

    def sign_in(self, member: StaffMember, at: str, audit: AuditDraft) -> None:
        """The member signed in at `at`: kept on the version read (412 when it moved), the version unchanged."""

    def quiet_since(self, practice_id: str, before: date) -> list[StaffMember]:
        """The active members whose last sign-in (or creation, never signed in) is before `before`."""


class StaffSettings(Protocol):
    """The practice's staff policy and each location's coverage rules; each versioned, first written at 1."""

    def policy(self, practice_id: str) -> StaffPolicy: ...
    def save_policy(self, policy: StaffPolicy, audit: AuditDraft) -> None: ...
    def coverage_rules(self, practice_id: str, location_id: str) -> CoverageRules: ...
    def save_coverage_rules(self, rules: CoverageRules, audit: AuditDraft) -> None: ...


class ShiftBook(Protocol):
    """Shifts, by location and by member. A member's day carries a version, so two changes to the same day
    cannot both pass a check made on what the other did not see."""

    def shift(self, practice_id: str, shift_id: str) -> Shift | None: ...
    def at_location(self, practice_id: str, location_id: str, first: date, last: date) -> list[Shift]: ...
    def of_member(self, practice_id: str, user_id: str, first: date, last: date) -> list[Shift]: ...
    def day(self, practice_id: str, user_id: str, on: date) -> StaffDay: ...
    def change(self, puts: Sequence[Shift], removals: Sequence[Shift], days: Sequence[StaffDay],
               audit: AuditDraft) -> None: ...


@dataclass(frozen=True)
class LeaveCalendar:
    """A member's active leave as (start, end, leave id), UTC, and the version that serializes submissions."""

    user_id: str
    spans: tuple[tuple[datetime, datetime, str], ...]
    version: int


class LeaveBook(Protocol):
    def request(self, practice_id: str, leave_id: str) -> LeaveRequest | None: ...
    def requests_of(self, practice_id: str, user_id: str) -> list[LeaveRequest]: ...
    def requests(self, practice_id: str, first: date, last: date) -> list[LeaveRequest]: ...

    def waiting(self, practice_id: str, submitted_before: date) -> list[LeaveRequest]:
        """The requests still waiting for a decision, submitted before `submitted_before`, oldest first."""

    def calendar(self, practice_id: str, user_id: str) -> LeaveCalendar: ...
    def submit(self, request: LeaveRequest, calendar: LeaveCalendar, audit: AuditDraft,
               events: Sequence[DomainEvent] = (), claim: IdempotencyClaim | None = None) -> None: ...
    def save(self, request: LeaveRequest, audit: AuditDraft, events: Sequence[DomainEvent] = ()) -> None: ...
    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None: ...


class PtoLedger(Protocol):
    """An append-only ledger per member; the balance is its sum."""

    def entries(self, practice_id: str, user_id: str) -> list[PtoEntry]: ...
    def append(self, practice_id: str, entries: Sequence[PtoEntry], audit: AuditDraft) -> bool: ...
    def month_closed(self, practice_id: str, month: str) -> bool: ...
    def close_month(self, practice_id: str, month: str) -> None: ...


class RosterDrafts(Protocol):
    def draft(self, practice_id: str, draft_id: str) -> RosterDraft | None: ...
    def save(self, draft: RosterDraft, audit: AuditDraft, events: Sequence[DomainEvent] = ()) -> None: ...


@dataclass(frozen=True)
class BookedVisit:
    """A booked appointment as the staff area needs it: ids and times, no health details."""

    appointment_id: str
    patient_id: str
    start: datetime


class PractitionerCalendar(Protocol):
    """Scheduling as leave needs it: the patients booked with a practitioner, and their availability."""

    def booked(self, practice_id: str, practitioner_id: str, starts_at: datetime,
               ends_at: datetime) -> list[BookedVisit]: ...
    def block(self, practice_id: str, practitioner_id: str, starts_at: datetime, ends_at: datetime,
              leave_id: str) -> None: ...
    def unblock(self, practice_id: str, practitioner_id: str, starts_at: datetime, ends_at: datetime,
                leave_id: str) -> None: ...


@dataclass(frozen=True)
class OfferedMoves:
    open: int  # offers waiting for the patient's answer
    deadline: datetime  # when the last of them closes


class PatientMoves(Protocol):
    """Scheduling as leave needs it to move booked patients: offer each other times (once per leave and
    appointment), close the offers at their deadline, and list those still to move."""

    def offer(self, practice_id: str, leave_id: str, appointment_ids: Sequence[str], starts_at: datetime,
              ends_at: datetime, deadline: datetime) -> OfferedMoves: ...
    def close(self, practice_id: str, leave_id: str) -> int:
        """Offers past their deadline go to the worklist; how many patients are still to move."""
    def worklist(self, caller: Caller, leave_id: str) -> list[PatientToMove]: ...
    def withdraw(self, practice_id: str, leave_id: str) -> None:
        """The leave was withdrawn: open offers close, nobody is left to move."""


class LeaveWorkflow(Protocol):
    def start(self, practice_id: str, leave_id: str, timeouts: dict[str, int]) -> None: ...
    def resume(self, task_token: str, outcome: dict[str, Any]) -> None: ...


class Notices(Protocol):
    """A work notice to a staff member (in-app and email), as an event that rides the change's transaction."""

    def to_staff(self, practice_id: str, user_id: str, title: str, details: str, key: str) -> DomainEvent: ...


@dataclass(frozen=True)
class Candidate:
    """A staff member the solver may put on shifts: their role, the minutes their contract allows in the
    week, and when they can work (weekday -> windows in minutes of the day; a day on leave has none)."""

    user_id: str
    role: str
    max_minutes: int
    windows: dict[date, tuple[tuple[int, int], ...]]


@dataclass(frozen=True)
class RosterProblem:
    location_id: str
    days: tuple[date, ...]
    shift_minutes: int
    candidates: tuple[Candidate, ...]
    rules: tuple[Any, ...]  # CoverageRule
    time_limit_s: float = 30.0  # the best roster found by then is the draft; the solver function has 120 s


@dataclass(frozen=True)
class Assignment:
    user_id: str
    day: date
    start: int  # minutes of the day
    end: int


@dataclass(frozen=True)
class RosterSolution:
    status: str  # "optimal", "feasible" (the time ran out first), "infeasible"
    assignments: tuple[Assignment, ...]
    short: int  # person-quarter-hours the rules ask for that nobody covers
    seconds: float
    found_after: float | None = None  # seconds to the best roster (the rest, if any, went on proving it)


class RosterSolver(Protocol):
    """Proposes a week's shifts: coverage with the fewest gaps, no one over their hours, evenings and
    weekends spread fairly."""

    def solve(self, problem: RosterProblem) -> RosterSolution: ...
