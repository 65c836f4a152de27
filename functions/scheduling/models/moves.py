"""Moving a booked patient whose practitioner will be away: the times offered, and what the patient chose."""

from typing import Literal

from functions.core.models import Shape, Stored

# offered: waiting for the patient; moved: rebooked on their choice; declined, unanswered (the deadline
# passed), no_slots (nothing to offer): on the front desk's worklist; withdrawn: the reason went away (the
# leave was withdrawn)
MoveStatus = Literal["offered", "moved", "declined", "unanswered", "no_slots", "withdrawn"]
TO_MOVE = ("declined", "unanswered", "no_slots")


class MoveChoice(Shape):
    practitioner_id: str
    start: str
    end: str


class AppointmentMove(Stored):
    reason: str  # what the moves are for, e.g. "leave-<id>": the worklist lists one reason's moves
    appointment_id: str
    patient_id: str
    practitioner_id: str
    type_id: str
    start: str  # the appointment's time when the move was offered
    status: MoveStatus
    choices: list[MoveChoice]
    deadline: str
    moved_to: MoveChoice | None = None
    created_at: str
    version: int
    updated_at: str


class MoveList(Shape):
    moves: list[AppointmentMove]


class MoveView(Shape):
    """What a move link shows its holder: the practice, the local times offered, and where it stands."""

    practice: str
    time_zone: str
    status: MoveStatus
    choices: list[str]  # local date and time of each offered time
    link_choice: str | None = None  # the time this link books; None: this link declines them all
    chosen: str | None = None
