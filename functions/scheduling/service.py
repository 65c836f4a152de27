"""The scheduling rules: who may set up, search, book and move appointments; a booking only where the
practitioner is open and free; late cancels charged by policy; the status flow and its timestamps;
reminders asked of the notifications area once each; the waitlist offered a freed time first come first
served. Plain values in, models out; storage comes in as a port, so no boto3 here."""

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from functions.core import clock
from functions.core.audit import AuditDraft
from functions.core.auth import Caller, Role, may_reach
from functions.core.dates import check_range
from functions.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, PreconditionFailed, stale
from functions.core.events import DomainEvent
from functions.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from functions.core.idempotency import AlreadyDone, IdempotencyClaim, fingerprint
from functions.core.ids import new_id
from functions.core.keys import segment
from functions.core.observability import logger
from functions.core.service import AreaService
from functions.core.table import Operation
from functions.notifications.request import notification_requested
from functions.scheduling import fhir, slots
from functions.scheduling.links import Reply, ReplyAnswer, ReplyLinks
from functions.scheduling.models import (
    FINAL_STATUSES,
    MAX_HOLD_MINUTES,
    TRANSITIONS,
    Appointment,
    AppointmentIn,
    AppointmentList,
    AppointmentType,
    AppointmentTypeIn,
    AppointmentTypeList,
    Availability,
    AvailabilityException,
    CancelIn,
    DayReport,
    ExceptionIn,
    ExceptionList,
    NoShowHistory,
    Offer,
    Policy,
    PolicyIn,
    Practitioner,
    PractitionerDay,
    PractitionerIn,
    PractitionerList,
    PractitionerPatch,
    ReplyView,
    RescheduleIn,
    Room,
    RoomIn,
    RoomList,
    SlotList,
    SlotOut,
    WaitlistEntry,
    WaitlistIn,
    WaitlistList,
    WeeklyIn,
    minutes_of,
)
from functions.scheduling.slots import Calendar, Interval, Need, Slot, WeeklyWindow

# Who may do what, in one place; the API's guards read these.
CONFIGURERS = frozenset({Role.COORDINATOR})  # policy, practitioners, rooms, types, weekly hours
MANAGERS = frozenset({Role.COORDINATOR, Role.FRONT_DESK})  # book, move and cancel anyone's; exceptions; waitlist
STAFF_READERS = frozenset({Role.COORDINATOR, Role.FRONT_DESK, Role.PRACTITIONER})  # see every appointment
CLINICIANS = STAFF_READERS  # arrival, in-room, completed, no-show
SEARCHERS = frozenset({*STAFF_READERS, Role.PATIENT})  # slots, practitioners and types

MAX_RANGE_DAYS = 62
MAX_HOLD = timedelta(minutes=MAX_HOLD_MINUTES)
# a booking this close to its start gets no reminder; one inside the lead time gets it at the next run
NO_REMINDER_WITHIN = timedelta(hours=1)
REMINDER_TEMPLATE = "appointment.reminder"
REMINDER_WITH_LINKS_TEMPLATE = "appointment.reminder.reply"  # the same, with confirm and cancel links
OFFER_TEMPLATE = "message.general"
REMINDER_ROUNDS = 50  # pages of 100 per practice per run: a backlog beyond that waits for the next run


class SchedulingRepo(Protocol):
    def setup(self, practice_id: str) -> tuple[Policy | None, dict[str, list]]: ...
    def policy(self, practice_id: str) -> Policy | None: ...
    def config(self, practice_id: str, kind: str, entity_id: str) -> Any: ...
    def put_policy(self, practice_id: str, policy: Policy, expected_version: int, audit: AuditDraft) -> None: ...
    def put_config(self, practice_id: str, kind: str, entity: Any, expected_version: int | None,
                   audit: AuditDraft, events: Sequence[DomainEvent] = ()) -> None: ...
    def exceptions(self, practice_id: str, first: date, last: date) -> list[AvailabilityException]: ...
    def put_exception(self, practice_id: str, exception: AvailabilityException, audit: AuditDraft) -> None: ...
    def delete_exception(self, practice_id: str, day: date, exception_id: str, audit: AuditDraft) -> None: ...
    def calendar(self, practice_id: str, practitioner_id: str, start: datetime, end: datetime) -> list[dict]: ...
    def room_calendar(self, practice_id: str, room_id: str, start: datetime, end: datetime) -> list[dict]: ...
    def appointment(self, practice_id: str, appointment_id: str) -> Appointment | None: ...
    def patient_appointments(self, practice_id: str, patient_id: str, limit: int = 100,
                             newest_first: bool = True) -> list[Appointment]: ...
    def patient_appointments_between(self, practice_id: str, patient_id: str, start: datetime,
                                     end: datetime) -> list[Appointment]: ...
    def replay(self, practice_id: str, claim: IdempotencyClaim) -> dict[str, Any] | None: ...
    def book(self, practice_id: str, appointment: Appointment, audit: AuditDraft, events: Sequence[DomainEvent],
             claim: IdempotencyClaim | None = None, more: Sequence[Operation] = ()) -> None: ...
    def reschedule(self, practice_id: str, before: Appointment, after: Appointment, audit: AuditDraft,
                   events: Sequence[DomainEvent]) -> None: ...
    def update_appointment(self, practice_id: str, before: Appointment, after: Appointment, audit: AuditDraft,
                           events: Sequence[DomainEvent], *, release: bool = False, reminder: str = "keep",
                           more: Sequence[Operation] = ()) -> None: ...
    def due_reminders(self, practice_id: str, now: datetime, limit: int = 100) -> list[Appointment]: ...
    def mark_reminded(self, practice_id: str, appointment: Appointment, at: str, audit: AuditDraft,
                      events: Sequence[DomainEvent]) -> None: ...
    def waitlist(self, practice_id: str) -> list[WaitlistEntry]: ...
    def waitlist_entry(self, practice_id: str, entry_id: str) -> WaitlistEntry | None: ...
    def expired_offers(self, practice_id: str, now: datetime, limit: int = 100) -> list[WaitlistEntry]: ...
    def put_waitlist_entry(self, practice_id: str, entry: WaitlistEntry, expected_version: int | None,
                           audit: AuditDraft, events: Sequence[DomainEvent] = (),
                           more: Sequence[Operation] = ()) -> None: ...
    def waitlist_put(self, practice_id: str, entry: WaitlistEntry,
                     expected_version: int | None) -> list[Operation]: ...


class AuditTrail(Protocol):
    def record(self, entry: AuditDraft) -> Any: ...


class Setup:
    """One practice's scheduling configuration, read in one request."""

    def __init__(self, policy: Policy | None, found: dict[str, list]) -> None:
        self.policy = policy or Policy()
        self.practitioners: dict[str, Practitioner] = {p.id: p for p in found.get("PRACTITIONER", [])}
        self.rooms: dict[str, Room] = {r.id: r for r in found.get("ROOM", [])}
        self.types: dict[str, AppointmentType] = {t.id: t for t in found.get("TYPE", [])}

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


def _refusal(start: datetime, search: dict[str, Any], notice_minutes: int) -> DomainError:
    """Why a time that slots.search refused is not bookable, each rule by its own name: the search is run again
    with one rule at a time left out (pure, no reads), so the answer names the first rule that refuses it."""
    def bookable(**relaxed: Any) -> bool:
        return any(s.start == start for s in slots.search(**{**search, **relaxed}))

    if start < search["not_before"]:
        return Invalid(f"bookings need {notice_minutes} minutes' notice", code="short_notice")
    free_calendars = [replace(c, busy=[]) for c in search["calendars"]]
    if not bookable(calendars=free_calendars, rooms_busy={room: [] for room in search["rooms_busy"]}):
        return Invalid("that time is outside the practitioner's hours (weekly hours, holidays and blocks)",
                       code="outside_hours")
    if not bookable(rooms_busy={room: [] for room in search["rooms_busy"]}):
        return Conflict("the practitioner is booked at that time", code="slot_taken")
    return Conflict("no room for this appointment type is free at that time", code="room_taken")


def _weekly(practitioner: Practitioner) -> list[WeeklyWindow]:
    return [WeeklyWindow(w.weekday, minutes_of(w.start), minutes_of(w.end)) for w in practitioner.weekly]


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def local_text(moment: datetime, zone: ZoneInfo) -> str:
    """How a message writes a time: "Mon 9 Mar 2026, 09:30" in the practice's zone."""
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


class SchedulingService(AreaService):
    def __init__(self, repo: SchedulingRepo, audit: AuditTrail, *, now: Callable[[], datetime] = clock.now,
                 make_id: Callable[[], str] = new_id, links: ReplyLinks | None = None) -> None:
        self.repo = repo
        self.audit = audit
        self.now = now
        self.make_id = make_id
        self.links = links

    # --- policy -------------------------------------------------------------------------------

    def policy(self, caller: Caller) -> Policy:
        return self.repo.policy(caller.practice_id) or Policy()

    def put_policy(self, caller: Caller, body: PolicyIn, expected_version: int) -> Policy:
        current = self.repo.policy(caller.practice_id)
        if (current.version if current else 0) != expected_version:
            raise stale("policy")
        policy = Policy(**body.model_dump(), version=expected_version + 1, updated_at=self._at())
        self.repo.put_policy(caller.practice_id, policy, expected_version,
                             self._draft(caller, "scheduling.policy.update", "SCHEDULING_POLICY", "policy"))
        return policy

    # --- practitioners and rooms --------------------------------------------------------------

    def create_practitioner(self, caller: Caller, body: PractitionerIn) -> Practitioner:
        at = self._at()
        practitioner = Practitioner(**body.model_dump(), id=self.make_id(), version=1, created_at=at, updated_at=at)
        self.repo.put_config(caller.practice_id, "PRACTITIONER", practitioner, None,
                             self._draft(caller, "practitioner.create", "PRACTITIONER", practitioner.id))
        return practitioner

    def list_practitioners(self, caller: Caller) -> PractitionerList:
        setup = self._setup(caller.practice_id)
        return PractitionerList(practitioners=list(setup.practitioners.values()))

    def practitioner(self, caller: Caller, practitioner_id: str) -> Practitioner:
        practitioner = self.repo.config(caller.practice_id, "PRACTITIONER", segment(practitioner_id))
        if practitioner is None:
            raise NotFound("no such practitioner", code="practitioner_not_found")
        return practitioner

    def update_practitioner(self, caller: Caller, practitioner_id: str, patch: PractitionerPatch,
                            expected_version: int) -> Practitioner:
        current = self.practitioner(caller, practitioner_id)
        if current.version != expected_version:
            raise stale("practitioner")
        changes = patch.model_dump(exclude_unset=True)
        updated = current.model_copy(update={**changes, "version": current.version + 1, "updated_at": self._at()})
        self.repo.put_config(caller.practice_id, "PRACTITIONER", updated, current.version,
                             self._draft(caller, "practitioner.update", "PRACTITIONER", current.id))
        return updated

    def set_weekly(self, caller: Caller, practitioner_id: str, body: WeeklyIn, expected_version: int) -> Practitioner:
        current = self.practitioner(caller, practitioner_id)
        if current.version != expected_version:
            raise stale("practitioner")
        updated = current.model_copy(update={"weekly": body.weekly, "version": current.version + 1,
                                             "updated_at": self._at()})
        self.repo.put_config(caller.practice_id, "PRACTITIONER", updated, current.version,
                             self._draft(caller, "availability.weekly.update", "PRACTITIONER", current.id),
                             [self._event("scheduling.availability.changed", caller, current.id)])
        return updated

    def availability(self, caller: Caller, practitioner_id: str, first: date, last: date) -> Availability:
        check_range(first, last, MAX_RANGE_DAYS)
        practitioner = self.practitioner(caller, practitioner_id)
        policy = self.policy(caller)
        exceptions = [e for e in self.repo.exceptions(caller.practice_id, first, last)
                      if e.practitioner_id in (None, practitioner.id)]
        return Availability(practitioner_id=practitioner.id, time_zone=policy.time_zone,
                            version=practitioner.version, weekly=practitioner.weekly, exceptions=exceptions)

    def create_room(self, caller: Caller, body: RoomIn) -> Room:
        at = self._at()
        room = Room(**body.model_dump(), id=self.make_id(), version=1, created_at=at, updated_at=at)
        self.repo.put_config(caller.practice_id, "ROOM", room, None,
                             self._draft(caller, "room.create", "ROOM", room.id))
        return room

    def list_rooms(self, caller: Caller) -> RoomList:
        return RoomList(rooms=list(self._setup(caller.practice_id).rooms.values()))

    # --- appointment types --------------------------------------------------------------------

    def create_type(self, caller: Caller, body: AppointmentTypeIn) -> AppointmentType:
        setup = self._setup(caller.practice_id)
        self._check_type_refs(setup, body)
        at = self._at()
        kind = AppointmentType(**body.model_dump(), id=self.make_id(), version=1, created_at=at, updated_at=at)
        self.repo.put_config(caller.practice_id, "TYPE", kind, None,
                             self._draft(caller, "appointment_type.create", "APPOINTMENT_TYPE", kind.id))
        return kind

    def list_types(self, caller: Caller) -> AppointmentTypeList:
        return AppointmentTypeList(appointment_types=list(self._setup(caller.practice_id).types.values()))

    def appointment_type(self, caller: Caller, type_id: str) -> AppointmentType:
        kind = self.repo.config(caller.practice_id, "TYPE", segment(type_id))
        if kind is None:
            raise NotFound("no such appointment type", code="appointment_type_not_found")
        return kind

    def update_type(self, caller: Caller, type_id: str, body: AppointmentTypeIn,
                    expected_version: int) -> AppointmentType:
        current = self.appointment_type(caller, type_id)
        if current.version != expected_version:
            raise stale("appointment type")
        self._check_type_refs(self._setup(caller.practice_id), body)
        updated = AppointmentType(**body.model_dump(), id=current.id, version=current.version + 1,
                                  created_at=current.created_at, updated_at=self._at())
        self.repo.put_config(caller.practice_id, "TYPE", updated, current.version,
                             self._draft(caller, "appointment_type.update", "APPOINTMENT_TYPE", current.id))
        return updated

    @staticmethod
    def _check_type_refs(setup: Setup, body: Any) -> None:
        unknown = [p for p in body.practitioner_ids if p not in setup.practitioners]
        unknown += [r for r in body.room_ids if r not in setup.rooms]
        if unknown:
            raise Invalid("no such practitioner or room", {"unknown": unknown}, code="unknown_reference")

    # --- exceptions ---------------------------------------------------------------------------

    def add_exception(self, caller: Caller, body: ExceptionIn) -> AvailabilityException:
        if body.practitioner_id is not None:
            self.practitioner(caller, body.practitioner_id)
        exception = AvailabilityException(**body.model_dump(), id=f"{body.date:%Y%m%d}-{self.make_id()}",
                                          created_at=self._at())
        self.repo.put_exception(caller.practice_id, exception,
                                self._draft(caller, "availability.exception.add", "AVAILABILITY_EXCEPTION",
                                            exception.id))
        return exception

    def list_exceptions(self, caller: Caller, first: date, last: date) -> ExceptionList:
        check_range(first, last, MAX_RANGE_DAYS)
        return ExceptionList(exceptions=self.repo.exceptions(caller.practice_id, first, last))

    def delete_exception(self, caller: Caller, exception_id: str) -> None:
        segment(exception_id, "exception id")
        try:
            day = datetime.strptime(exception_id.split("-", 1)[0], "%Y%m%d").date()
        except ValueError:
            raise NotFound("no such exception", code="exception_not_found") from None
        self.repo.delete_exception(caller.practice_id, day, exception_id,
                                   self._draft(caller, "availability.exception.delete", "AVAILABILITY_EXCEPTION",
                                               exception_id))

    # --- slots --------------------------------------------------------------------------------

    def search_slots(self, caller: Caller, type_id: str, first: date, last: date,
                     practitioner_id: str | None = None, order: str = "best", limit: int = 50,
                     patient_id: str | None = None) -> SlotList:
        """Bookable starts for a type over local dates `first`..`last`: one Query per practitioner (and per
        room of an in-person type) for the whole range, whatever its length; for a patient (always a patient
        user's own self), one more Query hides the times they are already booked."""
        check_range(first, last, MAX_RANGE_DAYS)
        patient = self._patient_for(caller, patient_id) if (patient_id or caller.is_patient) else None
        setup = self._setup(caller.practice_id)
        kind = setup.active_type(segment(type_id, "type id"))
        if practitioner_id is not None:
            practitioners = [setup.practitioner_for(kind, segment(practitioner_id, "practitioner id"))]
        else:
            practitioners = [setup.practitioners[p] for p in kind.practitioner_ids
                             if p in setup.practitioners and setup.practitioners[p].active]
        zone = setup.zone
        window = Interval(slots.local_instant(first, 0, zone), slots.local_instant(last + timedelta(days=1), 0, zone))
        found = slots.order(self._find(caller.practice_id, setup, kind, practitioners, window, patient=patient),
                            order)
        return SlotList(type_id=kind.id, time_zone=setup.policy.time_zone, order=order,
                        slots=[self._slot_out(s, zone) for s in found[:limit]])

    def _find(self, practice_id: str, setup: Setup, kind: AppointmentType, practitioners: list[Practitioner],
              window: Interval, exclude: str | None = None, patient: str | None = None) -> list[Slot]:
        search = self._search(practice_id, setup, kind, practitioners, window, exclude, patient)
        return [] if search is None else slots.search(**search)

    def _search(self, practice_id: str, setup: Setup, kind: AppointmentType, practitioners: list[Practitioner],
                window: Interval, exclude: str | None = None, patient: str | None = None) -> dict[str, Any] | None:
        """What slots.search needs for these practitioners in this window, read from the table (None: the type
        has no active room, so nothing is bookable)."""
        zone = setup.zone
        rooms = tuple(r for r in kind.room_ids if r in setup.rooms and setup.rooms[r].active)
        if kind.mode == "in_person" and not rooms:
            return None
        first = slots.local_day(window.start, zone) - timedelta(days=1)
        last = slots.local_day(window.end, zone)
        exceptions = self.repo.exceptions(practice_id, first, last)
        look_from = window.start - MAX_HOLD  # a booking that starts before the range may reach into it
        calendars = []
        for practitioner in practitioners:
            busy = [Interval(_when(e["start"]), _when(e["hold_end"]))
                    for e in self.repo.calendar(practice_id, practitioner.id, look_from, window.end)
                    if e.get("id") != exclude]
            closed, extra = [], []
            for exception in exceptions:
                if exception.practitioner_id not in (None, practitioner.id):
                    continue
                begin, end = exception.minutes
                interval = Interval(slots.local_instant(exception.date, begin, zone),
                                    slots.local_instant(exception.date, end, zone))
                (extra if exception.kind == "extra_hours" else closed).append(interval)
            calendars.append(Calendar(practitioner.id, _weekly(practitioner), closed, extra, busy))
        rooms_busy = {room: [Interval(_when(e["start"]), _when(e["hold_end"]))
                             for e in self.repo.room_calendar(practice_id, room, look_from, window.end)
                             if e.get("id") != exclude] for room in rooms}
        patient_busy = [] if patient is None else [
            Interval(a.start_at, _when(a.end)) for a in self.repo.patient_appointments_between(
                practice_id, patient, look_from, window.end) if a.status not in FINAL_STATUSES and a.id != exclude]
        need = Need(timedelta(minutes=kind.duration_minutes), timedelta(minutes=kind.buffer_minutes), rooms)
        not_before = self.now() + timedelta(minutes=setup.policy.min_notice_minutes)
        return {"calendars": calendars, "need": need, "zone": zone, "window": window, "not_before": not_before,
                "rooms_busy": rooms_busy, "patient_busy": patient_busy}

    def _slot_at(self, practice_id: str, setup: Setup, kind: AppointmentType, practitioner: Practitioner,
                 start: datetime, exclude: str | None = None) -> Slot:
        if start < self.now():
            raise Invalid("that time has passed; choose a later one", code="slot_in_past")
        if not slots.on_grid(start):
            raise Invalid(f"appointments start on the {slots.GRANULE_MINUTES}-minute grid", code="off_grid")
        window = Interval(start, start + timedelta(minutes=kind.duration_minutes))
        search = self._search(practice_id, setup, kind, [practitioner], window, exclude)
        if search is None:
            raise Invalid("no active room takes this appointment type", code="no_room")
        found = [s for s in slots.search(**search) if s.start == start]
        if not found:
            raise _refusal(start, search, setup.policy.min_notice_minutes)
        return found[0]

    @staticmethod
    def _slot_out(slot: Slot, zone: ZoneInfo) -> SlotOut:
        return SlotOut(practitioner_id=slot.practitioner_id, start=clock.iso(slot.start), end=clock.iso(slot.end),
                       local_start=slot.start.astimezone(zone).isoformat(), room_id=slot.room_id)

    # --- booking ------------------------------------------------------------------------------

    def book(self, caller: Caller, body: AppointmentIn, idempotency_key: str | None = None) -> Appointment:
        patient_id = self._patient_for(caller, body.patient_id)
        claim = self._claim(idempotency_key, caller, "scheduling.appointment.book",
                            {**body.model_dump(mode="json"), "patient_id": patient_id})
        try:
            return self._book(caller, body.type_id, body.practitioner_id, body.start, patient_id, claim)
        except AlreadyDone:
            return self._replayed(caller, claim)
        except (Conflict, Invalid):
            # a retry of a booking that succeeded now collides with itself (or its time has passed since):
            # answer as the first time
            if claim and (stored := self.repo.replay(caller.practice_id, claim)) is not None:
                return self._audited_replay(caller, stored)
            raise

    def _book(self, caller: Caller, type_id: str, practitioner_id: str, start: datetime, patient_id: str,
              claim: IdempotencyClaim | None, more: Callable[[Appointment], Sequence[Operation]] | None = None,
              ) -> Appointment:
        practice = caller.practice_id
        setup = self._setup(practice)
        kind = setup.active_type(segment(type_id, "type id"))
        practitioner = setup.practitioner_for(kind, segment(practitioner_id, "practitioner id"))
        start = start.astimezone(UTC)
        slot = self._slot_at(practice, setup, kind, practitioner, start)
        now = self.now()
        appointment = Appointment(
            id=self.make_id(), patient_id=patient_id, practitioner_id=practitioner.id, type_id=kind.id,
            room_id=slot.room_id, mode=kind.mode, visit=kind.visit, start=clock.iso(slot.start),
            end=clock.iso(slot.end), hold_end=clock.iso(slot.hold_end), status="booked", booked_at=clock.iso(now),
            booked_by=caller.user_id, reminder_due_at=self._reminder_due(setup.policy, slot.start, now), version=1,
            updated_at=clock.iso(now))
        if claim is not None:
            claim = claim.model_copy(update={"response": appointment.model_dump(mode="json")})
        self.repo.book(practice, appointment,
                       self._draft(caller, "appointment.book", "APPOINTMENT", appointment.id, patient_id),
                       [self._appointment_event("scheduling.appointment.booked", caller, appointment)],
                       claim=claim, more=more(appointment) if more else ())
        return appointment

    def _reminder_due(self, policy: Policy, start: datetime, now: datetime) -> str | None:
        if start - now <= NO_REMINDER_WITHIN:
            return None
        return clock.iso(max(start - timedelta(hours=policy.reminder_lead_hours), now))

    # --- reading appointments -----------------------------------------------------------------

    def appointment(self, caller: Caller, appointment_id: str) -> Appointment:
        appointment = self._appointment_for(caller, appointment_id)
        self.audit.record(self._draft(caller, "appointment.read", "APPOINTMENT", appointment.id,
                                      appointment.patient_id))
        return appointment

    def list_appointments(self, caller: Caller, *, practitioner_id: str | None = None, day: date | None = None,
                          patient_id: str | None = None, limit: int = 100) -> AppointmentList:
        """A patient: their own. Staff: one patient's, or one practitioner's day."""
        if caller.is_patient:
            if patient_id not in (None, caller.patient_id) or practitioner_id:
                raise Forbidden("you may only see your own appointments", subject_patient_id=patient_id)
            patient_id = caller.patient_id
        if patient_id is not None:
            found = self.repo.patient_appointments(caller.practice_id, segment(patient_id, "patient id"), limit)
            self.audit.record(self._draft(caller, "appointment.list", "PATIENT", patient_id, patient_id))
            return AppointmentList(appointments=found)
        if practitioner_id is None or day is None:
            raise Invalid("give patient_id, or practitioner_id and date", code="missing_filter")
        setup = self._setup(caller.practice_id)
        start = slots.local_instant(day, 0, setup.zone)
        end = slots.local_instant(day + timedelta(days=1), 0, setup.zone)
        items = self.repo.calendar(caller.practice_id, segment(practitioner_id, "practitioner id"), start,
                                   end - timedelta(milliseconds=1))
        self.audit.record(self._draft(caller, "appointment.list", "PRACTITIONER", practitioner_id, None))
        return AppointmentList(appointments=[Appointment.model_validate(i) for i in items][:limit])

    def no_shows(self, caller: Caller, patient_id: str) -> NoShowHistory:
        if not may_reach(caller, patient_id, STAFF_READERS):
            raise Forbidden("you may only see your own appointments", subject_patient_id=patient_id)
        history = self.repo.patient_appointments(caller.practice_id, segment(patient_id, "patient id"), 500)
        self.audit.record(self._draft(caller, "appointment.no_shows", "PATIENT", patient_id, patient_id))
        missed = [a for a in history if a.status == "no_show"]
        return NoShowHistory(patient_id=patient_id, appointments=len(history), no_shows=len(missed),
                             late_cancels=sum(1 for a in history if a.late_cancel), no_show_appointments=missed)

    def export_fhir(self, caller: Caller, appointment_id: str) -> dict[str, Any]:
        appointment = self._appointment_for(caller, appointment_id)
        self.audit.record(self._draft(caller, "appointment.export", "APPOINTMENT", appointment.id,
                                      appointment.patient_id))
        kind = self.repo.config(caller.practice_id, "TYPE", appointment.type_id)
        return fhir.appointment(appointment, kind)

    def schedule_fhir(self, caller: Caller, practitioner_id: str, type_id: str, first: date,
                      last: date) -> dict[str, Any]:
        """A practitioner's Schedule with its busy Slots (bookings) and free Slots (for a type), as a Bundle."""
        check_range(first, last, MAX_RANGE_DAYS)
        setup = self._setup(caller.practice_id)
        kind = setup.active_type(segment(type_id, "type id"))
        practitioner = setup.practitioner_for(kind, segment(practitioner_id, "practitioner id"))
        zone = setup.zone
        window = Interval(slots.local_instant(first, 0, zone), slots.local_instant(last + timedelta(days=1), 0, zone))
        free = self._find(caller.practice_id, setup, kind, [practitioner], window)
        busy = self.repo.calendar(caller.practice_id, practitioner.id, window.start, window.end)
        resources = [fhir.schedule(practitioner, setup.policy.time_zone, clock.iso(window.start),
                                   clock.iso(window.end))]
        resources += [fhir.slot(practitioner.id, e["start"], e["hold_end"], "busy") for e in busy]
        resources += [fhir.slot(practitioner.id, clock.iso(s.start), clock.iso(s.end), "free", kind.id) for s in free]
        return fhir.bundle(resources, self._at())

    # --- moving, cancelling, the status flow --------------------------------------------------

    def reschedule(self, caller: Caller, appointment_id: str, body: RescheduleIn,
                   expected_version: int) -> Appointment:
        before = self._appointment_for(caller, appointment_id)
        if before.status not in ("booked", "confirmed"):
            raise Conflict(f"a {before.status} appointment cannot be moved", code="invalid_transition")
        if before.version != expected_version:
            raise stale("appointment")
        practice = caller.practice_id
        setup = self._setup(practice)
        kind = setup.active_type(before.type_id)
        practitioner = setup.practitioner_for(kind, body.practitioner_id or before.practitioner_id)
        start = body.start.astimezone(UTC)
        if practitioner.id == before.practitioner_id and start == before.start_at:
            raise Invalid("that is the appointment's time already", code="nothing_to_change")
        slot = self._slot_at(practice, setup, kind, practitioner, start, exclude=before.id)
        now = self.now()
        after = before.model_copy(update={
            "practitioner_id": practitioner.id, "room_id": slot.room_id, "start": clock.iso(slot.start),
            "end": clock.iso(slot.end), "hold_end": clock.iso(slot.hold_end), "status": "booked",
            "confirmed_at": None, "reminder_due_at": self._reminder_due(setup.policy, slot.start, now),
            "reminder_sent_at": None, "rescheduled_at": clock.iso(now), "version": before.version + 1,
            "updated_at": clock.iso(now)})
        self.repo.reschedule(practice, before, after,
                             self._draft(caller, "appointment.reschedule", "APPOINTMENT", before.id,
                                         before.patient_id),
                             [self._appointment_event("scheduling.appointment.rescheduled", caller, after,
                                                      previous_start=before.start,
                                                      previous_practitioner_id=before.practitioner_id)])
        self._backfill(caller, before.practitioner_id, before.start)
        return after

    def cancel(self, caller: Caller, appointment_id: str, body: CancelIn, expected_version: int) -> Appointment:
        before = self._appointment_for(caller, appointment_id)
        if body.waive_fee and caller.is_patient:
            raise Forbidden("only the practice may waive a late-cancel fee")
        if "cancelled" not in TRANSITIONS[before.status]:
            raise Conflict(f"a {before.status} appointment cannot be cancelled", code="invalid_transition")
        if before.version != expected_version:
            raise stale("appointment")
        policy = self._setup(caller.practice_id).policy
        now = self.now()
        late = body.reason != "practice" and before.start_at - now < timedelta(hours=policy.late_cancel_hours)
        fee = policy.late_cancel_fee_cents if late and not body.waive_fee else 0
        after = before.model_copy(update={"status": "cancelled", "cancelled_at": clock.iso(now),
                                          "cancel_reason": body.reason, "late_cancel": late,
                                          "late_cancel_fee_cents": fee, "version": before.version + 1,
                                          "updated_at": clock.iso(now)})
        self.repo.update_appointment(
            caller.practice_id, before, after,
            self._draft(caller, "appointment.cancel", "APPOINTMENT", before.id, before.patient_id),
            [self._appointment_event("scheduling.appointment.cancelled", caller, after, late_cancel=late,
                                     late_cancel_fee_cents=fee, reason=body.reason)],
            release=True, reminder="remove")
        if before.start_at > now:
            self._backfill(caller, before.practitioner_id, before.start)
        return after

    def change_status(self, caller: Caller, appointment_id: str, to: str, version: int) -> Appointment:
        """confirmed (the patient too), arrived, in_room, completed, no_show: each stamps its time."""
        before = self._appointment_for(caller, appointment_id)
        if caller.is_patient and to != "confirmed":
            raise Forbidden("a patient may confirm or cancel, nothing else")
        if to not in TRANSITIONS[before.status]:
            raise Conflict(f"a {before.status} appointment cannot become {to}", code="invalid_transition")
        if before.version != version:
            raise stale("appointment")
        now = self.now()
        zone = self._setup(caller.practice_id).zone
        if to == "no_show" and now < before.start_at:
            raise Conflict("no-show is recorded after the start time", code="too_early")
        if to == "arrived" and slots.local_day(now, zone) != slots.local_day(before.start_at, zone):
            raise Conflict("arrival is recorded on the appointment's day", code="not_today")
        return self._move(caller, before, to, now)

    def _move(self, caller: Caller, before: Appointment, to: str, now: datetime) -> Appointment:
        after = before.model_copy(update={"status": to, f"{to}_at": clock.iso(now), "version": before.version + 1,
                                          "updated_at": clock.iso(now)})
        self.repo.update_appointment(
            caller.practice_id, before, after,
            self._draft(caller, f"appointment.{to}", "APPOINTMENT", before.id, before.patient_id),
            [self._appointment_event(f"scheduling.appointment.{to}", caller, after)],
            reminder="keep" if to == "confirmed" else "remove")
        return after

    # --- replies to reminders (signed links) --------------------------------------------------

    def reply_link_for(self, practice_id: str, appointment: Appointment, action: str) -> str | None:
        if self.links is None:
            return None
        return self.links.link(Reply(practice_id, appointment.id, action, int(appointment.start_at.timestamp())))

    def peek_reply(self, token: str) -> ReplyAnswer:
        """What a link would do (a GET never acts: mail scanners open links)."""
        reply = self._reply(token)
        return self._reply_answer(reply, self._replied(reply))

    def reply(self, token: str) -> ReplyAnswer:
        reply = self._reply(token)
        appointment = self._replied(reply)
        patient = Caller(user_id=f"link:{appointment.patient_id}", practice_id=reply.practice_id,
                         roles=frozenset({Role.PATIENT}), patient_id=appointment.patient_id, request_id="reply-link")
        if reply.action == "confirm":
            if appointment.status != "confirmed":  # a second click changes nothing
                appointment = self.change_status(patient, appointment.id, "confirmed", appointment.version)
        elif appointment.status != "cancelled":
            appointment = self.cancel(patient, appointment.id, CancelIn(), appointment.version)
        return self._reply_answer(reply, appointment)

    def _replied(self, reply: Reply) -> Appointment:
        appointment = self.repo.appointment(reply.practice_id, reply.appointment_id)
        if appointment is None:
            raise NotFound("no such appointment", code="appointment_not_found")
        return appointment

    def _reply_answer(self, reply: Reply, appointment: Appointment) -> ReplyAnswer:
        """Only what the holder of the link needs to decide: the practice, the local date and time, the status
        (whoever holds the link may not be the patient). And the replies the status still allows, each as
        its own signed token: both arrived in the same reminder, and a page offers both."""
        policy = self.repo.policy(reply.practice_id) or Policy()
        zone = ZoneInfo(policy.time_zone)
        local = appointment.start_at.astimezone(zone)
        view = ReplyView(action=reply.action, practice=policy.practice_name, local_date=local.date(),
                         local_time=f"{local:%H:%M}", time_zone=policy.time_zone, status=appointment.status)
        still = {action: self.links.token(Reply(reply.practice_id, reply.appointment_id, action, reply.expires))
                 for action, to in (("confirm", "confirmed"), ("cancel", "cancelled"))
                 if self.links is not None and to in TRANSITIONS[appointment.status]}
        return ReplyAnswer(view=view, when=local_text(appointment.start_at, zone), choices=still)

    def _reply(self, token: str) -> Reply:
        if self.links is None:
            raise NotFound("no such route", code="no_route")
        return self.links.verify(token, self.now())

    # --- reports ------------------------------------------------------------------------------

    def day_report(self, caller: Caller, day: date) -> DayReport:
        """Per practitioner for one local day: open, booked, idle and gap minutes; waits (arrival to room).
        One Query per practitioner plus one for the day's exceptions."""
        setup = self._setup(caller.practice_id)
        zone = setup.zone
        start = slots.local_instant(day, 0, zone)
        end = slots.local_instant(day + timedelta(days=1), 0, zone)
        day_window = Interval(start, end)
        exceptions = self.repo.exceptions(caller.practice_id, day, day)
        rows = []
        for practitioner in setup.practitioners.values():
            if not practitioner.active:
                continue
            closed, extra = [], []
            for e in exceptions:
                if e.practitioner_id in (None, practitioner.id):
                    interval = Interval(slots.local_instant(e.date, e.minutes[0], zone),
                                        slots.local_instant(e.date, e.minutes[1], zone))
                    (extra if e.kind == "extra_hours" else closed).append(interval)
            calendar = Calendar(practitioner.id, _weekly(practitioner), closed, extra)
            open_time = [i for i in slots.open_intervals(calendar, day, day, zone) if i.overlaps(day_window)]
            entries = [Appointment.model_validate(e) for e in self.repo.calendar(
                caller.practice_id, practitioner.id, start, end - timedelta(milliseconds=1))]
            entries = [a for a in entries if a.status != "cancelled"]
            holds = slots.merge(Interval(a.start_at, a.hold_end_at) for a in entries)
            booked = sum((h.length for h in holds), timedelta(0))
            booked_open = sum((_overlap(h, o) for h in holds for o in open_time), timedelta(0))
            open_minutes = sum((i.length for i in open_time), timedelta(0))
            gap = (holds[-1].end - holds[0].start - booked) if holds else timedelta(0)
            waits = [(_when(a.in_room_at) - _when(a.arrived_at)).total_seconds() / 60 for a in entries
                     if a.arrived_at and a.in_room_at]
            rows.append(PractitionerDay(
                practitioner_id=practitioner.id, open_minutes=_minutes(open_minutes), booked_minutes=_minutes(booked),
                idle_minutes=_minutes(open_minutes - booked_open), gap_minutes=_minutes(gap),
                appointments=len(entries), completed=sum(1 for a in entries if a.status == "completed"),
                no_shows=sum(1 for a in entries if a.status == "no_show"), waits=len(waits),
                mean_wait_minutes=round(sum(waits) / len(waits), 1) if waits else None,
                max_wait_minutes=round(max(waits), 1) if waits else None))
        self.audit.record(self._draft(caller, "scheduling.report.day", "REPORT", day.isoformat(), None))
        return DayReport(date=day, time_zone=setup.policy.time_zone, practitioners=rows)

    # --- reminders (the scheduled job) --------------------------------------------------------

    def send_due_reminders(self, practice_id: str) -> int:
        """Ask the notifications area for every reminder now due, each at most once: the appointment leaves
        the due index in the transaction that puts the request in the outbox."""
        setup = None
        sent = 0
        for _ in range(REMINDER_ROUNDS):
            due = self.repo.due_reminders(practice_id, self.now())
            if not due:
                break
            setup = setup or self._setup(practice_id)
            progress = 0
            for appointment in due:
                at = self._at()
                event = self._reminder_event(practice_id, setup, appointment)
                audit = AuditDraft(practice_id=practice_id, actor="system:scheduling-jobs", role="system",
                                   action="appointment.remind", entity="APPOINTMENT", entity_id=appointment.id,
                                   request_id="send_appointment_reminders", at=at,
                                   subject_patient_id=appointment.patient_id)
                try:
                    self.repo.mark_reminded(practice_id, appointment, at, audit, [event])
                except Conflict:
                    continue  # sent by an overlapping run, or moved or cancelled since the query
                sent += 1
                progress += 1
            if not progress:
                break
        return sent

    def _reminder_event(self, practice_id: str, setup: Setup, appointment: Appointment) -> DomainEvent:
        data: dict[str, Any] = {"practice_name": setup.policy.practice_name,
                                "appointment_time": local_text(appointment.start_at, setup.zone)}
        for action in ("confirm", "cancel"):
            link = self.reply_link_for(practice_id, appointment, action)
            if link:
                data[f"{action}_link"] = link
        stamp = appointment.start.replace("-", "").replace(":", "").replace(".", "")
        return notification_requested(
            practice_id=practice_id, recipient={"kind": "patient", "patient_id": appointment.patient_id},
            template=REMINDER_WITH_LINKS_TEMPLATE if "confirm_link" in data else REMINDER_TEMPLATE,
            source={"area": "scheduling", "entity": "appointment", "entity_id": appointment.id},
            idempotency_key=f"reminder-{appointment.id}-{stamp}", data=data)

    # --- waitlist -----------------------------------------------------------------------------

    def join_waitlist(self, caller: Caller, body: WaitlistIn) -> WaitlistEntry:
        patient_id = self._patient_for(caller, body.patient_id)
        setup = self._setup(caller.practice_id)
        kind = setup.active_type(body.type_id)
        if body.practitioner_id:
            setup.practitioner_for(kind, body.practitioner_id)
        if body.latest < slots.local_day(self.now(), setup.zone):
            raise Invalid("the window is in the past", code="window_in_past")
        at = self._at()
        entry = WaitlistEntry(**body.model_dump(exclude={"patient_id"}), patient_id=patient_id, id=self.make_id(),
                              status="waiting", created_at=at, version=1, updated_at=at)
        self.repo.put_waitlist_entry(caller.practice_id, entry, None,
                                     self._draft(caller, "waitlist.join", "WAITLIST_ENTRY", entry.id, patient_id))
        return entry

    def list_waitlist(self, caller: Caller) -> WaitlistList:
        entries = self.repo.waitlist(caller.practice_id)
        if caller.is_patient:
            entries = [e for e in entries if e.patient_id == caller.patient_id]
            self.audit.record(self._draft(caller, "waitlist.list", "PATIENT", caller.patient_id, caller.patient_id))
        else:
            self.audit.record(self._draft(caller, "waitlist.list", "WAITLIST", "all", None))
        return WaitlistList(entries=[e for e in entries if e.status in ("waiting", "offered")])

    def withdraw(self, caller: Caller, entry_id: str) -> WaitlistEntry:
        entry = self._entry_for(caller, entry_id)
        if entry.status not in ("waiting", "offered"):
            raise Conflict(f"a {entry.status} entry cannot be withdrawn", code="invalid_transition")
        updated = entry.model_copy(update={"status": "withdrawn", "offer": None, "version": entry.version + 1,
                                           "updated_at": self._at()})
        self.repo.put_waitlist_entry(caller.practice_id, updated, entry.version,
                                     self._draft(caller, "waitlist.withdraw", "WAITLIST_ENTRY", entry.id,
                                                 entry.patient_id))
        if entry.offer:
            self._backfill(caller, entry.offer.practitioner_id, entry.offer.start)
        return updated

    def accept_offer(self, caller: Caller, entry_id: str, version: int) -> Appointment:
        """Book the offered time for the entry's patient, in the transaction that marks the entry booked."""
        entry = self._entry_for(caller, entry_id)
        if entry.status != "offered" or entry.offer is None:
            raise Conflict("there is no open offer on this entry", code="no_offer")
        if entry.version != version:
            raise stale("waitlist entry")
        if _when(entry.offer.expires_at) <= self.now():
            raise Conflict("the offer has expired", code="offer_expired")

        def mark_booked(appointment: Appointment) -> Sequence[Operation]:
            booked = entry.model_copy(update={"status": "booked", "appointment_id": appointment.id,
                                              "version": entry.version + 1, "updated_at": self._at()})
            return self.repo.waitlist_put(caller.practice_id, booked, entry.version)

        try:
            return self._book(caller, entry.type_id, entry.offer.practitioner_id, _when(entry.offer.start),
                              entry.patient_id, None, more=mark_booked)
        except Conflict as conflict:
            if isinstance(conflict, PreconditionFailed):
                raise
            waiting = entry.model_copy(update={"status": "waiting", "offer": None, "version": entry.version + 1,
                                               "updated_at": self._at()})
            self.repo.put_waitlist_entry(caller.practice_id, waiting, entry.version,
                                         self._draft(caller, "waitlist.offer_lost", "WAITLIST_ENTRY", entry.id,
                                                     entry.patient_id))
            raise Conflict("the offered time was taken meanwhile; you stay on the waitlist",
                           code="offer_taken") from None

    def decline_offer(self, caller: Caller, entry_id: str, version: int) -> WaitlistEntry:
        entry = self._entry_for(caller, entry_id)
        if entry.status != "offered" or entry.offer is None:
            raise Conflict("there is no open offer on this entry", code="no_offer")
        if entry.version != version:
            raise stale("waitlist entry")
        waiting = entry.model_copy(update={"status": "waiting", "offer": None, "version": entry.version + 1,
                                           "updated_at": self._at()})
        self.repo.put_waitlist_entry(caller.practice_id, waiting, entry.version,
                                     self._draft(caller, "waitlist.decline", "WAITLIST_ENTRY", entry.id,
                                                 entry.patient_id))
        self._backfill(caller, entry.offer.practitioner_id, entry.offer.start)
        return waiting

    def expire_offers(self, practice_id: str) -> int:
        """The scheduled job: each offer past its expiry goes back to waiting, and its time to the next."""
        system = Caller(user_id="system:scheduling-jobs", practice_id=practice_id, roles=frozenset(),
                        request_id="expire_waitlist_offers")
        expired = 0
        for entry in self.repo.expired_offers(practice_id, self.now()):
            if entry.offer is None:
                continue
            waiting = entry.model_copy(update={"status": "waiting", "offer": None, "version": entry.version + 1,
                                               "updated_at": self._at()})
            try:
                self.repo.put_waitlist_entry(practice_id, waiting, entry.version,
                                             self._draft(system, "waitlist.offer_expired", "WAITLIST_ENTRY",
                                                         entry.id, entry.patient_id))
            except Conflict:
                continue  # accepted, declined or withdrawn meanwhile
            expired += 1
            self._backfill(system, entry.offer.practitioner_id, entry.offer.start)
        return expired

    def _backfill(self, caller: Caller, practitioner_id: str, start: str) -> WaitlistEntry | None:
        """Offer a freed time to the first waiting entry it suits. Best effort after the change that freed
        it: a failure here is logged and the time stays free for anyone to book."""
        try:
            return self._offer_freed(caller.practice_id, practitioner_id, _when(start))
        except DomainError as error:
            logger.warning("waitlist backfill skipped", extra={"code": error.code})
            return None

    def _offer_freed(self, practice_id: str, practitioner_id: str, start: datetime) -> WaitlistEntry | None:
        now = self.now()
        if start <= now:
            return None
        waiting = [e for e in self.repo.waitlist(practice_id) if e.status == "waiting"]
        if not waiting:
            return None
        setup = self._setup(practice_id)
        zone = setup.zone
        slot_key = f"{practitioner_id}@{clock.iso(start)}"
        system = Caller(user_id="system:scheduling", practice_id=practice_id, roles=frozenset(),
                        request_id="waitlist-backfill")
        for entry in waiting:  # oldest first (ULIDs sort by time)
            if slot_key in entry.offered_slots or entry.practitioner_id not in (None, practitioner_id):
                continue
            if not entry.earliest <= slots.local_day(start, zone) <= entry.latest:
                continue
            kind = setup.types.get(entry.type_id)
            practitioner = setup.practitioners.get(practitioner_id)
            if kind is None or not kind.active or practitioner is None or practitioner_id not in kind.practitioner_ids:
                continue
            try:
                slot = self._slot_at(practice_id, setup, kind, practitioner, start)
            except DomainError:
                continue
            expires = min(now + timedelta(minutes=setup.policy.offer_expiry_minutes), start)
            offer = Offer(practitioner_id=practitioner_id, start=clock.iso(slot.start), end=clock.iso(slot.end),
                          room_id=slot.room_id, offered_at=clock.iso(now), expires_at=clock.iso(expires))
            offered = entry.model_copy(update={"status": "offered", "offer": offer,
                                               "offered_slots": [*entry.offered_slots, slot_key][-50:],
                                               "version": entry.version + 1, "updated_at": clock.iso(now)})
            message = notification_requested(
                practice_id=practice_id, recipient={"kind": "patient", "patient_id": entry.patient_id},
                template=OFFER_TEMPLATE,
                source={"area": "scheduling", "entity": "waitlist_entry", "entity_id": entry.id},
                idempotency_key=f"waitlist-offer-{entry.id}-{offered.version}",
                data={"subject": f"An earlier appointment at {setup.policy.practice_name}",
                      "body": f"A time has opened on {local_text(slot.start, zone)}. Sign in to accept it before "
                              f"{local_text(expires, zone)}."})
            try:
                self.repo.put_waitlist_entry(practice_id, offered, entry.version,
                                             self._draft(system, "waitlist.offer", "WAITLIST_ENTRY", entry.id,
                                                         entry.patient_id), [message])
            except Conflict:
                continue
            return offered
        return None

    # --- shared -------------------------------------------------------------------------------

    def _setup(self, practice_id: str) -> Setup:
        return Setup(*self.repo.setup(practice_id))

    def _appointment_for(self, caller: Caller, appointment_id: str) -> Appointment:
        appointment = self.repo.appointment(caller.practice_id, segment(appointment_id, "appointment id"))
        # another patient's appointment is not found, not forbidden: its existence is not theirs to learn
        if appointment is None or not may_reach(caller, appointment.patient_id, STAFF_READERS):
            raise NotFound("no such appointment", code="appointment_not_found",
                           subject_patient_id=appointment.patient_id if appointment else None)
        return appointment

    def _entry_for(self, caller: Caller, entry_id: str) -> WaitlistEntry:
        entry = self.repo.waitlist_entry(caller.practice_id, segment(entry_id, "entry id"))
        if entry is None or not may_reach(caller, entry.patient_id, STAFF_READERS):
            raise NotFound("no such waitlist entry", code="waitlist_entry_not_found",
                           subject_patient_id=entry.patient_id if entry else None)
        return entry

    @staticmethod
    def _patient_for(caller: Caller, patient_id: str | None) -> str:
        if caller.is_patient:
            if patient_id not in (None, caller.patient_id):
                raise Forbidden("you may only book for yourself", subject_patient_id=patient_id)
            return str(caller.patient_id)
        if patient_id is None:
            raise Invalid("say whose appointment it is: patient_id", code="patient_required")
        return segment(patient_id, "patient id")

    def _claim(self, key: str | None, caller: Caller, operation: str, body: dict) -> IdempotencyClaim | None:
        if key is None:
            return None
        return IdempotencyClaim(key=key, fingerprint=fingerprint(f"{operation}:{caller.practice_id}", body),
                                response={})

    def _replayed(self, caller: Caller, claim: IdempotencyClaim | None) -> Appointment:
        stored = self.repo.replay(caller.practice_id, claim) if claim else None
        if stored is None:
            raise Conflict(f"this {IDEMPOTENCY_HEADER} was just used; retry", code="idempotency_in_flux")
        return self._audited_replay(caller, stored)

    def _audited_replay(self, caller: Caller, stored: dict) -> Appointment:
        appointment = Appointment.model_validate(stored)
        self.audit.record(self._draft(caller, "appointment.book.replayed", "APPOINTMENT", appointment.id,
                                      appointment.patient_id))
        return appointment


    def _appointment_event(self, event_type: str, caller: Caller, appointment: Appointment,
                           **data: Any) -> DomainEvent:
        return self._event(event_type, caller, appointment.id, patient_id=appointment.patient_id,
                           practitioner_id=appointment.practitioner_id, type_id=appointment.type_id,
                           start=appointment.start, status=appointment.status, **data)


def _overlap(a: Interval, b: Interval) -> timedelta:
    return max(timedelta(0), min(a.end, b.end) - max(a.start, b.start))


def _minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)
