"""What the compliance area's use cases need: the audit chains they verify (core.audit_store.AuditStore is the
adapter), the staff they work with, and (below, by concern) the stores of training, policies, certifications,
findings and disclosures."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol


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


# --- the staff the compliance area works with (training, policies, findings' owners) ----------------------


@dataclass(frozen=True)
class Colleague:
    """What compliance reads of a staff member: who they are, their job role, their manager, the practitioner
    they are in scheduling (for a licence), and whether they still work here."""

    user_id: str
    name: str
    role: str  # the staff area's JobRole value: "coordinator", "nurse", ...
    manager_id: str | None
    practitioner_id: str | None
    active: bool


class StaffDirectory(Protocol):
    """The staff area's members, read through its own adapter (compliance/staff_directory.py)."""

    def colleague(self, practice_id: str, user_id: str) -> Colleague | None: ...

    def with_roles(self, practice_id: str, roles: Iterable[str]) -> list[Colleague]:
        """The active members whose job role is one of `roles`."""

    def reports_of(self, practice_id: str, manager_id: str) -> list[Colleague]:
        """The active members whose manager is `manager_id`."""


# --- training, policies, evidence ----------------------------------------------------------------------------
# (models imported here, at the end, so the ports above keep loading without them)

from datetime import date  # noqa: E402

from functions.compliance.models.policies import Acknowledgement, Policy, PolicyVersion  # noqa: E402
from functions.compliance.models.training import Assignment, Programme  # noqa: E402
from functions.core.audit import AuditDraft  # noqa: E402
from functions.core.events import DomainEvent  # noqa: E402


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


class WorkNotices(Protocol):
    """A work notice to a member of staff, as an outbox event written with the change it belongs to."""

    def to_staff(self, practice_id: str, user_id: str, title: str, details: str, key: str,
                 about: tuple[str, str]) -> DomainEvent: ...
