"""The patient as billing reads them from records: who they are and the coverages a claim can bill."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class MailingAddress:
    lines: tuple[str, ...]
    city: str
    state: str | None
    postal_code: str | None
    country: str


@dataclass(frozen=True)
class CoverageOnFile:
    id: str
    rank: str
    payer_id: str
    member_id: str
    group_number: str | None
    subscriber_relationship: str
    period_start: date
    period_end: date | None

    def active_on(self, day: date) -> bool:
        return self.period_start <= day and (self.period_end is None or day <= self.period_end)


@dataclass(frozen=True)
class PatientOnFile:
    id: str
    given_name: str
    family_name: str
    birth_date: date
    gender: str
    address: MailingAddress | None
    coverages: tuple[CoverageOnFile, ...]
    deleted: bool = False
