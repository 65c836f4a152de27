"""Insurance coverage: what a request may carry, and a coverage as stored and returned."""

from datetime import date
from typing import Literal

from pydantic import ConfigDict, model_validator

from functions.core.dates import CalendarDate
from functions.core.models import Shape, Stored, Strict
from functions.core.types import Text

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


class CoverageList(Shape):
    coverages: list[Coverage]
