"""Shifts, the roster of a location, coverage rules, the coverage report and its gaps, roster drafts."""

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, model_validator

from functions.core.dates import CalendarDate
from functions.core.models import Stored, Strict
from functions.core.types import UserId
from functions.staff.models.common import JobRole, LocationId, TimeOfDay, Weekday, minutes_of

ShiftStatus = Literal["scheduled", "on_leave"]


class ShiftIn(Strict):
    user_id: UserId
    location_id: LocationId
    date: CalendarDate
    start: TimeOfDay
    end: TimeOfDay
    role: JobRole | None = Field(default=None, description="the role worked; default: the member's own")

    @model_validator(mode="after")
    def _ordered(self) -> "ShiftIn":
        if minutes_of(self.end) <= minutes_of(self.start):
            raise ValueError("a shift ends after it starts (a night shift is two shifts, one each day)")
        return self


class Shift(Stored):
    practice_id: str
    id: str
    user_id: str
    location_id: str
    date: date
    start: str
    end: str
    role: JobRole
    status: ShiftStatus = "scheduled"
    leave_id: str | None = None  # the approved leave that released it
    draft_id: str | None = None  # the roster draft it was published from
    version: int
    created_at: str

    @property
    def minutes(self) -> int:
        return minutes_of(self.end) - minutes_of(self.start)

    @property
    def working(self) -> bool:
        return self.status == "scheduled"

    @property
    def evening(self) -> bool:
        return minutes_of(self.end) > 18 * 60

    @property
    def weekend(self) -> bool:
        return self.date.weekday() >= 5


class Roster(Stored):
    location_id: str
    first: date
    last: date
    shifts: list[Shift]


class StaffDay(Stored):
    """What one member works on one day, and the version that serializes changes to it."""

    user_id: str
    date: date
    shifts: list[Shift]
    version: int = 0


class CoverageRule(Strict):
    """At least `min_staff` people of `role` on shift between `start` and `end` on `weekdays`; with `per`, that
    many for each person of role `per` on shift (a practitioner's clinic needs an assistant)."""

    role: JobRole
    min_staff: Annotated[int, Field(ge=1, le=50)] = 1
    per: JobRole | None = None
    weekdays: Annotated[list[Weekday], Field(min_length=1, max_length=7)] = [0, 1, 2, 3, 4]
    start: TimeOfDay = "08:00"
    end: TimeOfDay = "18:00"

    @model_validator(mode="after")
    def _ordered(self) -> "CoverageRule":
        if minutes_of(self.end) <= minutes_of(self.start):
            raise ValueError("a rule's hours end after they start")
        if self.per == self.role:
            raise ValueError("a role does not cover itself")
        return self


class CoverageRulesIn(Strict):
    rules: Annotated[list[CoverageRule], Field(max_length=50)]


class CoverageRules(Stored):
    practice_id: str
    location_id: str
    rules: list[CoverageRule]
    version: int = 0


class CoverageGap(Stored):
    """Who is missing where and when: `short` fewer people of `role` than the rules ask for."""

    location_id: str
    date: date
    start: str  # wall time in the practice's time zone
    end: str
    role: JobRole
    required: int
    scheduled: int
    short: int


class CoverageReport(Stored):
    location_id: str
    first: date
    last: date
    time_zone: str
    gaps: list[CoverageGap]


class DraftIn(Strict):
    location_id: LocationId
    week_of: CalendarDate = Field(description="the Monday the week starts")
    shift_hours: Annotated[int, Field(ge=2, le=12)] = 8

    @model_validator(mode="after")
    def _monday(self) -> "DraftIn":
        if self.week_of.weekday() != 0:
            raise ValueError("a roster week starts on a Monday")
        return self


DraftStatus = Literal["solving", "ready", "infeasible", "failed", "published"]


class DraftShift(Stored):
    user_id: str
    date: date
    start: str
    end: str
    role: JobRole


class RosterDraft(Stored):
    practice_id: str
    id: str
    location_id: str
    week_of: date
    shift_hours: int
    status: DraftStatus
    shifts: list[DraftShift] = []
    gaps: list[CoverageGap] = []
    solve_seconds: float | None = None
    reason: str | None = None
    requested_by: str
    version: int
    created_at: str
