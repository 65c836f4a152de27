"""In-memory stand-ins for the scheduling ports. They keep state as the table does and refuse what its
conditions refuse, in the same order (tests/contract checks them against the DynamoDB adapters): a stale
version is 412, a time already held is 409 (slot_taken, room_taken, patient_busy), a patient not on file is
404, an Idempotency-Key used before is AlreadyDone. Each write commits all or nothing, with its audit entry
and events."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from functions.core import clock
from functions.core.audit import AuditDraft
from functions.core.errors import Conflict, Invalid, NotFound, stale
from functions.core.events import DomainEvent
from functions.core.idempotency import AlreadyDone, IdempotencyClaim, IdempotentRequest
from functions.scheduling.models.appointments import Appointment
from functions.scheduling.models.moves import AppointmentMove
from functions.scheduling.models.setup import AvailabilityException, Policy, Practitioner, Room, Setup
from functions.scheduling.models.waitlist import WaitlistEntry
from functions.scheduling.ports import Configured, Filled, LicenceOnFile
from functions.scheduling.slot_rules import granules
from functions.scheduling.wiring import Stores
from tests.fakes.audit import FakeAuditTrail

ACTIVE = ("booked", "confirmed")
HELD = {"practitioner": ("slot_taken", "the practitioner is booked at that time"),
        "room": ("room_taken", "the room is booked at that time"),
        "patient": ("patient_busy", "the patient has another appointment at that time")}


@dataclass
class State:
    """What the table would hold, shared by the fakes as the adapters share one table."""

    audit: FakeAuditTrail = field(default_factory=FakeAuditTrail)
    events: list[DomainEvent] = field(default_factory=list)
    patients: set[tuple[str, str]] = field(default_factory=set)  # (practice, patient) on file in records
    policies: dict[str, Policy] = field(default_factory=dict)
    configured: dict[tuple[str, str], dict[str, Configured]] = field(default_factory=dict)  # (practice, kind)
    exceptions: dict[tuple[str, date, str], AvailabilityException] = field(default_factory=dict)
    appointments: dict[tuple[str, str], Appointment] = field(default_factory=dict)
    holds: dict[tuple[str, str, str, str], str] = field(default_factory=dict)  # (practice, whose, id, t) -> appt
    keys: dict[tuple[str, str], IdempotencyClaim] = field(default_factory=dict)
    waitlist: dict[tuple[str, str], WaitlistEntry] = field(default_factory=dict)
    moves: dict[tuple[str, str, str], AppointmentMove] = field(default_factory=dict)  # (practice, reason, appt)
    licences: dict[tuple[str, str], list[LicenceOnFile]] = field(default_factory=dict)  # compliance's, by practitioner

    def commit(self, audit: AuditDraft, events: Sequence[DomainEvent] = ()) -> None:
        self.audit.record(audit)
        self.events.extend(events)

    def on_file(self, practice_id: str, *patient_ids: str) -> None:
        self.patients |= {(practice_id, p) for p in patient_ids}


def _kind(configured: Configured) -> str:
    return {Practitioner: "PRACTITIONER", Room: "ROOM"}.get(type(configured), "TYPE")


def _check_version(current: Any, expected_version: int | None, what: str) -> None:
    if not expected_version:
        if current is not None:
            raise stale(what)
    elif current is None or current.version != expected_version:
        raise stale(what)


class FakeSchedulingSetup:
    def __init__(self, state: State) -> None:
        self.state = state

    def current(self, practice_id: str) -> Setup:
        shelf = lambda kind: dict(sorted(self.state.configured.get((practice_id, kind), {}).items()))  # noqa: E731
        return Setup(policy=self.state.policies.get(practice_id) or Policy(), practitioners=shelf("PRACTITIONER"),
                     rooms=shelf("ROOM"), types=shelf("TYPE"))

    def policy(self, practice_id: str) -> Policy | None:
        return self.state.policies.get(practice_id)

    def practitioner(self, practice_id: str, practitioner_id: str):
        return self.state.configured.get((practice_id, "PRACTITIONER"), {}).get(practitioner_id)

    def appointment_type(self, practice_id: str, type_id: str):
        return self.state.configured.get((practice_id, "TYPE"), {}).get(type_id)

    def save_policy(self, practice_id: str, policy: Policy, expected_version: int, audit: AuditDraft) -> None:
        _check_version(self.state.policies.get(practice_id), expected_version, "policy")
        self.state.policies[practice_id] = policy
        self.state.commit(audit)

    def save(self, practice_id: str, configured: Configured, expected_version: int | None, audit: AuditDraft,
             events: Sequence[DomainEvent] = ()) -> None:
        kind = _kind(configured)
        shelf = self.state.configured.setdefault((practice_id, kind), {})
        _check_version(shelf.get(configured.id), expected_version, {"TYPE": "type"}.get(kind, kind.lower()))
        shelf[configured.id] = configured
        self.state.commit(audit, events)


class FakeAvailabilityExceptions:
    def __init__(self, state: State) -> None:
        self.state = state

    def between(self, practice_id: str, first: date, last: date) -> list[AvailabilityException]:
        found = [(day, exception_id, e) for (p, day, exception_id), e in self.state.exceptions.items()
                 if p == practice_id and first <= day <= last]
        return [e for *_, e in sorted(found, key=lambda f: (f[0], f[1]))]

    def add(self, practice_id: str, exception: AvailabilityException, audit: AuditDraft) -> None:
        self.state.exceptions[(practice_id, exception.date, exception.id)] = exception
        self.state.commit(audit)

    def remove(self, practice_id: str, day: date, exception_id: str, audit: AuditDraft) -> None:
        if self.state.exceptions.pop((practice_id, day, exception_id), None) is None:
            raise NotFound("no such exception", code="exception_not_found")
        self.state.commit(audit)


def _sk(appointment: Appointment) -> str:
    return f"{appointment.start}#{appointment.id}"


class FakeCalendars:
    """A practitioner's or room's calendar: the appointments not cancelled (a cancel deletes its copies),
    selected by start as the sort key "<start>#<id>" BETWEEN the bounds selects them."""

    def __init__(self, state: State) -> None:
        self.state = state

    def practitioner_bookings(self, practice_id: str, practitioner_id: str, start: datetime,
                              end: datetime) -> list[Appointment]:
        return self._between(practice_id, start, end, lambda a: a.practitioner_id == practitioner_id)

    def room_bookings(self, practice_id: str, room_id: str, start: datetime, end: datetime) -> list[Appointment]:
        return self._between(practice_id, start, end, lambda a: a.room_id == room_id)

    def _between(self, practice_id: str, start: datetime, end: datetime, whose) -> list[Appointment]:
        low, high = clock.iso(start), clock.iso(end)
        found = [a for (p, _), a in self.state.appointments.items()
                 if p == practice_id and a.status != "cancelled" and whose(a) and low <= _sk(a) <= high]
        return sorted(found, key=_sk)


def _holds(appointment: Appointment) -> list[tuple[str, str, str]]:
    start, end, hold_end = (datetime.fromisoformat(t) for t in (appointment.start, appointment.end,
                                                                   appointment.hold_end))
    keys = [("practitioner", appointment.practitioner_id, clock.iso(g)) for g in granules(start, hold_end)]
    if appointment.room_id:
        keys += [("room", appointment.room_id, clock.iso(g)) for g in granules(start, hold_end)]
    return keys + [("patient", appointment.patient_id, clock.iso(g)) for g in granules(start, end)]


class FakeAppointmentBook:
    def __init__(self, state: State) -> None:
        self.state = state

    def appointment(self, practice_id: str, appointment_id: str) -> Appointment | None:
        return self.state.appointments.get((practice_id, appointment_id))

    def of_patient(self, practice_id: str, patient_id: str, limit: int = 100) -> list[Appointment]:
        return sorted(self._patient(practice_id, patient_id), key=_sk, reverse=True)[:limit]

    def of_patient_between(self, practice_id: str, patient_id: str, start: datetime,
                           end: datetime) -> list[Appointment]:
        low, high = clock.iso(start), f"{clock.iso(end)}#~"
        return sorted((a for a in self._patient(practice_id, patient_id) if low <= _sk(a) <= high), key=_sk)

    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None:
        stored = self.state.keys.get((practice_id, request.key))
        if stored is None:
            return None
        if stored.fingerprint != request.fingerprint:
            raise Invalid("this Idempotency-Key was used for a different request", code="idempotency_key_reused")
        return stored.response

    def book(self, practice_id: str, appointment: Appointment, audit: AuditDraft, events: Sequence[DomainEvent],
             claim: IdempotencyClaim | None = None, filled: Filled | None = None) -> None:
        if (practice_id, appointment.patient_id) not in self.state.patients:
            raise NotFound("no such patient", code="patient_not_found")
        if claim and (practice_id, claim.key) in self.state.keys:
            raise AlreadyDone("already done")
        holds = _holds(appointment)
        self._refuse_taken(practice_id, holds)
        if (practice_id, appointment.id) in self.state.appointments:
            raise Conflict("that id exists", code="duplicate_id")
        if filled:
            _check_version(self.state.waitlist.get((practice_id, filled.entry.id)), filled.expected_version,
                           "waitlist entry")
        if claim:
            self.state.keys[(practice_id, claim.key)] = claim
        self._hold(practice_id, appointment, holds)
        self.state.appointments[(practice_id, appointment.id)] = appointment
        if filled:
            self.state.waitlist[(practice_id, filled.entry.id)] = filled.entry
        self.state.commit(audit, events)

    def move(self, practice_id: str, before: Appointment, after: Appointment, audit: AuditDraft,
             events: Sequence[DomainEvent]) -> None:
        old, new = _holds(before), _holds(after)
        freed = [k for k in old if k not in new]
        self._refuse_not_ours(practice_id, before, freed)
        self._refuse_taken(practice_id, [k for k in new if k not in old])
        self._check_current(practice_id, before)
        self._release(practice_id, freed)
        self._hold(practice_id, after, [k for k in new if k not in old])
        self.state.appointments[(practice_id, after.id)] = after
        self.state.commit(audit, events)

    def cancel(self, practice_id: str, before: Appointment, after: Appointment, audit: AuditDraft,
               events: Sequence[DomainEvent]) -> None:
        self._check_current(practice_id, before)
        holds = _holds(before)
        self._refuse_not_ours(practice_id, before, holds)
        self._release(practice_id, holds)
        self.state.appointments[(practice_id, after.id)] = after
        self.state.commit(audit, events)

    def update_status(self, practice_id: str, before: Appointment, after: Appointment, audit: AuditDraft,
                      events: Sequence[DomainEvent], keep_reminder: bool) -> None:
        self._check_current(practice_id, before)
        self.state.appointments[(practice_id, after.id)] = after
        self.state.commit(audit, events)

    def _patient(self, practice_id: str, patient_id: str) -> list[Appointment]:
        return [a for (p, _), a in self.state.appointments.items() if p == practice_id and a.patient_id == patient_id]

    def _check_current(self, practice_id: str, before: Appointment) -> None:
        current = self.state.appointments.get((practice_id, before.id))
        if current is None or current.version != before.version:
            raise stale("appointment")

    def _refuse_taken(self, practice_id: str, holds: list[tuple[str, str, str]]) -> None:
        for whose, owner, at in holds:
            if (practice_id, whose, owner, at) in self.state.holds:
                code, message = HELD[whose]
                raise Conflict(message, code=code)

    def _refuse_not_ours(self, practice_id: str, appointment: Appointment, holds: list[tuple[str, str, str]]) -> None:
        for whose, owner, at in holds:
            if self.state.holds.get((practice_id, whose, owner, at), appointment.id) != appointment.id:
                raise Conflict("the appointment's time is held by another", code="hold_mismatch")

    def _hold(self, practice_id: str, appointment: Appointment, holds: list[tuple[str, str, str]]) -> None:
        for whose, owner, at in holds:
            self.state.holds[(practice_id, whose, owner, at)] = appointment.id

    def _release(self, practice_id: str, holds: list[tuple[str, str, str]]) -> None:
        for whose, owner, at in holds:
            self.state.holds.pop((practice_id, whose, owner, at), None)


def _reminder_due(appointment: Appointment) -> bool:
    """In the due index: a reminder set, not yet sent, for an appointment still to come."""
    return bool(appointment.reminder_due_at and not appointment.reminder_sent_at and appointment.status in ACTIVE)


class FakeReminderQueue:
    def __init__(self, state: State) -> None:
        self.state = state

    def due(self, practice_id: str, now: datetime, limit: int = 100) -> list[Appointment]:
        high = f"{clock.iso(now)}#~"
        found = [a for (p, _), a in self.state.appointments.items()
                 if p == practice_id and _reminder_due(a) and f"{a.reminder_due_at}#{a.id}" <= high]
        return sorted(found, key=lambda a: f"{a.reminder_due_at}#{a.id}")[:limit]

    def mark_reminded(self, practice_id: str, appointment: Appointment, at: str, audit: AuditDraft,
                      events: Sequence[DomainEvent]) -> None:
        current = self.state.appointments.get((practice_id, appointment.id))
        if current is None or not _reminder_due(current) or current.reminder_due_at != appointment.reminder_due_at:
            raise Conflict("the reminder was sent or is no longer due", code="reminder_not_due")
        self.state.appointments[(practice_id, appointment.id)] = current.model_copy(update={"reminder_sent_at": at})
        self.state.commit(audit, events)


class FakeWaitlist:
    def __init__(self, state: State) -> None:
        self.state = state

    def entries(self, practice_id: str) -> list[WaitlistEntry]:
        return sorted((e for (p, _), e in self.state.waitlist.items() if p == practice_id), key=lambda e: e.id)

    def entry(self, practice_id: str, entry_id: str) -> WaitlistEntry | None:
        return self.state.waitlist.get((practice_id, entry_id))

    def expired_offers(self, practice_id: str, now: datetime, limit: int = 100) -> list[WaitlistEntry]:
        high = f"{clock.iso(now)}#~"
        found = [e for e in self.entries(practice_id)
                 if e.status == "offered" and e.offer and f"{e.offer.expires_at}#{e.id}" <= high]
        return sorted(found, key=lambda e: f"{e.offer.expires_at}#{e.id}")[:limit]

    def save(self, practice_id: str, entry: WaitlistEntry, expected_version: int | None, audit: AuditDraft,
             events: Sequence[DomainEvent] = ()) -> None:
        current = self.state.waitlist.get((practice_id, entry.id))
        if (expected_version is None and current is not None) or (
                expected_version is not None and (current is None or current.version != expected_version)):
            raise stale("waitlist entry")
        self.state.waitlist[(practice_id, entry.id)] = entry
        self.state.commit(audit, events)


class FakeMoveBook:
    def __init__(self, state: State) -> None:
        self.state = state

    def move(self, practice_id: str, reason: str, appointment_id: str) -> AppointmentMove | None:
        return self.state.moves.get((practice_id, reason, appointment_id))

    def of_reason(self, practice_id: str, reason: str) -> list[AppointmentMove]:
        return [m for (p, r, _), m in sorted(self.state.moves.items()) if (p, r) == (practice_id, reason)]

    def save(self, practice_id: str, move: AppointmentMove, expected_version: int | None, audit: AuditDraft,
             events: Sequence[DomainEvent] = ()) -> None:
        key = (practice_id, move.reason, move.appointment_id)
        _check_version(self.state.moves.get(key), expected_version, "appointment move")
        self.state.moves[key] = move
        self.state.commit(audit, events)


class FakePractitionerLicences:
    """Compliance's licences as scheduling reads them; arrange them in `state.licences`."""

    def __init__(self, state: State) -> None:
        self.state = state

    def licences(self, practice_id: str, practitioner_id: str) -> list[LicenceOnFile]:
        return list(self.state.licences.get((practice_id, practitioner_id), []))


def fake_stores(state: State | None = None) -> Stores:
    state = state or State()
    return Stores(setup=FakeSchedulingSetup(state), exceptions=FakeAvailabilityExceptions(state),
                  calendars=FakeCalendars(state), appointments=FakeAppointmentBook(state),
                  reminders=FakeReminderQueue(state), waitlist=FakeWaitlist(state), moves=FakeMoveBook(state),
                  licences=FakePractitionerLicences(state), audit=state.audit)
