"""The calendar a request may name. Every date and date-time a route accepts lies between EARLIEST and
LATEST, so the arithmetic done with it (the day after a range, a filing deadline a year on, a time moved to
UTC) stays inside Python's calendar: 0001-01-01 or 9999-12-31 is a 422 that says the bounds, never an
OverflowError. A range of dates is checked here too, with one rule for its order and length."""

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime

from functions.core.errors import Invalid

EARLIEST = date(1800, 1, 1)
LATEST = date(2199, 12, 31)
BOUNDS = f"between {EARLIEST.isoformat()} and {LATEST.isoformat()}"


def on_calendar(value: date) -> bool:
    return EARLIEST <= value <= LATEST


def _date(value: date) -> date:
    if not on_calendar(value):
        raise ValueError(f"must be a date {BOUNDS}")
    return value


def _date_time(value: datetime) -> datetime:
    # the date as written, before any move to UTC: 0001-01-01T00:00+01:00 cannot be moved at all
    if not on_calendar(value.date()):
        raise ValueError(f"must be a time {BOUNDS}")
    return value


CalendarDate = Annotated[date, AfterValidator(_date)]
CalendarDateTime = Annotated[AwareDatetime, AfterValidator(_date_time)]


def range_problem(first: date, last: date, max_days: int, what: str = "a range") -> tuple[str, str] | None:
    """(code, message) saying why `first`..`last`, both days included, is not a range a caller may ask for;
    None if it is."""
    if not (on_calendar(first) and on_calendar(last)):
        return "invalid_range", f"{what} must lie {BOUNDS}"
    if last < first:
        return "invalid_range", f"{what} ends before it starts"
    if (last - first).days + 1 > max_days:
        return "range_too_long", f"{what} is at most {max_days} days"
    return None


def check_range(first: date, last: date, max_days: int, what: str = "a range") -> None:
    """A 422 for a range of dates out of order, too long or off the calendar."""
    problem = range_problem(first, last, max_days, what)
    if problem is not None:
        code, message = problem
        raise Invalid(message, {"max_days": max_days}, code=code)
