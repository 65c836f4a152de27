"""What the staff area's models share: job roles, wall-clock times of day, hour amounts and locations."""

import re
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$")


class JobRole(StrEnum):
    """What a staff member does on a shift: the roles coverage rules count (not the sign-in groups)."""

    COORDINATOR = "coordinator"
    PRACTITIONER = "practitioner"
    NURSE = "nurse"
    ASSISTANT = "assistant"
    FRONT_DESK = "front_desk"
    BILLING = "billing"
    MANAGER = "manager"


def _time(value: str) -> str:
    if not _TIME.fullmatch(value):
        raise ValueError("must be a time of day HH:MM (00:00 to 24:00)")
    return value


def _quarter_hours(value: float) -> float:
    if round(value * 4) != value * 4:
        raise ValueError("must be a multiple of a quarter hour (0.25)")
    return value


# a wall-clock time in the practice's time zone; 24:00 ends a day
TimeOfDay = Annotated[str, StringConstraints(min_length=5, max_length=5), AfterValidator(_time)]
LocationId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Hours = Annotated[float, Field(ge=0, le=10_000), AfterValidator(_quarter_hours)]
Weekday = Annotated[int, Field(ge=0, le=6, description="0 Monday .. 6 Sunday")]


def minutes_of(time_of_day: str) -> int:
    hours, minutes = time_of_day.split(":")
    return int(hours) * 60 + int(minutes)


def to_minutes(hours: float) -> int:
    return round(hours * 60)


def to_hours(minutes: int) -> float:
    return minutes / 60
