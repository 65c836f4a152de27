"""Leave requests and their assessment, PTO ledger entries and balances."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, NaiveDatetime, model_validator

from functions.core.dates import CalendarDate, on_calendar
from functions.core.models import Shape, Stored, Strict
from functions.core.types import Text, UserId

LeaveKind = Literal["vacation", "sick", "training", "unpaid"]
LeaveStatus = Literal["pending", "pending_coordinator", "overdue", "approved", "rejected", "withdrawn", "failed"]
ACTIVE: frozenset[str] = frozenset({"pending", "pending_coordinator", "overdue", "approved"})
DECIDABLE: frozenset[str] = frozenset({"pending", "pending_coordinator", "overdue"})
# leave paid from the PTO balance; training is paid by the practice and unpaid leave by nobody
FROM_PTO: frozenset[str] = frozenset({"vacation", "sick"})


def _on_calendar(value: datetime) -> datetime:
    if not on_calendar(value.date()):
        raise ValueError("must be a time between 1800 and 2199")
    return value


LocalTime = Annotated[NaiveDatetime, Field(description="wall time in the practice's time zone, e.g. "
                                                       "2026-03-04T09:00")]


class LeaveRequestIn(Strict):
    """Days (first_day..last_day, both included) or hours (starts_at..ends_at, wall time in the practice's
    time zone). Without user_id, the leave is the caller's own."""

    user_id: UserId | None = None
    kind: LeaveKind
    unit: Literal["days", "hours"]
    first_day: CalendarDate | None = None
    last_day: CalendarDate | None = None
    starts_at: LocalTime | None = None
    ends_at: LocalTime | None = None
    note: Text(500) | None = None

    @model_validator(mode="after")
    def _shape(self) -> "LeaveRequestIn":
        days, hours = (self.first_day, self.last_day), (self.starts_at, self.ends_at)
        if self.unit == "days" and (None in days or any(v is not None for v in hours)):
            raise ValueError("leave in days names first_day and last_day only")
        if self.unit == "hours" and (None in hours or any(v is not None for v in days)):
            raise ValueError("leave in hours names starts_at and ends_at only")
        for value in hours:
            if value is not None:
                _on_calendar(value)
        return self


class Assessment(Stored):
    """What the leave would cost: the balance after it, the shifts it empties, the gaps they leave, and the
    booked patients in it (counts and ids only)."""

    balance_minutes: int
    short_minutes: int
    shift_ids: list[str]
    gaps: int
    appointment_ids: list[str]
    auto_approvable: bool


class LeaveRequest(Stored):
    practice_id: str
    id: str
    user_id: str
    kind: LeaveKind
    unit: Literal["days", "hours"]
    first_day: date
    last_day: date
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    minutes: int  # the working time it covers
    time_zone: str
    note: str | None = None
    status: LeaveStatus
    assessment: Assessment | None = None
    decision: Literal["approve", "reject", "withdraw"] | None = None
    decided_by: str | None = None
    decided_at: str | None = None
    reason: str | None = None
    taken: bool = False  # its minutes are out of the PTO balance (a ledger entry)
    patients_to_move: int | None = Field(default=None, description="booked patients the front desk still has to "
                                         "move once the offers closed (GET /leave-requests/{id}/moves)")
    submitted_by: str
    submitted_at: str
    version: int
    # the waiting workflow's task token: kept with the request, never shown
    task_token: str | None = Field(default=None, exclude=True)

    @property
    def hours(self) -> float:
        return self.minutes / 60

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


class LeaveList(Stored):
    requests: list[LeaveRequest]


class PatientToMove(Stored):
    """A booked patient approved leave falls on who was not moved by an offer: declined, did not answer by the
    deadline, or had no other time to be offered."""

    appointment_id: str
    patient_id: str
    practitioner_id: str
    start: str
    status: Literal["declined", "unanswered", "no_slots"]


class PatientsToMove(Stored):
    leave_id: str
    patients: list[PatientToMove]


class DecisionView(Shape):
    """What a decision link shows: who asks for which days, and whether it is still open."""

    action: Literal["approve", "reject"]
    member: str
    kind: LeaveKind
    first_day: date
    last_day: date
    hours: float
    status: LeaveStatus
    decision: str | None = None
    open: bool


class DecisionIn(Strict):
    reason: Text(500) | None = None


EntryKind = Literal["accrual", "carry_over", "taken", "restored"]


class PtoEntry(Stored):
    """One line of the PTO ledger: never changed, never removed. Its id is derived from what it is for (the
    month accrued, the leave taken), so the same fact cannot be written twice."""

    user_id: str
    id: str
    on: date
    kind: EntryKind
    minutes: int  # signed: accruals add, takings subtract
    leave_id: str | None = None
    at: str


class PtoBalance(Stored):
    user_id: str
    balance_hours: float
    entries: list[PtoEntry]


class AccrualRun(Stored):
    practice_id: str
    month: str
    accrued: int  # members credited this run
    already: int  # members credited by an earlier run
