"""Certifications, the monitoring engine's findings and weekly snapshots, the area's settings, and the work
notices a finding sends its owner."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from functions.compliance.models.certifications import Certification
from functions.compliance.models.findings import Finding, WeekSnapshot
from functions.compliance.models.settings import ComplianceSettings
from functions.core.audit import AuditDraft
from functions.core.events import DomainEvent


@dataclass
class Page:
    """One page of a list and where the next starts (None: this was the last)."""

    items: list[Any]
    next_start: dict[str, Any] | None = None


class CertificationBook(Protocol):
    """Licences and certifications; a stale `version` is PreconditionFailed (412)."""

    def certification(self, practice_id: str, certification_id: str) -> Certification | None: ...

    def listed(self, practice_id: str, holder_id: str | None, limit: int, start: dict | None) -> Page:
        """One holder's, or (None) the practice's, by holder; a page of `limit`."""

    def save(self, certification: Certification, audit: AuditDraft) -> None:
        """New at version 1, else replacing version - 1."""

    def expiring(self, practice_id: str, through: date) -> list[Certification]:
        """The active ones expiring on or before `through` (the expired included), soonest first."""

    def of_practitioner(self, practice_id: str, practitioner_id: str) -> list[Certification]:
        """The active licences of scheduling's practitioner (a booking's warning)."""

    def mark_reminded(self, certification: Certification, stage: str, audit: AuditDraft,
                      events: Sequence[DomainEvent]) -> bool:
        """Record the reminder stage with its notices, once: False when that stage (for this expiry date) was
        already recorded. Does not move the version (a person's If-Match stays good)."""


class FindingStore(Protocol):
    """Findings; a write over a version another run moved first is PreconditionFailed."""

    def finding(self, practice_id: str, finding_id: str) -> Finding | None: ...

    def open_for_check(self, practice_id: str, check: str) -> list[Finding]:
        """The check's open findings (a sparse index: the cost grows with them, not with the practice)."""

    def all_open(self, practice_id: str) -> list[Finding]: ...

    def search(self, practice_id: str, *, status: str, severity: str | None, owner: str | None,
               check: str | None, limit: int, start: dict | None) -> Page:
        """Most severe first, then soonest due."""

    def save(self, finding: Finding, events: Sequence[DomainEvent] = ()) -> None:
        """New at version 1 (none stored), else replacing version - 1; the events ride in its transaction."""


class TrendSnapshots(Protocol):
    def record_week(self, practice_id: str, snapshot: WeekSnapshot) -> None:
        """This week's open counts replaced; its opened and closed added to."""

    def weeks(self, practice_id: str, since: date) -> list[WeekSnapshot]: ...


class ComplianceSettingsStore(Protocol):
    def settings(self, practice_id: str) -> ComplianceSettings:
        """The defaults (version 0) until first set."""

    def save(self, practice_id: str, settings: ComplianceSettings, audit: AuditDraft) -> None:
        """New at version 1, else replacing version - 1 (PreconditionFailed when moved)."""


class WorkNotices(Protocol):
    def to_staff(self, practice_id: str, user_id: str, title: str, details: str, key: str,
                 about: tuple[str, str]) -> DomainEvent:
        """A work notice to one member, to ride in the change's transaction; one per `key` and member."""
