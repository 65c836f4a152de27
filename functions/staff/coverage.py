"""Minimum coverage per location and time of day, and the report that names each gap: when, where, which
role, how many short. The rules are the practice's; `gaps` is pure so the solver and tests share it."""

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

from functions.core import authz
from functions.core.auth import Caller
from functions.core.dates import check_range
from functions.core.errors import stale
from functions.core.service import AreaService, AuditTrail
from functions.core.types import ExpectedVersion
from functions.staff.models.common import JobRole, minutes_of
from functions.staff.models.roster import (
    CoverageGap,
    CoverageReport,
    CoverageRule,
    CoverageRules,
    CoverageRulesIn,
    Shift,
)
from functions.staff.ports import ShiftBook, StaffSettings

GRANULE = 15  # minutes: the finest step a rule or shift is read in
MAX_REPORT_DAYS = 62


def clock_time(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def required(rules: Iterable[CoverageRule], weekday: int, minute: int, on_shift: Counter) -> dict[JobRole, int]:
    """How many of each role the rules ask for in the granule starting at `minute`. Two rules for one role ask
    for the larger number, not the sum; a `per` rule asks for nothing while nobody of that role works."""
    needed: dict[JobRole, int] = {}
    for rule in rules:
        if weekday in rule.weekdays and minutes_of(rule.start) <= minute < minutes_of(rule.end):
            count = rule.min_staff * (on_shift[rule.per] if rule.per else 1)
            if count:
                needed[rule.role] = max(needed.get(rule.role, 0), count)
    return needed


def days(first: date, last: date) -> Iterable[date]:
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


def gaps(location_id: str, rules: list[CoverageRule], shifts: Iterable[Shift | object], first: date,
         last: date) -> list[CoverageGap]:
    """Each stretch of time in `first`..`last` where fewer people of a role are on shift than the rules ask,
    as one gap per unchanged shortfall. A shift counts for a granule it covers whole; released shifts (their
    member on leave) count for nothing. `shifts` need `date`, `start`, `end`, `role` and, optionally, `working`."""
    by_day: dict[date, list] = {}
    for shift in shifts:
        if getattr(shift, "working", True):
            by_day.setdefault(shift.date, []).append(shift)
    found: list[CoverageGap] = []
    for day in days(first, last):
        working = [(minutes_of(s.start), minutes_of(s.end), s.role) for s in by_day.get(day, [])]
        open_gaps: dict[tuple[JobRole, int, int], CoverageGap] = {}
        for minute in range(0, 24 * 60, GRANULE):
            on_shift = Counter(role for start, end, role in working if start <= minute and end >= minute + GRANULE)
            short_now = {}
            for role, count in required(rules, day.weekday(), minute, on_shift).items():
                if on_shift[role] < count:
                    short_now[(role, count, on_shift[role])] = True
            for key in list(open_gaps):
                if key not in short_now:
                    found.append(open_gaps.pop(key))
            for key in short_now:
                role, count, have = key
                gap = open_gaps.get(key)
                end = clock_time(minute + GRANULE)
                if gap is None:
                    open_gaps[key] = CoverageGap(location_id=location_id, date=day, start=clock_time(minute), end=end,
                                                 role=role, required=count, scheduled=have, short=count - have)
                else:
                    gap.end = end
        found.extend(open_gaps.values())
    return sorted(found, key=lambda g: (g.date, g.start, g.role))


class Coverage(AreaService):
    def __init__(self, settings: StaffSettings, shifts: ShiftBook, audit: AuditTrail,
                 now: Callable[[], datetime]) -> None:
        self.settings, self.shifts, self.audit, self.now = settings, shifts, audit, now

    def rules(self, caller: Caller, location_id: str) -> CoverageRules:
        authz.authorize(caller, "staff.coverage.read")
        return self.settings.coverage_rules(caller.practice_id, location_id)

    def set_rules(self, caller: Caller, location_id: str, body: CoverageRulesIn,
                  expected: ExpectedVersion) -> CoverageRules:
        authz.authorize(caller, "staff.coverage.update")
        version = expected()
        current = self.settings.coverage_rules(caller.practice_id, location_id)
        if current.version != version:
            raise stale("coverage rules")
        rules = CoverageRules(practice_id=caller.practice_id, location_id=location_id, rules=body.rules,
                              version=current.version + 1)
        self.settings.save_coverage_rules(rules, self._draft(caller, "coverage_rules.update", "COVERAGE_RULES",
                                                             location_id))
        return rules

    def report(self, caller: Caller, location_id: str, first: date, last: date) -> CoverageReport:
        authz.authorize(caller, "staff.coverage.read")
        check_range(first, last, MAX_REPORT_DAYS, "a coverage report")
        rules = self.settings.coverage_rules(caller.practice_id, location_id)
        shifts = self.shifts.at_location(caller.practice_id, location_id, first, last)
        policy = self.settings.policy(caller.practice_id)
        return CoverageReport(location_id=location_id, first=first, last=last, time_zone=policy.time_zone,
                              gaps=gaps(location_id, rules.rules, shifts, first, last))
