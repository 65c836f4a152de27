"""The day report: per practitioner for one local day, the time open, booked, idle and in gaps, and how
long patients waited between arriving and going in."""

from collections.abc import Callable
from datetime import date, datetime, timedelta

from functions.core import clock
from functions.core.auth import Caller
from functions.core.authz import authorize
from functions.core.service import AreaService, AuditTrail
from functions.scheduling import slot_rules
from functions.scheduling.models.appointments import DayReport, PractitionerDay
from functions.scheduling.ports import AvailabilityExceptions, Calendars, SchedulingSetup
from functions.scheduling.slot_rules import Calendar, Interval
from functions.scheduling.slots import closed_and_extra, weekly


def _overlap(a: Interval, b: Interval) -> timedelta:
    return max(timedelta(0), min(a.end, b.end) - max(a.start, b.start))


def _minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


class DayReports(AreaService):
    def __init__(self, setup: SchedulingSetup, exceptions: AvailabilityExceptions, calendars: Calendars,
                 audit: AuditTrail, *, now: Callable[[], datetime] = clock.now) -> None:
        self.setup = setup
        self.exceptions = exceptions
        self.calendars = calendars
        self.audit = audit
        self.now = now

    def day_report(self, caller: Caller, day: date) -> DayReport:
        """One Query per practitioner plus one for the day's exceptions."""
        authorize(caller, "scheduling.report.read")
        setup = self.setup.current(caller.practice_id)
        zone = setup.zone
        start = slot_rules.local_instant(day, 0, zone)
        end = slot_rules.local_instant(day + timedelta(days=1), 0, zone)
        day_window = Interval(start, end)
        exceptions = self.exceptions.between(caller.practice_id, day, day)
        rows = []
        for practitioner in setup.practitioners.values():
            if not practitioner.active:
                continue
            closed, extra = closed_and_extra(exceptions, practitioner.id, zone)
            calendar = Calendar(practitioner.id, weekly(practitioner), closed, extra)
            open_time = [i for i in slot_rules.open_intervals(calendar, day, day, zone) if i.overlaps(day_window)]
            entries = [a for a in self.calendars.practitioner_bookings(
                caller.practice_id, practitioner.id, start, end - timedelta(milliseconds=1)) if a.status != "cancelled"]
            holds = slot_rules.merge(Interval(a.start_at, a.hold_end_at) for a in entries)
            booked = sum((h.length for h in holds), timedelta(0))
            booked_open = sum((_overlap(h, o) for h in holds for o in open_time), timedelta(0))
            open_minutes = sum((i.length for i in open_time), timedelta(0))
            gap = (holds[-1].end - holds[0].start - booked) if holds else timedelta(0)
            waits = [(datetime.fromisoformat(a.in_room_at) - datetime.fromisoformat(a.arrived_at)).total_seconds() / 60
                     for a in entries if a.arrived_at and a.in_room_at]
            rows.append(PractitionerDay(
                practitioner_id=practitioner.id, open_minutes=_minutes(open_minutes), booked_minutes=_minutes(booked),
                idle_minutes=_minutes(open_minutes - booked_open), gap_minutes=_minutes(gap),
                appointments=len(entries), completed=sum(1 for a in entries if a.status == "completed"),
                no_shows=sum(1 for a in entries if a.status == "no_show"), waits=len(waits),
                mean_wait_minutes=round(sum(waits) / len(waits), 1) if waits else None,
                max_wait_minutes=round(max(waits), 1) if waits else None))
        self._audit_read(caller, "scheduling.report.day", "REPORT", day.isoformat(), None)
        return DayReport(date=day, time_zone=setup.policy.time_zone, practitioners=rows)
