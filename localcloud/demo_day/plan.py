"""When the demo day's things happen, in the practice's time zone: the clinic day two days on (a weekday, so its
reminders go out the day before), and a day a week later that the practitioner asks to have off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("America/New_York")  # the demo practice's policy (localcloud/demo.py)


def next_weekday(day: date) -> date:
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


@dataclass(frozen=True)
class Plan:
    started: datetime  # the local cloud's clock when the day began
    clinic_day: date
    leave_day: date

    @classmethod
    def from_now(cls, now: datetime) -> Plan:
        today = now.astimezone(ZONE).date()
        clinic_day = next_weekday(today + timedelta(days=2))
        # a week on: the offers to move its patients (48 hours to answer) close well before it
        return cls(now, clinic_day, next_weekday(clinic_day + timedelta(days=7)))

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), ZONE)

    def on_clinic_day(self, hour: int, minute: int = 0, days: int = 0) -> datetime:
        return self.at(self.clinic_day + timedelta(days=days), hour, minute)
