"""Leave kept straight in the practice's time zone: a request's days or hours to UTC instants and the working
minutes it covers, with the practice's leave unit and DST (a night that loses an hour is an hour shorter)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from functions.core.dates import check_range
from functions.core.errors import Invalid
from functions.staff.models.leave import LeaveRequestIn
from functions.staff.models.members import StaffMember, StaffPolicy

MAX_LEAVE_DAYS = 366
WORK_WEEK = (0, 1, 2, 3, 4)


@dataclass(frozen=True)
class LeaveSpan:
    first_day: date
    last_day: date
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    minutes: int


def working_weekdays(member: StaffMember) -> tuple[int, ...]:
    """The weekdays a member works: those of their availability, else Monday to Friday."""
    return tuple(sorted({w.weekday for w in member.availability})) or WORK_WEEK


def day_minutes(member: StaffMember) -> int:
    """A working day's length for this member: their contracted week spread over their working weekdays."""
    return round(member.contracted_hours * 60 / len(working_weekdays(member)))


def to_utc(local: datetime, zone: ZoneInfo, what: str) -> datetime:
    """A wall time in `zone` as UTC; a wall time the clocks skip (spring forward) is a 422, and one they repeat
    (fall back) is its first occurrence."""
    aware = local.replace(tzinfo=zone, fold=0)
    moved = aware.astimezone(UTC)
    if moved.astimezone(zone).replace(tzinfo=None) != local:
        raise Invalid(f"{what} does not exist in {zone.key} (the clocks skip it)", code="nonexistent_local_time")
    return moved


def leave_span(body: LeaveRequestIn, policy: StaffPolicy, member: StaffMember) -> LeaveSpan:
    zone = ZoneInfo(policy.time_zone)
    if body.unit == "days":
        first, last = body.first_day, body.last_day
        if last < first:
            raise Invalid("the leave ends before it starts", code="ends_before_start")
        check_range(first, last, MAX_LEAVE_DAYS, "leave")
        starts = datetime.combine(first, datetime.min.time()).replace(tzinfo=zone).astimezone(UTC)
        ends = datetime.combine(last + timedelta(days=1), datetime.min.time()).replace(tzinfo=zone).astimezone(UTC)
        weekdays = working_weekdays(member)
        worked = sum(1 for n in range((last - first).days + 1) if (first + timedelta(days=n)).weekday() in weekdays)
        if worked == 0:
            raise Invalid("the leave holds no working day", code="no_working_time")
        return LeaveSpan(first, last, starts, ends, worked * day_minutes(member))
    starts = to_utc(body.starts_at, zone, "starts_at")
    ends = to_utc(body.ends_at, zone, "ends_at")
    if ends <= starts:
        raise Invalid("the leave ends before it starts", code="ends_before_start")
    minutes = int((ends - starts).total_seconds() // 60)
    if minutes > MAX_LEAVE_DAYS * 24 * 60:
        raise Invalid(f"leave is at most {MAX_LEAVE_DAYS} days", code="range_too_long")
    if minutes % policy.unit_minutes:
        raise Invalid(f"leave in hours is taken in multiples of {policy.leave_unit_hours:g} hours",
                      {"unit_hours": policy.leave_unit_hours, "hours": minutes / 60}, code="not_a_multiple_of_unit")
    last_day = (ends - timedelta(minutes=1)).astimezone(zone).date()
    return LeaveSpan(body.starts_at.date(), last_day, starts, ends, minutes)


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end
