"""Training programmes and assignments, policies and their acknowledgements, and the evidence files completions
upload."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from functions.compliance.models.policies import Acknowledgement, Policy, PolicyVersion
from functions.compliance.models.training import Assignment, Programme
from functions.core.audit import AuditDraft
from functions.core.events import DomainEvent


class ProgrammeBook(Protocol):
    """The practice's training programmes, each versioned (first written at 1)."""

    def programme(self, practice_id: str, programme_id: str) -> Programme | None: ...
    def programmes(self, practice_id: str) -> list[Programme]: ...
    def save(self, programme: Programme, audit: AuditDraft) -> None: ...


class AssignmentBook(Protocol):
    """Who must do which programme by when. At most one OPEN assignment per (programme, member): `assign` skips
    a member who has one. Open assignments are on a sparse index by due date, which reminders and the
    `training_overdue` check read; a completion takes its assignment off it."""

    def assignment(self, practice_id: str, assignment_id: str) -> Assignment | None: ...

    def of_member(self, practice_id: str, user_id: str) -> list[Assignment]:
        """The member's assignments, by due date."""

    def of_programme(self, practice_id: str, programme_id: str) -> list[Assignment]: ...

    def assign(self, assignments: list[Assignment], audit: AuditDraft) -> list[Assignment]:
        """Write each one whose member has no open assignment of its programme; the ones written."""

    def complete(self, done: Assignment, following: Assignment | None, audit: AuditDraft) -> None:
        """`done` (status completed, its version the next) over the open version before it, and the next round
        of a recurring programme in the same transaction. A lost race (completed meanwhile) is Conflict."""

    def due_by(self, practice_id: str, through: date) -> list[Assignment]:
        """Open assignments due on or before `through` (the sparse index), earliest first."""

    def overdue(self, practice_id: str, today: date) -> list[Assignment]:
        """Open assignments due before `today`."""

    def remind(self, assignment: Assignment, audit: AuditDraft, events: list[DomainEvent]) -> None:
        """`assignment` (its `reminded` grown, version the next) over the version before it, with its notice."""


class PolicyBook(Protocol):
    """Policies and their published versions. `publish` writes a version once: two publishers of the same number
    race and one gets Conflict."""

    def policy(self, practice_id: str, policy_id: str) -> Policy | None: ...
    def policies(self, practice_id: str) -> list[Policy]: ...
    def save(self, policy: Policy, audit: AuditDraft) -> None: ...
    def version(self, practice_id: str, policy_id: str, number: int) -> PolicyVersion | None: ...
    def publish(self, policy: Policy, version: PolicyVersion, audit: AuditDraft) -> None: ...


class AcknowledgementBook(Protocol):
    """One request per (policy version, signer). Unsigned ones are on a sparse index by sign-by date, which
    reminders and the `policy_unsigned` check read; signing or superseding takes them off it."""

    def request(self, practice_id: str, policy_id: str, number: int, user_id: str) -> Acknowledgement | None: ...

    def requests(self, practice_id: str, policy_id: str, number: int) -> list[Acknowledgement]: ...

    def ask(self, requests: list[Acknowledgement], superseded: list[Acknowledgement]) -> None:
        """Write the new version's requests (each once: a retry writes nothing twice) and mark the older
        version's still-unsigned ones superseded."""

    def sign(self, signed: Acknowledgement, audit: AuditDraft) -> None:
        """`signed` over the unsigned version before it: two signatures race and one gets Conflict."""

    def due_by(self, practice_id: str, through: date) -> list[Acknowledgement]:
        """Unsigned requests whose sign-by date is on or before `through`, earliest first."""

    def unsigned(self, practice_id: str, today: date) -> list[Acknowledgement]:
        """Unsigned requests past their sign-by date."""

    def remind(self, request: Acknowledgement, audit: AuditDraft, events: list[DomainEvent]) -> None: ...


@dataclass(frozen=True)
class UploadTicket:
    url: str
    headers: dict[str, str]
    expires_in_s: int


@dataclass(frozen=True)
class StoredFile:
    content_type: str
    size: int


class EvidenceStore(Protocol):
    """The encrypted evidence bucket: a client uploads a certificate with a presigned URL; completion then checks
    the file is there. Keys are the store's own, built from (practice, assignment, upload id)."""

    def upload_ticket(self, practice_id: str, assignment_id: str, upload_id: str,
                      content_type: str) -> UploadTicket: ...

    def stored(self, practice_id: str, assignment_id: str, upload_id: str) -> StoredFile | None: ...
