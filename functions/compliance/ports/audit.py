"""The audit trail's ports: the chains the daily job verifies (core.audit_store.AuditStore is the adapter), the
privacy officer's views and disclosures, the verify job's stored verdict, and the daily Object Lock archive."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from functions.compliance.models.audit import Disclosure
from functions.compliance.models.settings import ChainVerdict
from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditListing
from functions.core.idempotency import IdempotencyClaim, IdempotentRequest


class AuditChains(Protocol):
    """Each practice's hash-chained audit trail, and the checkpoint its last verification reached."""

    def head(self, practice_id: str) -> tuple[int, str]:
        """The chain's last (seq, hash); (0, GENESIS) for an empty trail."""

    def entries(self, practice_id: str, after_seq: int = 0) -> Iterator[dict[str, Any]]:
        """The stored entries after `after_seq`, in seq order."""

    def entry(self, practice_id: str, seq: int) -> dict[str, Any] | None: ...

    def checkpoint(self, practice_id: str) -> tuple[int, str]:
        """The last verified (seq, hash); (0, GENESIS) before the first verification."""

    def save_checkpoint(self, practice_id: str, seq: int, last_hash: str, at: str) -> None: ...





class AuditLog(Protocol):
    """The audit trail read by time: a patient's entries, a user's, and a run of the chain for an export.
    core.audit_store.AuditStore is the adapter (the audit partition's keys are core's). Times are ISO prefixes:
    `since` "2026-03-01" and `until` "2026-03-31" take in both days whole."""

    def about_patient(self, practice_id: str, patient_id: str, since: str, until: str, limit: int,
                      start: dict | None = None) -> AuditListing:
        """Entries whose subject is the patient, newest first, one page."""

    def by_actor(self, practice_id: str, actor: str, since: str, until: str, limit: int,
                 start: dict | None = None) -> AuditListing:
        """Entries the user wrote, newest first, one page."""

    def seq_at(self, practice_id: str, at: str) -> int:
        """The seq of the first entry written at or after `at`; the head's seq + 1 when none was."""

    def run(self, practice_id: str, first_seq: int, last_seq: int) -> Iterator[dict[str, Any]]:
        """Entries first_seq..last_seq in seq order, each its chained fields as stored."""


class DisclosureBook(Protocol):
    """Disclosures of patients' data that the accounting of disclosures lists."""

    def record(self, disclosure: Disclosure, audit: AuditDraft, claim: IdempotencyClaim | None = None) -> None:
        """Keep the disclosure with its audit entry (and the Idempotency-Key's claim), in one transaction; NotFound
        when the patient is not on file; AlreadyDone when the key was used."""

    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None:
        """The first answer to a keyed request (core.idempotency.stored_response)."""

    def disclosure(self, practice_id: str, patient_id: str, disclosure_id: str) -> Disclosure | None: ...

    def of_patient(self, practice_id: str, patient_id: str, recorded_since: date) -> list[Disclosure]:
        """The patient's disclosures recorded on or after `recorded_since`, newest recorded first."""


class ChainVerdicts(Protocol):
    """The audit chain's last verification per practice, kept in compliance's own partition."""

    def record(self, practice_id: str, verdict: ChainVerdict) -> None: ...

    def last(self, practice_id: str) -> ChainVerdict | None: ...





@dataclass(frozen=True)
class ChainEnds:
    """Where a run of the chain begins and ends: the hash its first entry links to, and its last entry."""

    first_seq: int
    last_seq: int
    prev_hash: str
    last_hash: str


@dataclass(frozen=True)
class ArchivePart:
    """One object of a practice's day in the archive: part `number` of `parts`, CSV in the export's format."""

    practice_id: str
    day: date
    number: int
    parts: int
    ends: ChainEnds
    rows: int
    text: str


class AuditArchive(Protocol):
    """Where each day's audit trail is kept unchangeable (S3 with Object Lock in compliance mode): a part once
    written is never replaced, so writing it again tells what is already there instead."""

    def keep(self, part: ArchivePart) -> ChainEnds | None:
        """Write the part where none is yet: None when written; else the ends the part already there holds."""
