"""The slot algorithm, pure (no I/O, no boto3): weekly availability and exceptions turned into UTC intervals
in the practice's time zone, existing bookings taken out, and the free starts ordered so that days already
started fill first (least practitioner idle time added) and load spreads across practitioners.

Every time is a timezone-aware datetime; intervals are half-open [start, end) in UTC. Wall-clock rules
("Mondays 09:00-17:00") are read in the practice's zone day by day, so a DST change day still runs from
local 09:00 to local 17:00 (eight real hours, or a window over the change one hour shorter or longer)."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Appointments start on this grid, and booking holds one time item per granule it covers, so two
# overlapping appointments of any lengths always share at least one item. Every real time zone's offset
# is a multiple of 15 minutes, so the grid is the same in UTC and in local time.
GRANULE = timedelta(minutes=15)
GRANULE_MINUTES = 15
MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True, order=True)
class Interval:
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("interval times must be timezone-aware")

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Interval) -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True)
class WeeklyWindow:
    """Open from `start` to `end` minutes after local midnight on `weekday` (0 = Monday); end may be 1440."""

    weekday: int
    start: int
    end: int


@dataclass
class Calendar:
    """One practitioner's time: weekly windows, closed and extra-open intervals (exceptions), and the
    holds of their existing bookings (appointment plus buffer)."""

    practitioner_id: str
    weekly: Sequence[WeeklyWindow]
    closed: Sequence[Interval] = ()
    extra: Sequence[Interval] = ()
    busy: Sequence[Interval] = ()


@dataclass(frozen=True)
class Need:
    """What one appointment of a type takes: its length, the buffer after it, and the rooms it may use
    (none for a virtual visit)."""

    duration: timedelta
    buffer: timedelta = timedelta(0)
    rooms: tuple[str, ...] = ()

    @property
    def hold(self) -> timedelta:
        return self.duration + self.buffer


@dataclass(frozen=True)
class Slot:
    practitioner_id: str
    start: datetime
    end: datetime  # the appointment's end; the practitioner and room are held until end + buffer
    hold_end: datetime
    room_id: str | None = None
    day_started: bool = False  # the practitioner already has a booking that local day
    idle_delta: timedelta = timedelta(0)  # change in that day's idle time (gaps between bookings)
    adjacent: bool = False  # touches an existing booking
    load: timedelta = timedelta(0)  # the practitioner's booked time over the searched range


# --- time-zone arithmetic ---------------------------------------------------------------------------

def local_instant(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    """The UTC instant of `minutes` after local midnight of `day` as a wall clock reads it.

    A wall time that does not exist (inside a spring-forward gap) maps to the instant the clock shows it
    an hour later; an ambiguous one (fall-back) to its first occurrence."""
    wall = datetime.combine(day, time()) + timedelta(minutes=minutes)
    return wall.replace(tzinfo=zone).astimezone(UTC)


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def on_grid(moment: datetime) -> bool:
    return moment.timestamp() % (GRANULE_MINUTES * 60) == 0


def granules(start: datetime, end: datetime) -> list[datetime]:
    """The grid points a hold [start, end) covers: the keys of its time items."""
    first = datetime.fromtimestamp(start.timestamp() // 900 * 900, UTC)
    found = []
    point = first
    while point < end:
        found.append(point)
        point += GRANULE
    return found


# --- interval sets ----------------------------------------------------------------------------------

def merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for interval in sorted(intervals):
        if interval.end <= interval.start:
            continue
        if merged and interval.start <= merged[-1].end:
            if interval.end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, interval.end)
        else:
            merged.append(interval)
    return merged


def subtract(base: Sequence[Interval], cuts: Iterable[Interval]) -> list[Interval]:
    result = list(merge(base))
    for cut in merge(cuts):
        pieces = []
        for interval in result:
            if not interval.overlaps(cut):
                pieces.append(interval)
                continue
            if interval.start < cut.start:
                pieces.append(Interval(interval.start, cut.start))
            if cut.end < interval.end:
                pieces.append(Interval(cut.end, interval.end))
        result = pieces
    return result


def open_intervals(calendar: Calendar, first: date, last: date, zone: ZoneInfo) -> list[Interval]:
    """Weekly windows on each local day from `first` to `last`, plus extra hours, minus closures."""
    windows = [Interval(local_instant(day, w.start, zone), local_instant(day, w.end, zone))
               for day in days(first, last) for w in calendar.weekly if w.weekday == day.weekday()]
    return subtract([*windows, *calendar.extra], calendar.closed)


# --- the search -------------------------------------------------------------------------------------

@dataclass
class _DayLoad:
    first: datetime | None = None
    last: datetime | None = None
    booked: timedelta = timedelta(0)
    starts: set[datetime] = field(default_factory=set)
    ends: set[datetime] = field(default_factory=set)

    def add(self, hold: Interval) -> None:
        self.first = hold.start if self.first is None else min(self.first, hold.start)
        self.last = hold.end if self.last is None else max(self.last, hold.end)
        self.booked += hold.length
        self.starts.add(hold.start)
        self.ends.add(hold.end)

    @property
    def idle(self) -> timedelta:
        return timedelta(0) if self.first is None else (self.last - self.first) - self.booked

    def idle_with(self, hold: Interval) -> timedelta:
        if self.first is None:
            return timedelta(0)
        return (max(self.last, hold.end) - min(self.first, hold.start)) - (self.booked + hold.length)


class _Busy:
    """Merged holds with a binary search: is [start, end) free?"""

    def __init__(self, holds: Iterable[Interval]) -> None:
        self.holds = merge(holds)
        self.starts = [h.start for h in self.holds]

    def free(self, hold: Interval) -> bool:
        index = bisect_left(self.starts, hold.end)  # holds before this one start before `hold` ends
        return index == 0 or self.holds[index - 1].end <= hold.start


def _free_room(need: Need, hold: Interval, rooms: dict[str, _Busy]) -> str | None:
    for room in need.rooms:
        if room not in rooms or rooms[room].free(hold):
            return room
    return None


def search(calendars: Sequence[Calendar], need: Need, zone: ZoneInfo, window: Interval, *,
           not_before: datetime | None = None, rooms_busy: dict[str, list[Interval]] | None = None,
           patient_busy: Sequence[Interval] = ()) -> list[Slot]:
    """Every bookable start in `window` for each calendar, in time order per practitioner.

    A slot's hold (appointment + buffer) lies inside the practitioner's open time and touches none of their
    holds; an in-person slot also needs one of the type's rooms free for the hold."""
    rooms = {room: _Busy(holds) for room, holds in (rooms_busy or {}).items()}
    patient = _Busy(patient_busy)
    first, last = local_day(window.start, zone), local_day(window.end - timedelta(microseconds=1), zone)
    found: list[Slot] = []
    for calendar in calendars:
        busy = merge(calendar.busy)
        by_day: dict[date, _DayLoad] = defaultdict(_DayLoad)
        for hold in calendar.busy:
            by_day[local_day(hold.start, zone)].add(hold)
        load = sum((b.length for b in calendar.busy if b.overlaps(window)), timedelta(0))
        for free in subtract(open_intervals(calendar, first, last, zone), busy):
            start = free.start
            while start + need.hold <= free.end:
                hold = Interval(start, start + need.hold)
                visit = Interval(start, start + need.duration)
                if window.contains(visit) and (not_before is None or start >= not_before) and patient.free(visit):
                    room = _free_room(need, hold, rooms) if need.rooms else None
                    if room is not None or not need.rooms:
                        day = by_day.get(local_day(start, zone)) or _DayLoad()
                        found.append(Slot(
                            practitioner_id=calendar.practitioner_id, start=start, end=start + need.duration,
                            hold_end=hold.end, room_id=room, day_started=day.first is not None,
                            idle_delta=day.idle_with(hold) - day.idle,
                            adjacent=hold.start in day.ends or hold.end in day.starts, load=load))
                start += GRANULE
    return found


def best_first_key(slot: Slot) -> tuple:
    """Days already started first; then the least idle time added (a slot inside a gap removes idle time);
    then a slot that touches a booking; then the practitioner with the least booked time; then earliest."""
    return (not slot.day_started, slot.idle_delta, not slot.adjacent, slot.load, slot.start, slot.practitioner_id)


def earliest_key(slot: Slot) -> tuple:
    """Earliest first; at the same time, the least-loaded practitioner."""
    return (slot.start, slot.load, slot.practitioner_id)


def order(found: Iterable[Slot], how: str = "best") -> list[Slot]:
    return sorted(found, key=best_first_key if how == "best" else earliest_key)
