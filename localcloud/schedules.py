"""EventBridge schedule expressions, so the local cloud can fire the catalogue's schedules on time.

`cron(minutes hours day-of-month month day-of-week year)` in UTC, with `*`, `?`, lists, ranges, steps,
month and day names, `L` (last day of the month) and `<day>#<n>` (the n-th such weekday of the month);
day-of-week counts 1 = SUN .. 7 = SAT, and one of the two day fields must be `?`.
`rate(N minute|minutes|hour|hours|day|days)`: every N units from when the schedule was created.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

MONTHS = {name: i for i, name in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=1)}
DAYS = {name: i for i, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), start=1)}
LAST_YEAR = 2199  # EventBridge's last schedulable year
_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((.+)\)$")
_UNITS = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1), "day": timedelta(days=1)}


class ScheduleError(ValueError):
    """The expression is not one EventBridge would accept."""


def _number(text: str, low: int, high: int, names: dict[str, int] | None, field: str) -> int:
    upper = text.upper()
    if names and upper in names:
        return names[upper]
    if not text.isdigit():
        raise ScheduleError(f"{field}: {text!r} is not a number{' or a name' if names else ''}")
    value = int(text)
    if not low <= value <= high:
        raise ScheduleError(f"{field}: {value} is outside {low}-{high}")
    return value


def _field(text: str, low: int, high: int, field: str, names: dict[str, int] | None = None) -> frozenset[int]:
    """`*`, `5`, `1-5`, `*/15`, `10-50/10`, `MON-FRI`, and comma lists of those."""
    values: set[int] = set()
    for part in text.split(","):
        if not part:
            raise ScheduleError(f"{field}: empty list item in {text!r}")
        spec, _, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) == 0:
                raise ScheduleError(f"{field}: step {step_text!r} must be a positive number")
            step = int(step_text)
        if spec == "*":
            first, last = low, high
        elif "-" in spec:
            start_text, _, end_text = spec.partition("-")
            first = _number(start_text, low, high, names, field)
            last = _number(end_text, low, high, names, field)
            if first > last:
                raise ScheduleError(f"{field}: range {spec!r} runs backwards")
        else:
            first = _number(spec, low, high, names, field)
            last = high if step_text else first  # "5/15" means from 5, every 15
        values.update(range(first, last + 1, step))
    return frozenset(values)


@dataclass(frozen=True)
class Cron:
    minutes: frozenset[int]
    hours: frozenset[int]
    days_of_month: frozenset[int] | None  # None: "?"
    last_day_of_month: bool
    months: frozenset[int]
    days_of_week: frozenset[int] | None  # 1 = Sunday; None: "?"
    nth_weekday: tuple[int, int] | None  # (day of week, n) for "2#1", the first Monday
    years: frozenset[int]

    def _day_matches(self, day: date) -> bool:
        if self.days_of_month is not None or self.last_day_of_month:
            last = calendar.monthrange(day.year, day.month)[1]
            return (self.last_day_of_month and day.day == last) or bool(
                self.days_of_month and day.day in self.days_of_month)
        weekday = (day.isoweekday() % 7) + 1  # Monday 1 -> 2, Sunday 7 -> 1
        if self.nth_weekday is not None:
            wanted, n = self.nth_weekday
            return weekday == wanted and (day.day - 1) // 7 + 1 == n
        return self.days_of_week is not None and weekday in self.days_of_week

    def next_after(self, moment: datetime) -> datetime | None:
        """The first time strictly after `moment` the expression names, or None if there is none."""
        moment = moment.astimezone(UTC)
        start = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
        day = start.date()
        hours, minutes = sorted(self.hours), sorted(self.minutes)
        while day.year <= LAST_YEAR:
            if day.year not in self.years:
                later = [y for y in self.years if y > day.year]
                if not later:
                    return None
                day = date(min(later), 1, 1)
                continue
            if day.month not in self.months:
                day = date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)
                continue
            if self._day_matches(day):
                for hour in hours:
                    for minute in minutes:
                        at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
                        if at >= start:
                            return at
            day += timedelta(days=1)
        return None


@dataclass(frozen=True)
class Rate:
    every: timedelta
    anchor: datetime  # when the schedule was created: a rate counts from there

    def next_after(self, moment: datetime) -> datetime:
        if moment < self.anchor:
            return self.anchor + self.every
        periods = (moment - self.anchor) // self.every + 1
        return self.anchor + periods * self.every


def parse_cron(body: str) -> Cron:
    fields = body.split()
    if len(fields) != 6:
        raise ScheduleError("cron needs 6 fields (minutes hours day-of-month month day-of-week year), "
                            f"got {len(fields)}")
    minute, hour, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise ScheduleError("exactly one of day-of-month and day-of-week must be '?'")
    days_of_month, last_day, days_of_week, nth = None, False, None, None
    if dom != "?":
        if dom == "L":
            last_day = True
        else:
            days_of_month = _field(dom, 1, 31, "day-of-month")
    if dow != "?":
        if "#" in dow:
            day_text, _, n_text = dow.partition("#")
            n = _number(n_text, 1, 5, None, "day-of-week")
            nth = (_number(day_text, 1, 7, DAYS, "day-of-week"), n)
        else:
            days_of_week = _field(dow, 1, 7, "day-of-week", DAYS)
    return Cron(
        minutes=_field(minute, 0, 59, "minutes"),
        hours=_field(hour, 0, 23, "hours"),
        days_of_month=days_of_month,
        last_day_of_month=last_day,
        months=_field(month, 1, 12, "month", MONTHS),
        days_of_week=days_of_week,
        nth_weekday=nth,
        years=_field(year, 1970, LAST_YEAR, "year"),
    )


def parse(expression: str, created: datetime | None = None) -> Cron | Rate:
    """A schedule from an EventBridge expression; `created` anchors a rate (default: now)."""
    expression = expression.strip()
    if match := _RATE.match(expression):
        count, unit = int(match.group(1)), match.group(2)
        if count == 0:
            raise ScheduleError("a rate must be at least 1")
        if (count == 1) != (not unit.endswith("s")):
            raise ScheduleError(f"write 'rate(1 {unit.rstrip('s')})' or 'rate(N {unit.rstrip('s')}s)'")
        anchor = (created or datetime.now(UTC)).astimezone(UTC)
        return Rate(every=count * _UNITS[unit.rstrip("s")], anchor=anchor)
    if match := _CRON.match(expression):
        return parse_cron(match.group(1))
    raise ScheduleError(f"{expression!r} is neither cron(...) nor rate(...)")
