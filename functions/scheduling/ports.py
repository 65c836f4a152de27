"""What the scheduling use cases need from storage, in the practice's words: each port a role, a handful of
methods speaking domain types. The DynamoDB adapters are in `dynamo/`; in-memory fakes in tests/fakes.

Every write takes the audit entry (and the domain events) that ride in its own transaction, so a change and
its trail are one commit. A stale `expected_version` is PreconditionFailed (412); a time already held is
Conflict (409)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from functions.core.audit import AuditDraft
from functions.core.events import DomainEvent
from functions.core.idempotency import IdempotencyClaim, IdempotentRequest
from functions.scheduling.models.appointments import Appointment
from functions.scheduling.models.moves import AppointmentMove
from functions.scheduling.models.setup import (
    AppointmentType,
    AvailabilityException,
    Policy,
    Practitioner,
    Room,
    Setup,
)
from functions.scheduling.models.waitlist import WaitlistEntry

Configured = Practitioner | Room | AppointmentType


class SchedulingSetup(Protocol):
    """The practice's policy, practitioners, rooms and appointment types."""

    def current(self, practice_id: str) -> Setup: ...
    def policy(self, practice_id: str) -> Policy | None: ...
    def practitioner(self, practice_id: str, practitioner_id: str) -> Practitioner | None: ...
    def appointment_type(self, practice_id: str, type_id: str) -> AppointmentType | None: ...
    def save_policy(self, practice_id: str, policy: Policy, expected_version: int, audit: AuditDraft) -> None: ...
    def save(self, practice_id: str, configured: Configured, expected_version: int | None, audit: AuditDraft,
             events: Sequence[DomainEvent] = ()) -> None:
        """A practitioner, room or type: new when `expected_version` is None, else replacing that version."""


class AvailabilityExceptions(Protocol):
    """Holidays, blocks and extra hours, by local date."""

    def between(self, practice_id: str, first: date, last: date) -> list[AvailabilityException]: ...
    def add(self, practice_id: str, exception: AvailabilityException, audit: AuditDraft) -> None: ...
    def remove(self, practice_id: str, day: date, exception_id: str, audit: AuditDraft) -> None:
        """NotFound when there is no such exception on that day."""


class Calendars(Protocol):
    """Who is booked when: a practitioner's or a room's appointments starting in [start, end]."""

    def practitioner_bookings(self, practice_id: str, practitioner_id: str, start: datetime,
                              end: datetime) -> list[Appointment]: ...
    def room_bookings(self, practice_id: str, room_id: str, start: datetime, end: datetime) -> list[Appointment]: ...


@dataclass(frozen=True)
class Filled:
    """A waitlist entry marked booked in the booking's own transaction (the offer accepted)."""

    entry: WaitlistEntry
    expected_version: int


class AppointmentBook(Protocol):
    """Appointments and the time they hold. A booking holds the practitioner's, the room's and the patient's
    time so that no two appointments overlap (Conflict: slot_taken, room_taken, patient_busy), and only for a
    patient the practice has on file (NotFound: patient_not_found)."""

    def appointment(self, practice_id: str, appointment_id: str) -> Appointment | None: ...
    def of_patient(self, practice_id: str, patient_id: str, limit: int = 100) -> list[Appointment]:
        """Newest first, at most `limit`."""
    def of_patient_between(self, practice_id: str, patient_id: str, start: datetime,
                           end: datetime) -> list[Appointment]: ...
    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None: ...
    def book(self, practice_id: str, appointment: Appointment, audit: AuditDraft, events: Sequence[DomainEvent],
             claim: IdempotencyClaim | None = None, filled: Filled | None = None) -> None: ...
    def move(self, practice_id: str, before: Appointment, after: Appointment, audit: AuditDraft,
             events: Sequence[DomainEvent]) -> None:
        """Reschedule: free the time only `before` held, hold the time only `after` needs, in one commit."""
    def cancel(self, practice_id: str, before: Appointment, after: Appointment, audit: AuditDraft,
               events: Sequence[DomainEvent]) -> None:
        """Record the cancel and free its time; its reminder is no longer due."""
    def update_status(self, practice_id: str, before: Appointment, after: Appointment, audit: AuditDraft,
                      events: Sequence[DomainEvent], keep_reminder: bool) -> None: ...


class ReminderQueue(Protocol):
    """Appointments whose reminder is due and unsent."""

    def due(self, practice_id: str, now: datetime, limit: int = 100) -> list[Appointment]: ...
    def mark_reminded(self, practice_id: str, appointment: Appointment, at: str, audit: AuditDraft,
                      events: Sequence[DomainEvent]) -> None:
        """Conflict (reminder_not_due) when it was sent meanwhile, or the appointment moved or ended."""


class Waitlist(Protocol):
    """Patients waiting for an earlier time, oldest first, and the offers made to them."""

    def entries(self, practice_id: str) -> list[WaitlistEntry]: ...
    def entry(self, practice_id: str, entry_id: str) -> WaitlistEntry | None: ...
    def expired_offers(self, practice_id: str, now: datetime, limit: int = 100) -> list[WaitlistEntry]: ...
    def save(self, practice_id: str, entry: WaitlistEntry, expected_version: int | None, audit: AuditDraft,
             events: Sequence[DomainEvent] = ()) -> None: ...


class MoveBook(Protocol):
    """Offers to move booked patients, one per (reason, appointment): new once, then changed by version."""

    def move(self, practice_id: str, reason: str, appointment_id: str) -> AppointmentMove | None: ...
    def of_reason(self, practice_id: str, reason: str) -> list[AppointmentMove]: ...
    def save(self, practice_id: str, move: AppointmentMove, expected_version: int | None, audit: AuditDraft,
             events: Sequence[DomainEvent] = ()) -> None:
        """New when `expected_version` is None (PreconditionFailed when it exists), else replacing that version."""


@dataclass(frozen=True)
class LicenceOnFile:
    """A practitioner's licence as compliance keeps it: enough to warn a booking, nothing more."""

    number: str
    issuing_body: str
    expires_on: date


class PractitionerLicences(Protocol):
    """The practitioner's active licences, kept by the compliance area (read through its adapter)."""

    def licences(self, practice_id: str, practitioner_id: str) -> list[LicenceOnFile]: ...
