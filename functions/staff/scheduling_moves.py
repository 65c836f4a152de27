"""The PatientMoves adapter over scheduling's AppointmentMoves use case: each booked patient of a leave is
offered other times under the reason `leave-<id>`, so a retried step finds the offers already made."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from functions.core.auth import Caller
from functions.staff.models.leave import PatientToMove
from functions.staff.ports import OfferedMoves


def _reason(leave_id: str) -> str:
    return f"leave-{leave_id}"


class SchedulingMoves:
    def __init__(self, moves: Any = None) -> None:
        self._moves = moves

    @property
    def moves(self):
        if self._moves is None:
            # imported on first use: only the workflow's steps and the worklist route load scheduling
            from functions.scheduling.wiring import scheduling

            self._moves = scheduling().moves
        return self._moves

    def offer(self, practice_id: str, leave_id: str, appointment_ids: Sequence[str], starts_at: datetime,
              ends_at: datetime, deadline: datetime) -> OfferedMoves:
        """Per appointment: GetItem of its move offer, and when new a slot search and one transaction."""
        made = [self.moves.offer(practice_id, _reason(leave_id), appointment_id, starts_at, ends_at, deadline)
                for appointment_id in appointment_ids]
        waiting = [m for m in made if m is not None and m.status == "offered"]
        latest = max((datetime.fromisoformat(m.deadline) for m in waiting), default=deadline)
        return OfferedMoves(open=len(waiting), deadline=latest)

    def close(self, practice_id: str, leave_id: str) -> int:
        """Query the leave's move offers; one transaction per offer that closes unanswered."""
        return self.moves.expire(practice_id, _reason(leave_id))

    def worklist(self, caller: Caller, leave_id: str) -> list[PatientToMove]:
        """Query the leave's move offers (audited read)."""
        return [PatientToMove(appointment_id=m.appointment_id, patient_id=m.patient_id,
                              practitioner_id=m.practitioner_id, start=m.start, status=m.status)
                for m in self.moves.worklist(caller, _reason(leave_id)).moves]

    def withdraw(self, practice_id: str, leave_id: str) -> None:
        """Query the leave's move offers; one transaction per offer still open or on the worklist."""
        self.moves.withdraw(practice_id, _reason(leave_id))
