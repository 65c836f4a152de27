"""The one source of 'now'. Tests and the local cloud move it; production reads the system clock."""

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


class FixedClock:
    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("a clock's time must be timezone-aware")
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, by: timedelta) -> None:
        self.at += by


_current: Clock = SystemClock()


def now() -> datetime:
    return _current.now()


def use(clock: Clock) -> Clock:
    """Replace the clock (tests, local cloud); returns the previous one so it can be put back."""
    global _current
    previous, _current = _current, clock
    return previous


def iso(moment: datetime) -> str:
    """UTC, second precision with milliseconds: the one timestamp format in storage."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
