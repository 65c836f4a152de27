"""What approved leave changes, and how it is undone: the hours out of the PTO balance, the member's shifts
released from the roster, the practitioner's availability blocked (undone: also the offers to move their
patients withdrawn). Each step is idempotent (a ledger entry is
written once, a shift is released once), so the workflow may retry it and a withdrawal may repeat it."""

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from functions.core.auth import Caller, Role
from functions.core.service import AreaService, AuditTrail
from functions.staff.leave_time import overlaps
from functions.staff.models.common import minutes_of
from functions.staff.models.leave import FROM_PTO, LeaveRequest, PtoEntry
from functions.staff.models.roster import Shift
from functions.staff.ports import LeaveBook, PatientMoves, PractitionerCalendar, PtoLedger, ShiftBook, StaffRecords

ENTITY = "LEAVE_REQUEST"


def workflow_caller(practice_id: str) -> Caller:
    """Who the leave approval workflow acts as in the audit trail."""
    return Caller(user_id="workflow:leave-approval", practice_id=practice_id, roles=frozenset({Role.COORDINATOR}),
                  request_id="workflow")


def shift_span(shift: Shift, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(shift.date, datetime.min.time()).replace(tzinfo=zone)
    return (start + timedelta(minutes=minutes_of(shift.start))), (start + timedelta(minutes=minutes_of(shift.end)))


def shifts_in(leave: LeaveRequest, shifts: list[Shift]) -> list[Shift]:
    """The shifts the leave falls on (any overlap releases the whole shift)."""
    zone = ZoneInfo(leave.time_zone)
    return [s for s in shifts if overlaps(*shift_span(s, zone), leave.starts_at, leave.ends_at)]


class LeaveEffects(AreaService):
    def __init__(self, records: StaffRecords, book: LeaveBook, ledger: PtoLedger, shifts: ShiftBook,
                 calendar: PractitionerCalendar, audit: AuditTrail, now: Callable[[], datetime],
                 moves: PatientMoves | None = None) -> None:
        self.records, self.book, self.ledger, self.shifts = records, book, ledger, shifts
        self.calendar, self.audit, self.now, self.moves = calendar, audit, now, moves

    def affected_shifts(self, leave: LeaveRequest) -> list[Shift]:
        return shifts_in(leave, self.shifts.of_member(leave.practice_id, leave.user_id, leave.first_day,
                                                      leave.last_day))

    def take(self, leave: LeaveRequest) -> None:
        caller, at = workflow_caller(leave.practice_id), self._at()
        if leave.kind in FROM_PTO:
            entry = PtoEntry(user_id=leave.user_id, id=f"taken-{leave.id}", on=leave.first_day, kind="taken",
                             minutes=-leave.minutes, leave_id=leave.id, at=at)
            self.ledger.append(leave.practice_id, [entry], self._draft(caller, "pto.take", "PTO", leave.user_id))
        for shift in self.affected_shifts(leave):
            if shift.working:
                self._move(shift, "on_leave", leave.id, caller, "shift.release")
        member = self.records.member(leave.practice_id, leave.user_id)
        if member is not None and member.practitioner_id:
            self.calendar.block(leave.practice_id, member.practitioner_id, leave.starts_at, leave.ends_at, leave.id)

    def undo(self, leave: LeaveRequest) -> None:
        caller, at = workflow_caller(leave.practice_id), self._at()
        entries = {e.id for e in self.ledger.entries(leave.practice_id, leave.user_id)}
        if f"taken-{leave.id}" in entries and f"restored-{leave.id}" not in entries:
            entry = PtoEntry(user_id=leave.user_id, id=f"restored-{leave.id}", on=leave.first_day, kind="restored",
                             minutes=leave.minutes, leave_id=leave.id, at=at)
            self.ledger.append(leave.practice_id, [entry], self._draft(caller, "pto.restore", "PTO", leave.user_id))
        for shift in self.affected_shifts(leave):
            if shift.leave_id == leave.id:
                self._move(shift, "scheduled", None, caller, "shift.restore")
        member = self.records.member(leave.practice_id, leave.user_id)
        if member is not None and member.practitioner_id:
            self.calendar.unblock(leave.practice_id, member.practitioner_id, leave.starts_at, leave.ends_at, leave.id)
            if self.moves is not None:  # the practitioner is back: nobody needs moving any more
                self.moves.withdraw(leave.practice_id, leave.id)

    def close(self, leave: LeaveRequest, status: str, caller: Caller, action: str, reason: str | None = None,
              events=()) -> LeaveRequest:
        """The request's final state; a status it already has is left alone (a retried step)."""
        if leave.status == status:
            return leave
        closed = leave.model_copy(update={"status": status, "task_token": None, "version": leave.version + 1,
                                          **({"reason": reason} if reason else {})})
        self.book.save(closed, self._draft(caller, action, ENTITY, leave.id), events)
        return closed

    def _move(self, shift: Shift, status: str, leave_id: str | None, caller: Caller, action: str) -> None:
        moved = shift.model_copy(update={"status": status, "leave_id": leave_id, "version": shift.version + 1})
        day = self.shifts.day(shift.practice_id, shift.user_id, shift.date)
        changed = day.model_copy(update={"shifts": [moved if s.id == shift.id else s for s in day.shifts],
                                         "version": day.version + 1})
        self.shifts.change([moved], [], [changed], self._draft(caller, action, "SHIFT", shift.id))
