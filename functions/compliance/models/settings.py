"""The practice's compliance settings (who its privacy officers are, the warning windows) and the audit chain's
last verification, as the audit_chain check reads it."""

from typing import Annotated

from pydantic import Field, field_validator

from functions.core.models import Shape, Stored, Strict
from functions.core.types import UserId

Days = Annotated[int, Field(ge=1, le=365)]


class ComplianceSettingsIn(Strict):
    privacy_officer_ids: list[UserId] = Field(default_factory=list, max_length=20,
                                              description="who hears of findings owned by role:privacy_officer "
                                                          "(none: the coordinators)")
    licence_warning_days: Days = Field(30, description="a licence expiring within this many days is a finding")
    licence_reminder_days: list[Days] = Field(default_factory=lambda: [60, 30, 7], min_length=1, max_length=6,
                                              description="reminders to the holder and the coordinators, this many "
                                                          "days before expiry")
    chain_stale_days: Days = Field(2, description="no audit chain verification for this long is a finding")

    @field_validator("licence_reminder_days")
    @classmethod
    def _distinct(cls, days: list[int]) -> list[int]:
        return sorted(set(days), reverse=True)

    @field_validator("privacy_officer_ids")
    @classmethod
    def _unique(cls, ids: list[str]) -> list[str]:
        return list(dict.fromkeys(ids))


class ComplianceSettings(Stored):
    privacy_officer_ids: list[str] = Field(default_factory=list)
    licence_warning_days: int = 30
    licence_reminder_days: list[int] = Field(default_factory=lambda: [60, 30, 7])
    chain_stale_days: int = 2
    version: int = Field(0, description="0 until first set (send If-None-Match: * then)")
    updated_at: str | None = None
    updated_by: str | None = None


class ChainVerdict(Shape):
    """The last verification of one practice's audit chain (written by the verify_audit_chains job)."""

    at: str
    intact: bool
    checked: int
    problems: int = 0
    full: bool = False
