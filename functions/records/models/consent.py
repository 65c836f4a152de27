"""Consent (treatment, communication, data sharing): what a request may carry, and a consent as stored."""

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from functions.core.models import Shape, Stored, Strict

ConsentKind = Literal["treatment", "communication", "data_sharing"]
Channel = Literal["email", "sms", "in_app", "voice"]
ConsentStatus = Literal["active", "revoked"]
MemberId = Annotated[str, StringConstraints(pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$")]
# what a patient agrees to be contacted about beyond their own care (outreach: "diabetes", "nutrition");
# a slug, since it is a key segment of the audience index
Topic = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]


def _unique(values: list) -> list:
    if len(set(values)) != len(values):
        raise ValueError("each value may appear once")
    return values


Channels = Annotated[list[Channel], Field(max_length=4), AfterValidator(_unique)]
SharesWith = Annotated[list[MemberId], Field(max_length=20), AfterValidator(_unique)]
Topics = Annotated[list[Topic], Field(max_length=20), AfterValidator(_unique)]


def check_consent_shape(kind: str, channels: list, shares_with: list, topics: list = ()) -> None:
    if kind == "communication" and not channels:
        raise ValueError("a communication consent lists the channels it allows")
    if kind != "communication" and channels:
        raise ValueError("only a communication consent lists channels")
    if kind == "data_sharing" and not shares_with:
        raise ValueError("a data-sharing consent names the family members it shares with")
    if kind != "data_sharing" and shares_with:
        raise ValueError("only a data-sharing consent names family members")
    if kind != "communication" and topics:
        raise ValueError("only a communication consent lists topics")


class ConsentIn(Strict):
    kind: ConsentKind
    channels: Channels = Field(default_factory=list, description="communication: the channels allowed")
    shares_with: SharesWith = Field(default_factory=list, description="data_sharing: family member ids")
    topics: Topics = Field(default_factory=list,
                           description="communication: what else the patient may be contacted about (outreach)")

    @model_validator(mode="after")
    def _shape(self) -> "ConsentIn":
        check_consent_shape(self.kind, self.channels, self.shares_with, self.topics)
        return self


class ConsentPatch(Strict):
    channels: Channels | None = None
    shares_with: SharesWith | None = None
    topics: Topics | None = None


class Consent(Stored):
    id: str
    patient_id: str
    kind: ConsentKind
    channels: list[Channel] = Field(default_factory=list)
    shares_with: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    status: ConsentStatus
    granted_at: str
    revoked_at: str | None = None
    recorded_by: str
    revoked_by: str | None = None
    version: int
    updated_at: str


class ConsentList(Shape):
    consents: list[Consent]
