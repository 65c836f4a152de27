"""Registrations: a patient's or a member of the public's place (or waitlist spot) on a workshop."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from functions.core.models import Shape, Stored, Strict
from functions.core.types import Email, Name, Phone
from functions.outreach.models.workshops import Registrant, RegistrationStatus


class Registration(Stored):
    id: str
    practice_id: str
    workshop_id: str
    patient_id: str | None = None   # a patient
    contact_id: str | None = None   # a member of the public: their ContactCard (the registration's id)
    name: str | None = None         # a member of the public's name, for the facilitator's list
    status: RegistrationStatus
    # who holds it, one active registration each per workshop: "patient:<id>" or "contact:<hash>"; never shown
    holder: str = Field(default="", exclude=True)
    attended_sessions: list[str] = Field(default_factory=list)
    version: int
    created_at: str
    updated_at: str

    @property
    def holds_place(self) -> bool:
        return self.status == "registered"

    def registrant(self) -> Registrant:
        return Registrant(registration_id=self.id, patient_id=self.patient_id, contact_id=self.contact_id,
                          status=self.status, attended=bool(self.attended_sessions))


class RegistrationIn(Strict):
    """A patient's registration: a patient leaves patient_id out (it is theirs); staff name the patient."""

    workshop_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    patient_id: str | None = Field(default=None, min_length=1, max_length=64)


class RegistrationList(Shape):
    registrations: list[Registration]
    next_page: str | None = None


class SignupIn(Strict):
    """A member of the public: a name and ONE way to reach them, and their agreement to be written to there."""

    name: Name
    email: Email | None = None
    phone: Phone | None = None
    consent: bool = Field(description="I agree to be contacted at this address about this workshop")

    @model_validator(mode="after")
    def _one_contact(self) -> "SignupIn":
        if (self.email is None) == (self.phone is None):
            raise ValueError("give one contact: an email address or a phone number")
        if not self.consent:
            raise ValueError("tick consent: we write to you only to confirm and about this workshop")
        return self

    @property
    def contact(self) -> str:
        return self.email or self.phone or ""

    @property
    def channel(self) -> Literal["email", "sms"]:
        return "email" if self.email else "sms"


class PendingSignup(Stored):
    """A public registration waiting for its confirmation link to be followed; it expires unconfirmed."""

    id: str
    practice_id: str
    workshop_id: str
    name: str
    email: str | None = None
    phone: str | None = None
    contact_key: str   # the contact, hashed: one registration per contact and workshop
    expires_at: datetime


class SignupAnswer(Shape):
    """The same answer whatever happened (a new contact, one already registered, a workshop now full), so the
    route says nothing about who registered."""

    status: Literal["check_your_messages"] = "check_your_messages"
    message: str = ("If the details are right, we have sent a link to confirm your place. Follow it within "
                    "48 hours to hold it.")


class ConfirmationView(Shape):
    workshop_title: str
    status: Literal["unconfirmed", "registered", "waitlisted", "already_registered", "cancelled"]


RegistrationId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
MAX_MARKED = 95  # one transaction: a write per registration, and the audit entry's


class AttendanceIn(Strict):
    """Who was there (registration ids), and who was marked by mistake."""

    present: list[RegistrationId] = Field(default_factory=list, max_length=MAX_MARKED)
    absent: list[RegistrationId] = Field(default_factory=list, max_length=MAX_MARKED)

    @model_validator(mode="after")
    def _disjoint(self) -> "AttendanceIn":
        if len(self.present) + len(self.absent) > MAX_MARKED:
            raise ValueError(f"at most {MAX_MARKED} registrations at a time")
        if set(self.present) & set(self.absent):
            raise ValueError("a registration is either present or absent")
        if not self.present and not self.absent:
            raise ValueError("name at least one registration")
        return self


class AttendanceLine(Shape):
    registration_id: str
    patient_id: str | None = None
    name: str | None = None
    present: bool


class Attendance(Shape):
    workshop_id: str
    session_id: str
    lines: list[AttendanceLine]
