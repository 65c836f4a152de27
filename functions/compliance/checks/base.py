"""What every compliance check is: a small rule that, given a practice and a day, names what needs fixing.

A check reads only through its own port (a sparse index or a date-keyed query), so its cost grows with what it
finds, not with the size of the practice. It returns `Raised` findings; the daily run (functions/compliance/
monitoring.py) opens the new ones, keeps the ones still true and closes the ones that are no longer raised."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


SEVERITY_RANK = {Severity.CRITICAL: 0, Severity.HIGH: 1, Severity.MEDIUM: 2, Severity.LOW: 3}


@dataclass(frozen=True)
class Raised:
    """One thing that needs fixing, as a check sees it today. Ids and plain words only: never health data.

    `key` names the thing, stable across runs ("cert-01H...", "claim-01H..."), so the same problem raised on two
    days is one finding. `owner` is "user:<sign-in id>" or "role:<role>" (every active member with that role)."""

    check: str  # the check's name, e.g. "licence_expiry"
    key: str
    severity: Severity
    owner: str
    due_on: date
    title: str  # "Licence RN-1234 (state board) expired on 2026-11-02"
    link: str  # the API path of the thing to fix: "/certifications/01H..."


class Check(Protocol):
    """A daily compliance rule."""

    name: str

    def find(self, practice_id: str, today: date) -> Iterable[Raised]:
        """Everything this rule finds wrong in the practice today."""
