"""The practice's scheduling set-up: its policy, practitioners and their weekly hours, rooms, appointment
types, and the exceptions to availability (holidays, blocks, extra hours). Request bodies are strict (unknown
fields refused); stored shapes tolerate attributes added later."""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints, model_validator

from functions.core.dates import CalendarDate
from functions.core.errors import Invalid, NotFound
from functions.core.models import Shape, Stored, Strict
from functions.core.types import Name, TimeZone, UserId
from functions.scheduling.slot_rules import GRANULE_MINUTES, MINUTES_PER_DAY

# --- value types -----------------------------------------------------------------------------------

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
_HHMM = re.compile(r"^(?:([01][0-9]|2[0-3]):([0-5][0-9])|(24):(00))$")
# The longest hold (appointment + buffer): keeps a booking's time items, and a reschedule's, inside one
# 100-item transaction, and bounds how far before a range an overlapping booking can start.
MAX_HOLD_MINUTES = 240


def minutes_of(text: str) -> int:
    match = _HHMM.fullmatch(text)
    if not match:
        raise ValueError("must be a time of day as HH:MM (24:00 for midnight at the end of a day)")
    hours, minutes = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    return int(hours) * 60 + int(minutes)


def _clock_time(text: str) -> str:
    if minutes_of(text) % GRANULE_MINUTES:
        raise ValueError(f"must be on the {GRANULE_MINUTES}-minute grid, e.g. 09:00, 09:15")
    return text


def _on_grid(minutes: int) -> int:
    if minutes % GRANULE_MINUTES:
        raise ValueError(f"must be a multiple of {GRANULE_MINUTES} minutes")
    return minutes


ClockTime = Annotated[str, StringConstraints(max_length=5), AfterValidator(_clock_time)]
Weekday = Annotated[int, Field(ge=0, le=6, description="0 = Monday ... 6 = Sunday")]
Mode = Literal["in_person", "virtual"]
Visit = Literal["new", "follow_up"]


# --- practice policy -------------------------------------------------------------------------------

class PolicyFields(Strict):
    time_zone: TimeZone = "UTC"
    practice_name: Name = "your practice"
    late_cancel_hours: int = Field(default=24, ge=0, le=168, description="a cancel later than this is late")
    late_cancel_fee_cents: int = Field(default=0, ge=0, le=100_000)
    reminder_lead_hours: int = Field(default=24, ge=1, le=168)
    offer_expiry_minutes: int = Field(default=120, ge=5, le=2880, description="how long a waitlist offer holds")
    min_notice_minutes: int = Field(default=0, ge=0, le=10_080, description="no booking closer than this")


class PolicyIn(PolicyFields):
    pass


class Policy(Stored, PolicyFields):
    model_config = ConfigDict(extra="ignore")

    version: int = 0
    updated_at: str | None = None


# --- practitioners, rooms, availability ------------------------------------------------------------

class WeeklyWindowIn(Strict):
    weekday: Weekday
    start: ClockTime
    end: ClockTime

    @model_validator(mode="after")
    def _order(self) -> "WeeklyWindowIn":
        if minutes_of(self.end) <= minutes_of(self.start):
            raise ValueError("end must be after start")
        return self


def _no_overlap(windows: list[WeeklyWindowIn]) -> list[WeeklyWindowIn]:
    ordered = sorted(windows, key=lambda w: (w.weekday, minutes_of(w.start)))
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.weekday == after.weekday and minutes_of(after.start) < minutes_of(before.end):
            raise ValueError("two windows on the same day overlap")
    return ordered


Weekly = Annotated[list[WeeklyWindowIn], Field(max_length=50), AfterValidator(_no_overlap)]


class PractitionerIn(Strict):
    name: Name
    user_id: UserId | None = Field(default=None, description="the practitioner's sign-in user, if any")
    active: bool = True
    weekly: Weekly = Field(default_factory=list)


class PractitionerPatch(Strict):
    name: Name | None = None
    user_id: UserId | None = None
    active: bool | None = None


class Practitioner(Stored):
    id: str
    name: str
    user_id: str | None = None
    active: bool = True
    weekly: list[WeeklyWindowIn] = Field(default_factory=list)
    version: int
    created_at: str
    updated_at: str


class PractitionerList(Shape):
    practitioners: list[Practitioner]


class WeeklyIn(Strict):
    weekly: Weekly


class RoomIn(Strict):
    name: Name
    active: bool = True


class Room(Stored):
    id: str
    name: str
    active: bool = True
    version: int
    created_at: str
    updated_at: str


class RoomList(Shape):
    rooms: list[Room]


ExceptionKind = Literal["holiday", "block", "extra_hours"]


class ExceptionIn(Strict):
    """A holiday or block closes time (whole day without times); extra hours open time on one date.
    Without a practitioner it applies to the whole practice (holidays)."""

    practitioner_id: Id | None = None
    date: CalendarDate
    kind: ExceptionKind
    start: ClockTime | None = None
    end: ClockTime | None = None

    @model_validator(mode="after")
    def _shape(self) -> "ExceptionIn":
        if (self.start is None) != (self.end is None):
            raise ValueError("give both start and end, or neither for the whole day")
        if self.start is not None and minutes_of(self.end) <= minutes_of(self.start):
            raise ValueError("end must be after start")
        if self.kind == "extra_hours" and (self.start is None or self.practitioner_id is None):
            raise ValueError("extra hours name a practitioner and the times")
        return self

    @property
    def minutes(self) -> tuple[int, int]:
        if self.start is None:
            return 0, MINUTES_PER_DAY
        return minutes_of(self.start), minutes_of(self.end)


class AvailabilityException(Stored, ExceptionIn):
    model_config = ConfigDict(extra="ignore")

    id: str
    created_at: str
    date: date  # checked on the way in; a stored exception always loads


class ExceptionList(Shape):
    exceptions: list[AvailabilityException]


class Availability(Shape):
    practitioner_id: str
    time_zone: str
    version: int
    weekly: list[WeeklyWindowIn]
    exceptions: list[AvailabilityException]


# --- appointment types -----------------------------------------------------------------------------

def _unique(values: list) -> list:
    if len(set(values)) != len(values):
        raise ValueError("each value may appear once")
    return values


Ids = Annotated[list[Id], Field(max_length=100), AfterValidator(_unique)]


class AppointmentTypeFields(Strict):
    name: Name
    duration_minutes: Annotated[int, Field(ge=GRANULE_MINUTES, le=MAX_HOLD_MINUTES), AfterValidator(_on_grid)]
    buffer_minutes: Annotated[int, Field(ge=0, le=120), AfterValidator(_on_grid)] = 0
    visit: Visit = "follow_up"
    mode: Mode = "in_person"
    practitioner_ids: Ids = Field(min_length=1)
    room_ids: Ids = Field(default_factory=list, description="in person: the rooms it may use")
    active: bool = True

    @model_validator(mode="after")
    def _shape(self):
        if self.duration_minutes + self.buffer_minutes > MAX_HOLD_MINUTES:
            raise ValueError(f"duration and buffer together are at most {MAX_HOLD_MINUTES} minutes")
        if self.mode == "in_person" and not self.room_ids:
            raise ValueError("an in-person type lists the rooms it may use")
        if self.mode == "virtual" and self.room_ids:
            raise ValueError("a virtual type uses no room")
        return self


class AppointmentTypeIn(AppointmentTypeFields):
    pass


class AppointmentType(Stored, AppointmentTypeFields):
    model_config = ConfigDict(extra="ignore")

    id: str
    version: int
    created_at: str
    updated_at: str


class AppointmentTypeList(Shape):
    appointment_types: list[AppointmentType]


# --- the set-up as one read ------------------------------------------------------------------------

@dataclass
class Setup:
    """One practice's scheduling configuration, read in one request."""

    policy: "Policy" = field(default_factory=lambda: Policy())
    practitioners: dict[str, Practitioner] = field(default_factory=dict)
    rooms: dict[str, Room] = field(default_factory=dict)
    types: dict[str, AppointmentType] = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.policy.time_zone)

    def active_type(self, type_id: str) -> AppointmentType:
        kind = self.types.get(type_id)
        if kind is None or not kind.active:
            raise NotFound("no such appointment type", code="appointment_type_not_found")
        return kind

    def practitioner_for(self, kind: AppointmentType, practitioner_id: str) -> Practitioner:
        practitioner = self.practitioners.get(practitioner_id)
        if practitioner is None or not practitioner.active:
            raise NotFound("no such practitioner", code="practitioner_not_found")
        if practitioner_id not in kind.practitioner_ids:
            raise Invalid("that practitioner does not offer this appointment type", code="practitioner_not_offered")
        return practitioner

    def check_references(self, body: "AppointmentTypeFields") -> None:
        """An appointment type names only practitioners and rooms the practice has."""
        unknown = [p for p in body.practitioner_ids if p not in self.practitioners]
        unknown += [r for r in body.room_ids if r not in self.rooms]
        if unknown:
            raise Invalid("no such practitioner or room", {"unknown": unknown}, code="unknown_reference")
