"""A patient's shapes: demographics, contacts, family and care team as a request carries them, the profile
as stored, the whole record (with coverage and consent) and what a search lists."""

import re
import unicodedata
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints, model_validator

from functions.core import clock
from functions.core.models import Shape, Stored, Strict
from functions.core.types import Email, Language, Name, Phone, Text, TimeZone, UserId
from functions.records.models.consent import Consent
from functions.records.models.coverage import Coverage

OLDEST_BIRTH_DATE = date(1880, 1, 1)
_NOT_NAME_KEY = re.compile(r"[^\w ]")


def name_key(text: str) -> str:
    """A name as search matches and sorts it: case, accents, hyphens and punctuation do not matter.

    Words are joined by "_", which sorts after the key separator "#" (a space would sort before it and put
    "lovelace king" ahead of "lovelace"), and before every letter."""
    # compatibility forms first (𝕬 -> A), then case, then decompose again to shed the accents casefold left
    folded = unicodedata.normalize("NFKD", text).casefold().replace("-", " ").replace("_", " ")
    decomposed = unicodedata.normalize("NFKD", folded)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "_".join(_NOT_NAME_KEY.sub("", plain).split())


def _birth_date(value: date) -> date:
    if value > clock.now().date():
        raise ValueError("must not be in the future")
    if value < OLDEST_BIRTH_DATE:
        raise ValueError(f"must be after {OLDEST_BIRTH_DATE.isoformat()}")
    return value


BirthDate = Annotated[date, AfterValidator(_birth_date)]
Gender = Literal["male", "female", "other", "unknown"]


# --- patient parts ---------------------------------------------------------------------------------

class Address(Strict):
    lines: list[Text(200)] = Field(min_length=1, max_length=3)
    city: Text(100)
    state: Text(100) | None = None
    postal_code: Text(20) | None = None
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] = Field(
        description="ISO 3166-1 alpha-2 country code")


class EmergencyContact(Strict):
    name: Name
    relationship: Text(50)
    phone: Phone
    email: Email | None = None


Relationship = Literal["parent", "child", "spouse", "partner", "sibling", "guardian", "caregiver", "friend",
                       "other"]


class FamilyMemberIn(Strict):
    """A family member or proxy. Send `id` to keep an existing member; leave it out to add one."""

    id: Annotated[str, StringConstraints(pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$")] | None = None
    given_name: Name
    family_name: Name
    relationship: Relationship
    phone: Phone | None = None
    email: Email | None = None
    is_proxy: bool = False


class FamilyMember(FamilyMemberIn):
    id: str


CareRole = Literal["primary_practitioner", "practitioner", "nurse", "coordinator", "care_manager", "other"]


class CareTeamMember(Strict):
    user_id: UserId
    role: CareRole


def _one_primary(care_team: list[CareTeamMember]) -> list[CareTeamMember]:
    if sum(1 for member in care_team if member.role == "primary_practitioner") > 1:
        raise ValueError("a patient has at most one primary practitioner")
    if len({member.user_id for member in care_team}) != len(care_team):
        raise ValueError("each staff member appears once in the care team")
    return care_team


CareTeam = Annotated[list[CareTeamMember], Field(max_length=20), AfterValidator(_one_primary)]


class Demographics(Strict):
    given_name: Name
    family_name: Name
    preferred_name: Name | None = None
    birth_date: BirthDate
    gender: Gender
    phone: Phone | None = None
    email: Email | None = None
    address: Address | None = None
    language: Language = "en"
    time_zone: TimeZone = "UTC"


# --- patient requests and responses ----------------------------------------------------------------

class PatientIn(Demographics):
    contacts: list[EmergencyContact] = Field(default_factory=list, max_length=5)
    family: list[FamilyMemberIn] = Field(default_factory=list, max_length=20)
    care_team: CareTeam = Field(default_factory=list)


class PatientPatch(Strict):
    """Only the fields sent change; a list sent replaces the list. The version you read goes in If-Match."""

    given_name: Name | None = None
    family_name: Name | None = None
    preferred_name: Name | None = None
    birth_date: BirthDate | None = None
    gender: Gender | None = None
    phone: Phone | None = None
    email: Email | None = None
    address: Address | None = None
    language: Language | None = None
    time_zone: TimeZone | None = None
    contacts: list[EmergencyContact] | None = Field(default=None, max_length=5)
    family: list[FamilyMemberIn] | None = Field(default=None, max_length=20)
    care_team: CareTeam | None = None

    @model_validator(mode="after")
    def _required_stay_set(self) -> "PatientPatch":
        cleared = [name for name in REQUIRED_DEMOGRAPHICS if name in self.model_fields_set
                   and getattr(self, name) is None]
        if cleared:
            raise ValueError(f"{', '.join(cleared)} cannot be cleared")
        return self

    def changes(self) -> dict:
        return self.model_dump(exclude_unset=True)


REQUIRED_DEMOGRAPHICS = ("given_name", "family_name", "birth_date", "gender", "language", "time_zone",
                         "contacts", "family", "care_team")


class Patient(Stored, Demographics):
    """The patient's profile as stored and returned."""

    model_config = ConfigDict(extra="ignore")

    id: str
    birth_date: date  # checked on the way in; a stored record always loads, whatever the clock says
    contacts: list[EmergencyContact] = Field(default_factory=list)
    family: list[FamilyMember] = Field(default_factory=list)
    care_team: list[CareTeamMember] = Field(default_factory=list)
    version: int
    created_at: str
    updated_at: str
    deleted_at: str | None = Field(default=None, exclude=True)
    # bumped by every coverage or consent write, so their rules see a consistent record
    related_rev: int = Field(default=0, exclude=True)

    def family_member(self, member_id: str) -> FamilyMember | None:
        return next((m for m in self.family if m.id == member_id), None)


# --- what routes return ---------------------------------------------------------------------------

class PatientRecord(Patient):
    """A patient with everything under them: one Query."""

    coverages: list[Coverage] = Field(default_factory=list)
    consents: list[Consent] = Field(default_factory=list)


class PatientSummary(Shape):
    """What a search lists: enough to pick the right patient and no more (HIPAA's minimum necessary).
    The whole record is one more request, and that read is audited as a read of that patient."""

    id: str
    given_name: str
    family_name: str
    preferred_name: str | None = None
    birth_date: date
    gender: str
    phone: str | None = None

    @classmethod
    def of(cls, patient: Patient) -> "PatientSummary":
        return cls(**patient.model_dump(include=set(cls.model_fields)))


class PatientPage(Shape):
    patients: list[PatientSummary]
    next_page_token: str | None = None
