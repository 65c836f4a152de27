"""The PractitionerCalendar adapter over scheduling's own adapters: a practitioner's booked patients (their
calendar partition, `DynamoCalendars`) and their availability (a `block` exception per day of leave through
`DynamoAvailabilityExceptions`, named for the leave so blocking twice is one block and unblocking finds it)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from functions.core import clock
from functions.core.audit import draft
from functions.core.audit_store import AuditStore
from functions.core.auth import Caller, Role
from functions.core.errors import NotFound
from functions.core.table import Table, TransactionCancelled
from functions.scheduling.dynamo.appointments import DynamoCalendars
from functions.scheduling.dynamo.setup import DynamoAvailabilityExceptions, DynamoSchedulingSetup
from functions.scheduling.models.setup import AvailabilityException
from functions.staff.ports import BookedVisit

ACTIVE = {"booked", "confirmed", "arrived", "in_room"}
ACTOR = "workflow:leave-approval"


def _caller(practice_id: str) -> Caller:
    return Caller(user_id=ACTOR, practice_id=practice_id, roles=frozenset({Role.COORDINATOR}), request_id="workflow")


def _exception_id(day: date, leave_id: str) -> str:
    return f"{day:%Y%m%d}-leave-{leave_id}"[:64]


class SchedulingCalendar:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.calendars = DynamoCalendars(table)
        self.exceptions = DynamoAvailabilityExceptions(table, audit)
        self.setup = DynamoSchedulingSetup(table, audit)

    def booked(self, practice_id: str, practitioner_id: str, starts_at: datetime,
               ends_at: datetime) -> list[BookedVisit]:
        """Query the practitioner's BOOKINGS partition between the two instants (scheduling's calendar)."""
        return [BookedVisit(appointment_id=booked.id, patient_id=booked.patient_id,
                            start=datetime.fromisoformat(booked.start.replace("Z", "+00:00")).astimezone(UTC))
                for booked in self.calendars.practitioner_bookings(practice_id, practitioner_id, starts_at, ends_at)
                if booked.status in ACTIVE]

    def block(self, practice_id: str, practitioner_id: str, starts_at: datetime, ends_at: datetime,
              leave_id: str) -> None:
        """A scheduling `block` exception for each local day the leave touches (audited, one transaction each)."""
        for day, start, end in self._days(practice_id, starts_at, ends_at):
            exception = AvailabilityException(practitioner_id=practitioner_id, date=day, kind="block", start=start,
                                              end=end, id=_exception_id(day, leave_id),
                                              created_at=clock.iso(clock.now()))
            audit = draft(_caller(practice_id), "availability.exception.add", "AVAILABILITY_EXCEPTION", exception.id,
                          clock.iso(clock.now()))
            try:
                self.exceptions.add(practice_id, exception, audit)
            except TransactionCancelled:  # blocked before: the exception is there
                continue

    def unblock(self, practice_id: str, practitioner_id: str, starts_at: datetime, ends_at: datetime,
                leave_id: str) -> None:
        """Delete the leave's block exception on each day it touched (named for the leave); one already gone
        is fine."""
        for day, _, _ in self._days(practice_id, starts_at, ends_at):
            exception_id = _exception_id(day, leave_id)
            audit = draft(_caller(practice_id), "availability.exception.delete", "AVAILABILITY_EXCEPTION",
                          exception_id, clock.iso(clock.now()))
            try:
                self.exceptions.remove(practice_id, day, exception_id, audit)
            except NotFound:
                continue

    def _days(self, practice_id: str, starts_at: datetime, ends_at: datetime):
        policy = self.setup.policy(practice_id)
        return leave_days(ZoneInfo(policy.time_zone if policy else "UTC"), starts_at, ends_at)


def leave_days(zone: ZoneInfo, starts_at: datetime, ends_at: datetime):
    """Each local day the leave touches: (day, None, None) for a whole day, else (day, "HH:MM", "HH:MM")."""
    local_start, local_end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    day = local_start.date()
    while datetime.combine(day, time.min, zone) < local_end:
        first = max(local_start, datetime.combine(day, time.min, zone))
        last = min(local_end, datetime.combine(day + timedelta(days=1), time.min, zone))
        whole = first.time() == time.min and last == datetime.combine(day + timedelta(days=1), time.min, zone)
        yield (day, None, None) if whole else (day, first.strftime("%H:%M"),
                                               "24:00" if last.date() > day else last.strftime("%H:%M"))
        day += timedelta(days=1)
