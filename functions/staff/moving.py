"""Moving the patients booked with a practitioner during their approved leave: each is offered other times
(through scheduling), and once the offers close the front desk is told who is still to move and can list
them. Each step is idempotent: offers are made once per appointment, the closing is recorded once."""

from collections.abc import Callable
from datetime import datetime, timedelta

from functions.core import authz, clock
from functions.core.auth import Caller
from functions.core.errors import NotFound
from functions.core.service import AreaService, AuditTrail
from functions.staff.leave_effects import ENTITY, workflow_caller
from functions.staff.models.common import JobRole
from functions.staff.models.leave import LeaveRequest, PatientsToMove
from functions.staff.ports import LeaveBook, Notices, PatientMoves, PractitionerCalendar, StaffRecords

ANSWER_WITHIN = timedelta(hours=48)  # a patient's time to choose another time
BEFORE_LEAVE = timedelta(hours=24)  # the desk needs this long before the leave to call whoever did not answer
AT_LEAST = timedelta(hours=2)
# the workflow closes the offers a minute after their deadline, so a choice made at the last moment is settled
# (and Wait states count whole seconds)
CLOSE_AFTER = timedelta(minutes=1)
MAX_DESK_NOTICES = 20  # events ride one transaction (100 items at most)


def answer_deadline(now: datetime, leave_starts: datetime) -> datetime:
    """48 hours to answer, closing a day before the leave starts, but never less than two hours."""
    return max(now + AT_LEAST, min(now + ANSWER_WITHIN, leave_starts - BEFORE_LEAVE))


class PatientMoving(AreaService):
    def __init__(self, records: StaffRecords, book: LeaveBook, calendar: PractitionerCalendar, moves: PatientMoves,
                 notices: Notices, audit: AuditTrail, now: Callable[[], datetime]) -> None:
        self.records, self.book, self.calendar, self.moves = records, book, calendar, moves
        self.notices, self.audit, self.now = notices, audit, now

    def offer(self, practice_id: str, leave_id: str) -> dict:
        """The workflow's step after approval: offer each patient booked in the leave other times; the
        workflow waits until `close_at` when any offer is open."""
        leave = self._request(practice_id, leave_id)
        member = self.records.member(practice_id, leave.user_id)
        if leave.status != "approved" or member is None or not member.practitioner_id:
            return {"open": 0, "close_at": clock.iso(self.now())}
        booked = self.calendar.booked(practice_id, member.practitioner_id, leave.starts_at, leave.ends_at)
        offered = self.moves.offer(practice_id, leave.id, [v.appointment_id for v in booked], leave.starts_at,
                                   leave.ends_at, answer_deadline(self.now(), leave.starts_at))
        return {"open": offered.open, "close_at": clock.iso(offered.deadline + CLOSE_AFTER)}

    def close(self, practice_id: str, leave_id: str) -> dict:
        """The offers' deadline has passed: close the unanswered ones, record how many patients are still to
        move on the request, and tell the front desk (once)."""
        leave = self._request(practice_id, leave_id)
        if leave.patients_to_move is not None:
            return {"to_move": leave.patients_to_move}
        # withdrawn meanwhile: its undo withdrew the offers, nobody is left to move
        left = self.moves.close(practice_id, leave.id) if leave.status == "approved" else 0
        events = []
        if left:
            desk = [m.user_id for m in self.records.members(practice_id)
                    if m.role == JobRole.FRONT_DESK and m.active]
            details = (f"{left} patient(s) booked in approved leave {leave.first_day}..{leave.last_day} still need "
                       f"a new time: see /leave-requests/{leave.id}/moves")
            events = [self.notices.to_staff(practice_id, who, "Patients to move", details, f"{leave.id}:move:{who}")
                      for who in desk[:MAX_DESK_NOTICES]]
        closed = leave.model_copy(update={"patients_to_move": left, "version": leave.version + 1})
        self.book.save(closed, self._draft(workflow_caller(practice_id), "leave.moves_closed", ENTITY, leave.id),
                       events)
        return {"to_move": left}

    def worklist(self, caller: Caller, leave_id: str) -> PatientsToMove:
        """The front desk's list: the leave's booked patients not moved by an offer."""
        authz.authorize(caller, "staff.leave.moves")
        leave = self._request(caller.practice_id, leave_id)
        return PatientsToMove(leave_id=leave.id, patients=self.moves.worklist(caller, leave.id))

    def _request(self, practice_id: str, leave_id: str) -> LeaveRequest:
        leave = self.book.request(practice_id, leave_id)
        if leave is None:
            raise NotFound("no such leave request")
        return leave
