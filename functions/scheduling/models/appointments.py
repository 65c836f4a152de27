"""Appointments: slots offered, the appointment and its status flow, what a reply link shows, a patient's
no-show history and the day report."""

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from functions.core.dates import CalendarDateTime
from functions.core.models import Shape, Stored, Strict
from functions.scheduling.models.setup import Id, Mode, Visit

# --- slots -----------------------------------------------------------------------------------------

SlotOrder = Literal["best", "earliest"]


class SlotOut(Shape):
    practitioner_id: str
    start: str = Field(description="UTC")
    end: str
    local_start: str = Field(description="in the practice's time zone, with its offset")
    room_id: str | None = None


class SlotList(Shape):
    type_id: str
    time_zone: str
    order: SlotOrder
    slots: list[SlotOut]


# --- appointments ----------------------------------------------------------------------------------

Status = Literal["booked", "confirmed", "arrived", "in_room", "completed", "cancelled", "no_show"]
FINAL_STATUSES = frozenset({"completed", "cancelled", "no_show"})
# the moves a practice makes, from -> to
TRANSITIONS: dict[str, frozenset[str]] = {
    "booked": frozenset({"confirmed", "arrived", "cancelled", "no_show"}),
    "confirmed": frozenset({"arrived", "cancelled", "no_show"}),
    "arrived": frozenset({"in_room", "cancelled"}),  # cancelled here: left before being seen
    "in_room": frozenset({"completed"}),
    "completed": frozenset(),
    "cancelled": frozenset(),
    "no_show": frozenset(),
}
CancelReason = Literal["patient_request", "practice", "illness", "weather", "other"]


class AppointmentIn(Strict):
    type_id: Id
    practitioner_id: Id
    start: CalendarDateTime
    patient_id: Id | None = Field(default=None, description="staff: whose appointment; a patient books their own")


class RescheduleIn(Strict):
    start: CalendarDateTime
    practitioner_id: Id | None = Field(default=None, description="a different practitioner; default the same")


class CancelIn(Strict):
    reason: CancelReason = "patient_request"
    waive_fee: bool = Field(default=False, description="staff: do not charge a late cancel")


class Appointment(Stored):
    id: str
    patient_id: str
    practitioner_id: str
    type_id: str
    room_id: str | None = None
    mode: Mode
    visit: Visit
    start: str
    end: str
    hold_end: str
    status: Status
    booked_at: str
    booked_by: str
    confirmed_at: str | None = None
    arrived_at: str | None = None
    in_room_at: str | None = None
    completed_at: str | None = None
    cancelled_at: str | None = None
    no_show_at: str | None = None
    cancel_reason: CancelReason | None = None
    late_cancel: bool = False
    late_cancel_fee_cents: int = 0
    reminder_due_at: str | None = None
    reminder_sent_at: str | None = None
    rescheduled_at: str | None = None
    version: int
    updated_at: str

    @property
    def start_at(self) -> datetime:
        return datetime.fromisoformat(self.start)

    @property
    def hold_end_at(self) -> datetime:
        return datetime.fromisoformat(self.hold_end)


class BookingWarning(Shape):
    code: Literal["practitioner_licence_expired", "practitioner_licence_expires_before_visit"]
    message: str
    details: dict[str, str] = Field(default_factory=dict)


class BookedAppointment(Appointment):
    """A booking's answer: the appointment, and what the practice should know about it (it is booked anyway)."""

    warnings: list[BookingWarning] = Field(default_factory=list, description="e.g. the practitioner's licence "
                                                                            "has expired (staff only)")


class AppointmentList(Shape):
    appointments: list[Appointment]


class ReplyView(Shape):
    """What a reminder's reply link shows anyone who holds it: what a patient needs to decide, and nothing
    that names them, their practitioner or their room."""

    action: Literal["confirm", "cancel"] = Field(description="what the link does when posted")
    practice: str = Field(description="the practice's name")
    local_date: date = Field(description="the appointment's date in the practice's time zone")
    local_time: str = Field(description="its start time there, HH:MM")
    time_zone: str = Field(description="the practice's time zone")
    status: Status


class NoShowHistory(Shape):
    patient_id: str
    appointments: int = Field(description="appointments on record (up to the last 500)")
    no_shows: int
    late_cancels: int
    no_show_appointments: list[Appointment]


class PractitionerDay(Shape):
    practitioner_id: str
    open_minutes: int = Field(description="availability that day, after exceptions")
    booked_minutes: int = Field(description="appointments not cancelled, buffers included")
    idle_minutes: int = Field(description="open but not booked")
    gap_minutes: int = Field(description="idle between the first and the last appointment")
    appointments: int
    completed: int
    no_shows: int
    waits: int = Field(description="appointments with both arrival and in-room times")
    mean_wait_minutes: float | None = None
    max_wait_minutes: float | None = None


class DayReport(Shape):
    date: date
    time_zone: str
    practitioners: list[PractitionerDay]
