"""The records area's shapes: what a request may carry (strict, bounded, unknown fields refused) and what
the API returns. The same models validate requests and feed the OpenAPI document."""

import re
import unicodedata
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from functions.core import clock
from functions.core.dates import CalendarDate
from functions.core.models import Stored, Strict
from functions.core.types import Email, Language, Name, Phone, Text, TimeZone, UserId

# --- value types: the shared ones live in core.types ------------------------------------------------

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


# --- coverage -------------------------------------------------------------------------------------

CoverageRank = Literal["primary", "secondary"]
SubscriberRelationship = Literal["self", "spouse", "child", "other"]


class CoverageFields(Strict):
    payer_id: Text(64)
    payer_name: Text(200)
    member_id: Text(64)
    group_number: Text(64) | None = None
    plan_name: Text(200) | None = None
    rank: CoverageRank
    subscriber_relationship: SubscriberRelationship = "self"
    period_start: CalendarDate
    period_end: CalendarDate | None = None

    @model_validator(mode="after")
    def _period(self):
        if self.period_end is not None and self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        return self


class CoverageIn(CoverageFields):
    pass


class CoveragePatch(Strict):
    payer_id: Text(64) | None = None
    payer_name: Text(200) | None = None
    member_id: Text(64) | None = None
    group_number: Text(64) | None = None
    plan_name: Text(200) | None = None
    rank: CoverageRank | None = None
    subscriber_relationship: SubscriberRelationship | None = None
    period_start: CalendarDate | None = None
    period_end: CalendarDate | None = None

    @model_validator(mode="after")
    def _required_stay_set(self) -> "CoveragePatch":
        required = ("payer_id", "payer_name", "member_id", "rank", "subscriber_relationship", "period_start")
        cleared = [name for name in required if name in self.model_fields_set and getattr(self, name) is None]
        if cleared:
            raise ValueError(f"{', '.join(cleared)} cannot be cleared")
        return self

    def changes(self) -> dict:
        return self.model_dump(exclude_unset=True)


class Coverage(Stored, CoverageFields):
    model_config = ConfigDict(extra="ignore")

    id: str
    patient_id: str
    version: int
    created_at: str
    updated_at: str
    period_start: date  # checked on the way in; a stored coverage always loads
    period_end: date | None = None

    def active_on(self, day: date) -> bool:
        return self.period_start <= day and (self.period_end is None or day <= self.period_end)

    def overlaps(self, other: "CoverageFields") -> bool:
        far = date.max
        return self.period_start <= (other.period_end or far) and other.period_start <= (self.period_end or far)


# --- consent --------------------------------------------------------------------------------------

ConsentKind = Literal["treatment", "communication", "data_sharing"]
Channel = Literal["email", "sms", "in_app", "voice"]
ConsentStatus = Literal["active", "revoked"]
MemberId = Annotated[str, StringConstraints(pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$")]


def _unique(values: list) -> list:
    if len(set(values)) != len(values):
        raise ValueError("each value may appear once")
    return values


Channels = Annotated[list[Channel], Field(max_length=4), AfterValidator(_unique)]
SharesWith = Annotated[list[MemberId], Field(max_length=20), AfterValidator(_unique)]


def check_consent_shape(kind: str, channels: list, shares_with: list) -> None:
    if kind == "communication" and not channels:
        raise ValueError("a communication consent lists the channels it allows")
    if kind != "communication" and channels:
        raise ValueError("only a communication consent lists channels")
    if kind == "data_sharing" and not shares_with:
        raise ValueError("a data-sharing consent names the family members it shares with")
    if kind != "data_sharing" and shares_with:
        raise ValueError("only a data-sharing consent names family members")


class ConsentIn(Strict):
    kind: ConsentKind
    channels: Channels = Field(default_factory=list, description="communication: the channels allowed")
    shares_with: SharesWith = Field(default_factory=list, description="data_sharing: family member ids")

    @model_validator(mode="after")
    def _shape(self) -> "ConsentIn":
        check_consent_shape(self.kind, self.channels, self.shares_with)
        return self


class ConsentPatch(Strict):
    channels: Channels | None = None
    shares_with: SharesWith | None = None


class Consent(Stored):
    id: str
    patient_id: str
    kind: ConsentKind
    channels: list[Channel] = Field(default_factory=list)
    shares_with: list[str] = Field(default_factory=list)
    status: ConsentStatus
    granted_at: str
    revoked_at: str | None = None
    recorded_by: str
    revoked_by: str | None = None
    version: int
    updated_at: str


# --- what routes return ---------------------------------------------------------------------------

class PatientRecord(Patient):
    """A patient with everything under them: one Query."""

    coverages: list[Coverage] = Field(default_factory=list)
    consents: list[Consent] = Field(default_factory=list)


class PatientSummary(BaseModel):
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


class PatientPage(BaseModel):
    patients: list[PatientSummary]
    next_page_token: str | None = None


class CoverageList(BaseModel):
    coverages: list[Coverage]


class ConsentList(BaseModel):
    consents: list[Consent]
