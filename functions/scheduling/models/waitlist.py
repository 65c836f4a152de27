"""The waitlist: a patient asking for an earlier time, and the offer of a freed one."""

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from functions.core.dates import CalendarDate, range_problem
from functions.core.models import Shape, Stored, Strict
from functions.scheduling.models.setup import Id

MAX_WAITLIST_DAYS = 92  # both ends included

# --- waitlist --------------------------------------------------------------------------------------

WaitlistStatus = Literal["waiting", "offered", "booked", "withdrawn"]


class WaitlistIn(Strict):
    type_id: Id
    practitioner_id: Id | None = Field(default=None, description="only this practitioner; default any")
    earliest: CalendarDate
    latest: CalendarDate
    patient_id: Id | None = Field(default=None, description="staff: whose entry; a patient adds their own")

    @model_validator(mode="after")
    def _window(self) -> "WaitlistIn":
        problem = range_problem(self.earliest, self.latest, MAX_WAITLIST_DAYS, "a waitlist window")
        if problem:
            raise ValueError(problem[1])
        return self


class Offer(Shape):
    practitioner_id: str
    start: str
    end: str
    room_id: str | None = None
    offered_at: str
    expires_at: str


class WaitlistEntry(Stored):
    id: str
    patient_id: str
    type_id: str
    practitioner_id: str | None = None
    earliest: date
    latest: date
    status: WaitlistStatus
    offer: Offer | None = None
    offered_slots: list[str] = Field(default_factory=list, description="slots offered before, not offered again")
    appointment_id: str | None = None
    created_at: str
    version: int
    updated_at: str


class WaitlistList(Shape):
    entries: list[WaitlistEntry]
