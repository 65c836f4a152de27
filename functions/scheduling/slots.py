"""Finding bookable times: the practice's set-up and who is already booked, read in a few Queries, handed to
the pure slot rules (slot_rules.py); and why a given time is not bookable, each rule by its own name."""

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from functions.core import authz, clock
from functions.core.auth import Caller
from functions.core.dates import check_range
from functions.core.errors import Conflict, DomainError, Invalid
from functions.core.keys import segment
from functions.scheduling import fhir, slot_rules
from functions.scheduling.models.appointments import FINAL_STATUSES, SlotList, SlotOut
from functions.scheduling.models.setup import MAX_HOLD_MINUTES, AppointmentType, Practitioner, Setup, minutes_of
from functions.scheduling.ports import AppointmentBook, AvailabilityExceptions, Calendars, SchedulingSetup
from functions.scheduling.slot_rules import Calendar, Interval, Need, Slot, WeeklyWindow

MAX_RANGE_DAYS = 62
MAX_HOLD = timedelta(minutes=MAX_HOLD_MINUTES)


def weekly(practitioner: Practitioner) -> list[WeeklyWindow]:
    return [WeeklyWindow(w.weekday, minutes_of(w.start), minutes_of(w.end)) for w in practitioner.weekly]


def day_window(first: date, last: date, zone: ZoneInfo) -> Interval:
    """Local dates `first`..`last` as one UTC interval."""
    end = last + timedelta(days=1)
    return Interval(slot_rules.local_instant(first, 0, zone), slot_rules.local_instant(end, 0, zone))


def refusal(start: datetime, search: dict[str, Any], notice_minutes: int) -> DomainError:
    """Why a time that slot_rules.search refused is not bookable, each rule by its own name: the search is run
    again with one rule at a time left out (pure, no reads), so the answer names the first rule that refuses."""
    def bookable(**relaxed: Any) -> bool:
        return any(s.start == start for s in slot_rules.search(**{**search, **relaxed}))

    if start < search["not_before"]:
        return Invalid(f"bookings need {notice_minutes} minutes' notice", code="short_notice")
    free_calendars = [replace(c, busy=[]) for c in search["calendars"]]
    if not bookable(calendars=free_calendars, rooms_busy={room: [] for room in search["rooms_busy"]}):
        return Invalid("that time is outside the practitioner's hours (weekly hours, holidays and blocks)",
                       code="outside_hours")
    if not bookable(rooms_busy={room: [] for room in search["rooms_busy"]}):
        return Conflict("the practitioner is booked at that time", code="slot_taken")
    return Conflict("no room for this appointment type is free at that time", code="room_taken")


class SlotSearch:
    def __init__(self, setup: SchedulingSetup, exceptions: AvailabilityExceptions, calendars: Calendars,
                 appointments: AppointmentBook, *, now: Callable[[], datetime] = clock.now) -> None:
        self.setup = setup
        self.exceptions = exceptions
        self.calendars = calendars
        self.appointments = appointments
        self.now = now

    def search(self, caller: Caller, type_id: str, first: date, last: date, practitioner_id: str | None = None,
               order: str = "best", limit: int = 50, patient_id: str | None = None) -> SlotList:
        """Bookable starts for a type over local dates `first`..`last`: one Query per practitioner (and per
        room of an in-person type) for the whole range, whatever its length; for a patient (always a patient
        user's own self), one more Query hides the times they are already booked."""
        whose = patient_id or caller.patient_id
        authz.authorize(caller, "scheduling.slot.search", authz.patient(whose))
        check_range(first, last, MAX_RANGE_DAYS)
        patient = segment(whose, "patient id") if whose else None
        setup = self.setup.current(caller.practice_id)
        kind = setup.active_type(segment(type_id, "type id"))
        if practitioner_id is not None:
            practitioners = [setup.practitioner_for(kind, segment(practitioner_id, "practitioner id"))]
        else:
            practitioners = [setup.practitioners[p] for p in kind.practitioner_ids
                             if p in setup.practitioners and setup.practitioners[p].active]
        zone = setup.zone
        found = self.find(caller.practice_id, setup, kind, practitioners, day_window(first, last, zone),
                          patient=patient)
        return SlotList(type_id=kind.id, time_zone=setup.policy.time_zone, order=order,
                        slots=[_slot_out(s, zone) for s in slot_rules.order(found, order)[:limit]])

    def schedule_fhir(self, caller: Caller, practitioner_id: str, type_id: str, first: date,
                      last: date) -> dict[str, Any]:
        """A practitioner's Schedule with its busy Slots (bookings) and free Slots (for a type), as a Bundle."""
        authz.authorize(caller, "scheduling.schedule.export")
        check_range(first, last, MAX_RANGE_DAYS)
        setup = self.setup.current(caller.practice_id)
        kind = setup.active_type(segment(type_id, "type id"))
        practitioner = setup.practitioner_for(kind, segment(practitioner_id, "practitioner id"))
        window = day_window(first, last, setup.zone)
        free = self.find(caller.practice_id, setup, kind, [practitioner], window)
        busy = self.calendars.practitioner_bookings(caller.practice_id, practitioner.id, window.start, window.end)
        resources = [fhir.schedule(practitioner, setup.policy.time_zone, clock.iso(window.start),
                                   clock.iso(window.end))]
        resources += [fhir.slot(practitioner.id, a.start, a.hold_end, "busy") for a in busy]
        resources += [fhir.slot(practitioner.id, clock.iso(s.start), clock.iso(s.end), "free", kind.id) for s in free]
        return fhir.bundle(resources, clock.iso(self.now()))

    def find(self, practice_id: str, setup: Setup, kind: AppointmentType, practitioners: list[Practitioner],
             window: Interval, exclude: str | None = None, patient: str | None = None) -> list[Slot]:
        search = self._inputs(practice_id, setup, kind, practitioners, window, exclude, patient)
        return [] if search is None else slot_rules.search(**search)

    def slot_at(self, practice_id: str, setup: Setup, kind: AppointmentType, practitioner: Practitioner,
                start: datetime, exclude: str | None = None) -> Slot:
        """The slot starting at `start`, or why there is none (the appointment `exclude` is being moved)."""
        if start < self.now():
            raise Invalid("that time has passed; choose a later one", code="slot_in_past")
        if not slot_rules.on_grid(start):
            raise Invalid(f"appointments start on the {slot_rules.GRANULE_MINUTES}-minute grid", code="off_grid")
        window = Interval(start, start + timedelta(minutes=kind.duration_minutes))
        search = self._inputs(practice_id, setup, kind, [practitioner], window, exclude)
        if search is None:
            raise Invalid("no active room takes this appointment type", code="no_room")
        found = [s for s in slot_rules.search(**search) if s.start == start]
        if not found:
            raise refusal(start, search, setup.policy.min_notice_minutes)
        return found[0]

    def _inputs(self, practice_id: str, setup: Setup, kind: AppointmentType, practitioners: list[Practitioner],
                window: Interval, exclude: str | None = None, patient: str | None = None) -> dict[str, Any] | None:
        """What slot_rules.search needs for these practitioners in this window, read from storage (None: the
        type has no active room, so nothing is bookable)."""
        zone = setup.zone
        rooms = tuple(r for r in kind.room_ids if r in setup.rooms and setup.rooms[r].active)
        if kind.mode == "in_person" and not rooms:
            return None
        first = slot_rules.local_day(window.start, zone) - timedelta(days=1)
        last = slot_rules.local_day(window.end, zone)
        exceptions = self.exceptions.between(practice_id, first, last)
        look_from = window.start - MAX_HOLD  # a booking that starts before the range may reach into it
        calendars = []
        for practitioner in practitioners:
            busy = [Interval(a.start_at, a.hold_end_at) for a in self.calendars.practitioner_bookings(
                practice_id, practitioner.id, look_from, window.end) if a.id != exclude]
            closed, extra = closed_and_extra(exceptions, practitioner.id, zone)
            calendars.append(Calendar(practitioner.id, weekly(practitioner), closed, extra, busy))
        rooms_busy = {room: [Interval(a.start_at, a.hold_end_at)
                             for a in self.calendars.room_bookings(practice_id, room, look_from, window.end)
                             if a.id != exclude] for room in rooms}
        patient_busy = [] if patient is None else [
            Interval(a.start_at, datetime.fromisoformat(a.end)) for a in self.appointments.of_patient_between(
                practice_id, patient, look_from, window.end) if a.status not in FINAL_STATUSES and a.id != exclude]
        need = Need(timedelta(minutes=kind.duration_minutes), timedelta(minutes=kind.buffer_minutes), rooms)
        not_before = self.now() + timedelta(minutes=setup.policy.min_notice_minutes)
        return {"calendars": calendars, "need": need, "zone": zone, "window": window, "not_before": not_before,
                "rooms_busy": rooms_busy, "patient_busy": patient_busy}


def closed_and_extra(exceptions, practitioner_id: str, zone: ZoneInfo) -> tuple[list[Interval], list[Interval]]:
    """A practitioner's exceptions as UTC intervals: time closed (holidays, blocks) and extra hours."""
    closed: list[Interval] = []
    extra: list[Interval] = []
    for exception in exceptions:
        if exception.practitioner_id not in (None, practitioner_id):
            continue
        begin, end = exception.minutes
        interval = Interval(slot_rules.local_instant(exception.date, begin, zone),
                            slot_rules.local_instant(exception.date, end, zone))
        (extra if exception.kind == "extra_hours" else closed).append(interval)
    return closed, extra


def _slot_out(slot: Slot, zone: ZoneInfo) -> SlotOut:
    return SlotOut(practitioner_id=slot.practitioner_id, start=clock.iso(slot.start), end=clock.iso(slot.end),
                   local_start=slot.start.astimezone(zone).isoformat(), room_id=slot.room_id)
