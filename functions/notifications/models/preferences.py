"""Preferences: the channels a person wants, in which order and language, their quiet hours and opt-outs."""

import re
from datetime import time
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from functions.core.models import Shape, Stored, Strict
from functions.core.types import Language, TimeZone
from functions.notifications.models.messages import Channel

_HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")

def _hhmm(value: str) -> str:
    if not _HHMM.fullmatch(value):
        raise ValueError("must be a local time HH:MM, e.g. 21:00")
    return value


HHMM = Annotated[str, StringConstraints(max_length=5), AfterValidator(_hhmm)]


class QuietHours(Strict):
    """Local wall-clock times in the person's zone; start after end means the window spans midnight."""

    start: HHMM = "21:00"
    end: HHMM = "08:00"

    @model_validator(mode="after")
    def _not_empty(self) -> "QuietHours":
        if self.start == self.end:
            raise ValueError("quiet hours start and end differ")
        return self

    def bounds(self) -> tuple[time, time]:
        return time.fromisoformat(self.start), time.fromisoformat(self.end)


def _unique(values: list) -> list:
    if len(set(values)) != len(values):
        raise ValueError("each channel may appear once")
    return values


ChannelList = Annotated[list[Channel], Field(max_length=3), AfterValidator(_unique)]


class PreferencesIn(Strict):
    channel_order: ChannelList = Field(default_factory=lambda: ["email", "sms", "in_app"], min_length=1)
    language: Language | None = Field(default=None, description="overrides the record's language")
    time_zone: TimeZone | None = Field(default=None, description="overrides the record's time zone")
    quiet_hours: QuietHours | None = Field(default_factory=QuietHours,
                                           description="no SMS between these local times; null for none")
    opted_out: ChannelList = Field(default_factory=list)


class Preferences(Stored):
    person: str = ""  # the person key
    channel_order: list[Channel] = Field(default_factory=lambda: ["email", "sms", "in_app"])
    language: str | None = None
    time_zone: str | None = None
    quiet_hours: QuietHours | None = Field(default_factory=QuietHours)
    opted_out: list[Channel] = Field(default_factory=list)
    version: int = 0  # 0: the defaults, never saved
    updated_at: str | None = None


class OptOutResult(Shape):
    channel: Channel
    opted_out: bool


