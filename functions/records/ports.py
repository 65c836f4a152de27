"""What the records use cases need from storage, each port named for its role and speaking domain types.

Every write takes the audit entry and the domain events that must land with it (one transaction), and a
coverage or consent write the `related_rev` of the record it was checked against, so a rule that looks
across a patient's record (no overlapping plans, one active consent of a kind) sees a record nobody changed.
A write that moves the patient's outreach audience entries carries that `AudienceChange` too (same transaction)."""

from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol

from functions.core.audit import AuditDraft
from functions.core.events import DomainEvent
from functions.core.idempotency import IdempotencyClaim, IdempotentRequest
from functions.records.models.audience import AudienceChange, AudienceMember
from functions.records.models.consent import Consent
from functions.records.models.coverage import Coverage
from functions.records.models.patients import Patient, PatientRecord


class PatientRecords(Protocol):
    """Patients' charts: the whole record in one read, and the profile's lifecycle."""

    def record(self, practice_id: str, patient_id: str) -> PatientRecord | None:
        """The profile with its coverages and consents; a soft-deleted one too (`deleted_at` set)."""

    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None:
        """The first answer to a keyed registration; None when no request used the key."""

    def register(self, practice_id: str, patient: Patient, audit: AuditDraft, events: Sequence[DomainEvent],
                 claim: IdempotencyClaim | None = None) -> None:
        """A new patient. Conflict when the id exists; AlreadyDone when the claim's key was used."""

    def update(self, practice_id: str, patient: Patient, expected_version: int, audit: AuditDraft,
               events: Sequence[DomainEvent], expected_rev: int | None = None,
               audience: AudienceChange | None = None) -> None:
        """The profile, if still at `expected_version` (and `related_rev` at `expected_rev`, which it then
        bumps, so a consent write checked against the old profile retries); else stale."""

    def soft_delete(self, practice_id: str, patient_id: str, at: str, audit: AuditDraft,
                    events: Sequence[DomainEvent], audience: AudienceChange | None = None,
                    expected_rev: int | None = None) -> None:
        """Mark deleted and drop from every search and audience; NotFound when absent or deleted already
        (with `expected_rev`: Conflict `record_changed` when the record moved since it was read)."""


class PatientIndex(Protocol):
    """The practice's live patients by name, birth date or phone, in name order, a page at a time.
    Each returns the page and the id to continue after (None at the end)."""

    def search_by_name(self, practice_id: str, family: str, given: str | None, limit: int,
                       after: str | None = None) -> tuple[list[Patient], str | None]: ...

    def search_by_birth_date(self, practice_id: str, birth_date: date, limit: int,
                             after: str | None = None) -> tuple[list[Patient], str | None]: ...

    def search_by_phone(self, practice_id: str, phone: str, limit: int,
                        after: str | None = None) -> tuple[list[Patient], str | None]: ...


class CoverageBook(Protocol):
    """A patient's insurance coverages (read with the record, through PatientRecords)."""

    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None: ...

    def add(self, practice_id: str, coverage: Coverage, seen_rev: int, audit: AuditDraft,
            events: Sequence[DomainEvent], claim: IdempotencyClaim | None = None) -> None:
        """A new coverage, if the record is still at `seen_rev` (else Conflict `record_changed`)."""

    def replace(self, practice_id: str, coverage: Coverage, expected_version: int, seen_rev: int,
                audit: AuditDraft, events: Sequence[DomainEvent]) -> None:
        """A changed coverage, if still at `expected_version` (else stale) and the record at `seen_rev`."""


class ConsentBook(Protocol):
    """A patient's consents (read with the record, through PatientRecords)."""

    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None: ...

    def add(self, practice_id: str, consent: Consent, seen_rev: int, audit: AuditDraft,
            events: Sequence[DomainEvent], claim: IdempotencyClaim | None = None,
            audience: AudienceChange | None = None) -> None:
        """A new consent, if the record is still at `seen_rev` (else Conflict `record_changed`)."""

    def replace(self, practice_id: str, consent: Consent, expected_version: int, seen_rev: int,
                audit: AuditDraft, events: Sequence[DomainEvent], audience: AudienceChange | None = None) -> None:
        """A changed consent, if still at `expected_version` (else stale) and the record at `seen_rev`."""


class AudienceIndex(Protocol):
    """The patients who consent to be contacted on a topic, a page at a time in patient-id order (outreach
    reads it; never a scan of every patient)."""

    def audience(self, practice_id: str, topic: str, cursor: str | None = None,
                 limit: int = 100) -> tuple[list[AudienceMember], str | None]:
        """One page and the cursor to continue after (None at the end)."""
