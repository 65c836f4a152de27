"""Staff members (their role, employment, manager, locations, practitioner link) and the practice's staff
policy (time zone, leave unit, accrual)."""

from typing import Annotated

from pydantic import ConfigDict, Field, computed_field, model_validator

from functions.core.models import Stored, Strict
from functions.core.types import Email, Language, Name, TimeZone, UserId
from functions.staff.models.common import Hours, JobRole, LocationId, TimeOfDay, Weekday, minutes_of

Locations = Annotated[list[LocationId], Field(min_length=1, max_length=20)]


class Window(Strict):
    """A weekly window in which a staff member can work (wall time in the practice's time zone)."""

    weekday: Weekday
    start: TimeOfDay
    end: TimeOfDay

    @model_validator(mode="after")
    def _ordered(self) -> "Window":
        if minutes_of(self.end) <= minutes_of(self.start):
            raise ValueError("a window ends after it starts")
        return self


class StaffMemberIn(Strict):
    user_id: UserId = Field(description="the staff member's sign-in identity (the Cognito sub)")
    name: Name
    email: Email | None = None
    role: JobRole
    contracted_hours: Annotated[Hours, Field(le=80, description="hours per week in the contract")]
    manager_id: UserId | None = None
    location_ids: Locations
    practitioner_id: Annotated[str | None, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$",
                                                 description="the scheduling practitioner they are")] = None
    availability: Annotated[list[Window], Field(max_length=50,
                                                description="when they can work; empty: any time")] = []
    language: Language = "en"
    time_zone: TimeZone = "UTC"
    active: bool = True

    @model_validator(mode="after")
    def _not_own_manager(self) -> "StaffMemberIn":
        if self.manager_id is not None and self.manager_id == self.user_id:
            raise ValueError("a staff member is not their own manager")
        return self


class StaffMemberPatch(Strict):
    name: Name | None = None
    email: Email | None = None
    role: JobRole | None = None
    contracted_hours: Annotated[Hours | None, Field(le=80)] = None
    manager_id: UserId | None = None
    location_ids: Locations | None = None
    practitioner_id: Annotated[str | None, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")] = None
    availability: Annotated[list[Window] | None, Field(max_length=50)] = None
    language: Language | None = None
    time_zone: TimeZone | None = None
    active: bool | None = None


class StaffMember(Stored):
    """Kept at STAFF#<user id>/PROFILE: notifications reads user_id, name, email, active, language and
    time_zone from the same record."""

    practice_id: str
    user_id: str
    name: str
    email: str | None = None
    role: JobRole
    contracted_hours: float
    fte: float = Field(description="contracted hours over the practice's full-time week")
    manager_id: str | None = None
    location_ids: list[str]
    practitioner_id: str | None = None
    availability: list[Window] = []
    language: str = "en"
    time_zone: str = "UTC"
    active: bool = True
    version: int
    created_at: str
    updated_at: str
    # moved by the staff-sign-in trigger without a new version (a sign-in is not an edit of the member)
    last_signed_in_at: str | None = None

    @computed_field(description="the member's id in this API: their user id")
    @property
    def id(self) -> str:
        return self.user_id


class StaffList(Stored):
    members: list[StaffMember]


class StaffPolicyIn(Strict):
    """How the practice counts leave and earns PTO. Hours are multiples of a quarter hour."""

    time_zone: TimeZone
    full_time_hours: Annotated[Hours, Field(gt=0, le=80)] = 40
    leave_unit_hours: Annotated[Hours, Field(gt=0, le=24, description="leave is taken in multiples of this")] = 1
    accrual_hours_per_month: Annotated[Hours, Field(le=80, description="PTO earned a month at 1.0 FTE")] = 10
    carry_over_cap_hours: Annotated[Hours, Field(le=2000, description="PTO kept into a new year")] = 40
    max_balance_hours: Annotated[Hours, Field(le=2000, description="accrual stops at this balance")] = 160
    auto_approve_max_hours: Annotated[Hours, Field(le=80, description="shorter leave with no coverage gap "
                                                                     "and no booked patient is approved")] = 8
    manager_hours: Annotated[int, Field(ge=1, le=720, description="a manager's time to decide")] = 48
    coordinator_hours: Annotated[int, Field(ge=1, le=720, description="then the coordinator's")] = 48
    leave_decision_days: Annotated[int, Field(ge=1, le=60, description="days a leave request may wait for a "
                                                                       "decision before compliance flags it")] = 5


class StaffPolicy(StaffPolicyIn):
    model_config = ConfigDict(extra="ignore")  # read back: tolerant of attributes added later

    practice_id: str
    version: int = 0  # 0: the defaults, never stored

    @property
    def unit_minutes(self) -> int:
        return round(self.leave_unit_hours * 60)


def default_policy(practice_id: str) -> StaffPolicy:
    return StaffPolicy(practice_id=practice_id, time_zone="UTC")
