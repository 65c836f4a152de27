"""What accounts speaks: the invitation a coordinator sends, the sign-in the user directory holds for it, and
what records tells about the patient being invited."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, computed_field, model_validator

from functions.core.models import Shape, Stored, Strict
from functions.core.types import Email, Name, UserId, Version

# every group a staff member may be put in: the roles, less the patient's (a patient is invited as one)
StaffRole = Literal["coordinator", "privacy_officer", "practitioner", "front_desk", "billing", "staff"]
PATIENT_GROUP = "patient"
PatientId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Kind = Literal["patient", "staff"]


class InvitationIn(Strict):
    """A patient, by their record (the email defaults to the record's); or a staff member, by name, email and
    roles. The practice is always the caller's: no body names it."""

    kind: Kind
    patient_id: PatientId | None = Field(default=None, description="patient: the record the sign-in opens")
    email: Email | None = Field(default=None, description="staff: required; patient: else the record's")
    given_name: Name | None = Field(default=None, description="staff only")
    family_name: Name | None = Field(default=None, description="staff only")
    roles: list[StaffRole] | None = Field(default=None, min_length=1, max_length=6, description="staff only")

    @model_validator(mode="after")
    def _fields_of_the_kind(self) -> "InvitationIn":
        if self.kind == "patient":
            if self.patient_id is None:
                raise ValueError("a patient invitation names the patient_id")
            if self.given_name or self.family_name or self.roles:
                raise ValueError("a patient invitation takes its name from the record and has no roles")
        else:
            if self.patient_id is not None:
                raise ValueError("a staff invitation names no patient_id")
            if not (self.email and self.given_name and self.family_name and self.roles):
                raise ValueError("a staff invitation names email, given_name, family_name and roles")
            self.roles = sorted(set(self.roles))
        return self

    @property
    def groups(self) -> tuple[str, ...]:
        return (PATIENT_GROUP,) if self.kind == "patient" else tuple(self.roles or ())


class Invitation(Stored):
    """An invitation sent: who it opens a sign-in for (`user_id` is their Cognito `sub`, the `Caller.user_id`
    a staff member is added with), and how often it was sent."""

    practice_id: str
    user_id: UserId
    kind: Kind
    email: Email
    groups: list[str]
    patient_id: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    invited_by: str
    invited_at: str
    sent_at: str  # the last time the invitation went out
    times_sent: int = Field(ge=1)
    version: Version

    @computed_field(description="the invitation's id in this API: the invited user's id")
    @property
    def id(self) -> str:
        return self.user_id


class InvitationAnswer(Invitation):
    """The answer to an invitation: the invitation, and whether this request created the sign-in or resent it."""

    resent: bool


class DirectoryUser(Shape):
    """A sign-in as the user directory holds it."""

    user_id: str  # Cognito's sub
    email: str
    practice_id: str | None
    patient_id: str | None = None
    pending: bool  # invited, never signed in: an invitation can still be resent


class NewUser(Shape):
    """A sign-in to create: the directory sends the invitation (a temporary password) to `email`."""

    email: str
    practice_id: str
    groups: tuple[str, ...]
    patient_id: str | None = None
    given_name: str | None = None
    family_name: str | None = None


class PatientContact(Shape):
    """What records tells accounts about a patient: enough to address their invitation."""

    id: str
    email: str | None
    given_name: str
    family_name: str
