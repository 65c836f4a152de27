"""Policies staff must acknowledge: a policy, its published versions (text, who must sign, days to sign) and one
acknowledgement request per signer and version."""

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from functions.compliance.models.training import JobRole
from functions.core.models import Shape, Stored, Strict
from functions.core.types import Text, UserId, Version


class PolicyIn(Strict):
    title: Text(200)
    summary: Text(1000) | None = None


class Policy(Stored):
    id: str
    practice_id: str
    title: str
    summary: str | None = None
    current_version: int = 0  # 0 until the first version is published
    version: int  # the record's own version (ETag)
    created_at: str
    updated_at: str


class PolicyList(Shape):
    policies: list[Policy]


class Signers(Strict):
    roles: list[JobRole] = Field(default_factory=list, max_length=7)
    user_ids: list[UserId] = Field(default_factory=list, max_length=500)


class PolicyVersionIn(Strict):
    text: Text(60_000)
    signers: Signers
    days_to_sign: int = Field(default=14, ge=1, le=365)

    @model_validator(mode="after")
    def _someone(self):
        if not self.signers.roles and not self.signers.user_ids:
            raise ValueError("name at least one role or person who must sign")
        return self


class PolicyVersion(Stored):
    practice_id: str
    policy_id: str
    number: int
    text: str
    roles: list[str]
    user_ids: list[str]
    published_at: str
    published_by: str
    sign_by: date


class Acknowledgement(Stored):
    """One signer's acknowledgement of one version: unsigned until they sign it; superseded when a newer version
    is published before they did."""

    practice_id: str
    policy_id: str
    policy_title: str
    number: int  # the policy version
    user_id: str
    sign_by: date
    status: Literal["unsigned", "signed", "superseded"] = "unsigned"
    signed_at: str | None = None
    reminded: list[str] = Field(default_factory=list)
    version: Version


class Published(Shape):
    policy: Policy
    version: PolicyVersion
    signers: int


class AcknowledgementIn(Strict):
    number: int = Field(ge=1, le=1_000_000, description="the number of the policy version you read and acknowledge")


class Tracking(Shape):
    """Who has signed one version and who has not."""

    policy_id: str
    number: int
    sign_by: date
    signed: list[Acknowledgement]
    unsigned: list[Acknowledgement]
    superseded: list[Acknowledgement]


class PolicyRead(Shape):
    policy: Policy
    current: PolicyVersion | None = None
