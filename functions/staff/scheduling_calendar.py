"""The PractitionerCalendar adapter over scheduling's tables as they stand: a practitioner's booked patients
(their calendar partition) and their availability (a `block` exception per day of leave, named for the leave
so blocking twice is one block and unblocking finds it). Scheduling is being restructured; when it offers its
own port for this, this module is what changes."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from functions.core import clock
from functions.core.audit import draft
from functions.core.audit_store import AuditStore
from functions.core.auth import Caller, Role
from functions.core.errors import NotFound
from functions.core.table import Table, TransactionCancelled
from functions.scheduling.models import AvailabilityException
from functions.scheduling.repo import SchedulingRepo
from functions.staff.ports import BookedVisit

ACTIVE = {"booked", "confirmed", "arrived", "in_room"}
ACTOR = "workflow:leave-approval"


def _caller(practice_id: str) -> Caller:
    return Caller(user_id=ACTOR, practice_id=practice_id, roles=frozenset({Role.COORDINATOR}), request_id="workflow")


def _exception_id(day: date, leave_id: str) -> str:
    return f"{day:%Y%m%d}-leave-{leave_id}"[:64]


class SchedulingCalendar:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.repo = SchedulingRepo(table, audit)

    def booked(self, practice_id: str, practitioner_id: str, starts_at: datetime,
               ends_at: datetime) -> list[BookedVisit]:
        """Query the practitioner's BOOKINGS partition between the two instants (scheduling's calendar)."""
        visits = []
        for entry in self.repo.calendar(practice_id, practitioner_id, starts_at, ends_at):
            if entry.get("status") in ACTIVE:
                start = datetime.fromisoformat(str(entry["start"]).replace("Z", "+00:00")).astimezone(UTC)
                visits.append(BookedVisit(appointment_id=entry["id"], patient_id=entry["patient_id"], start=start))
        return visits

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
                self.repo.put_exception(practice_id, exception, audit)
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
                self.repo.delete_exception(practice_id, day, exception_id, audit)
            except NotFound:
                continue

    def _days(self, practice_id: str, starts_at: datetime, ends_at: datetime):
        policy = self.repo.policy(practice_id)
        zone = ZoneInfo(policy.time_zone if policy else "UTC")
        local_start, local_end = starts_at.astimezone(zone), ends_at.astimezone(zone)
        day = local_start.date()
        while datetime.combine(day, time.min, zone) < local_end:
            first = max(local_start, datetime.combine(day, time.min, zone))
            last = min(local_end, datetime.combine(day + timedelta(days=1), time.min, zone))
            whole = first.time() == time.min and last == datetime.combine(day + timedelta(days=1), time.min, zone)
            yield (day, None, None) if whole else (day, first.strftime("%H:%M"),
                                                   "24:00" if last.date() > day else last.strftime("%H:%M"))
            day += timedelta(days=1)
