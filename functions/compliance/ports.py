"""What the compliance area's use cases need: the audit chains they verify (core.audit_store.AuditStore is the
adapter), the staff they work with, and (below, by concern) the stores of training, policies, certifications,
findings and disclosures."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from functions.compliance.models.audit import Disclosure
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


# --- the privacy officer's audit views --------------------------------------------------------------------


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

# --- certifications, the monitoring engine, the board ---------------------------------------------------------
# (models imported here, not at the top, so this block stays whole when the parts are joined)
from collections.abc import Sequence  # noqa: E402
from datetime import date  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

if TYPE_CHECKING:
    from functions.compliance.models.certifications import Certification
    from functions.compliance.models.findings import Finding, WeekSnapshot
    from functions.compliance.models.settings import ChainVerdict, ComplianceSettings
    from functions.core.audit import AuditDraft
    from functions.core.events import DomainEvent


@dataclass
class Page:
    """One page of a list and where the next starts (None: this was the last)."""

    items: list[Any]
    next_start: dict[str, Any] | None = None


class CertificationBook(Protocol):
    """Licences and certifications; a stale `version` is PreconditionFailed (412)."""

    def certification(self, practice_id: str, certification_id: str) -> "Certification | None": ...

    def listed(self, practice_id: str, holder_id: str | None, limit: int, start: dict | None) -> Page:
        """One holder's, or (None) the practice's, by holder; a page of `limit`."""

    def save(self, certification: "Certification", audit: "AuditDraft") -> None:
        """New at version 1, else replacing version - 1."""

    def expiring(self, practice_id: str, through: date) -> "list[Certification]":
        """The active ones expiring on or before `through` (the expired included), soonest first."""

    def of_practitioner(self, practice_id: str, practitioner_id: str) -> "list[Certification]":
        """The active licences of scheduling's practitioner (a booking's warning)."""

    def mark_reminded(self, certification: "Certification", stage: str, audit: "AuditDraft",
                      events: "Sequence[DomainEvent]") -> bool:
        """Record the reminder stage with its notices, once: False when that stage (for this expiry date) was
        already recorded. Does not move the version (a person's If-Match stays good)."""


class FindingStore(Protocol):
    """Findings; a write over a version another run moved first is PreconditionFailed."""

    def finding(self, practice_id: str, finding_id: str) -> "Finding | None": ...

    def open_for_check(self, practice_id: str, check: str) -> "list[Finding]":
        """The check's open findings (a sparse index: the cost grows with them, not with the practice)."""

    def all_open(self, practice_id: str) -> "list[Finding]": ...

    def search(self, practice_id: str, *, status: str, severity: str | None, owner: str | None,
               check: str | None, limit: int, start: dict | None) -> Page:
        """Most severe first, then soonest due."""

    def save(self, finding: "Finding", events: "Sequence[DomainEvent]" = ()) -> None:
        """New at version 1 (none stored), else replacing version - 1; the events ride in its transaction."""


class TrendSnapshots(Protocol):
    def record_week(self, practice_id: str, snapshot: "WeekSnapshot") -> None:
        """This week's open counts replaced; its opened and closed added to."""

    def weeks(self, practice_id: str, since: date) -> "list[WeekSnapshot]": ...


class ComplianceSettingsStore(Protocol):
    def settings(self, practice_id: str) -> "ComplianceSettings":
        """The defaults (version 0) until first set."""

    def save(self, practice_id: str, settings: "ComplianceSettings", audit: "AuditDraft") -> None:
        """New at version 1, else replacing version - 1 (PreconditionFailed when moved)."""


class ChainVerdicts(Protocol):
    """The audit chain's last verification per practice, kept in compliance's own partition."""

    def record(self, practice_id: str, verdict: "ChainVerdict") -> None: ...

    def last(self, practice_id: str) -> "ChainVerdict | None": ...


class WorkNotices(Protocol):
    def to_staff(self, practice_id: str, user_id: str, title: str, details: str, key: str,
                 about: tuple[str, str]) -> "DomainEvent":
        """A work notice to one member, to ride in the change's transaction; one per `key` and member."""

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



# --- the checks over the other areas (billing, inventory, notifications with records, staff) ----------------
# Each port is read through that area's own adapter (functions/compliance/sources/), never its keys.


@dataclass(frozen=True)
class ClaimToFile:
    """A claim the payer has not accepted yet, and the day the payer stops taking it."""

    claim_id: str
    state: str
    payer_id: str
    deadline: date


class ClaimsToFile(Protocol):
    def filing_due(self, practice_id: str, by: date) -> list[ClaimToFile]:
        """The claims not yet accepted by their payer whose timely-filing deadline is on or before `by`."""


@dataclass(frozen=True)
class ExpiredLot:
    item_id: str
    location_id: str
    lot: str
    expires_on: date
    on_hand: int


class ExpiredStock(Protocol):
    def expired(self, practice_id: str, before: date) -> list[ExpiredLot]:
        """The lots with stock on hand whose expiry date is before `before`."""


@dataclass(frozen=True)
class PatientDelivery:
    """One message that went to a patient by email or SMS (the delivery log, not its content)."""

    message_id: str
    channel: str
    patient_id: str
    sent_at: str  # ISO 8601, UTC


class PatientDeliveries(Protocol):
    def sent(self, practice_id: str, first: date, last: date) -> list[PatientDelivery]:
        """The email and SMS deliveries to patients sent on the days first..last (UTC, both included)."""


@dataclass(frozen=True)
class ConsentSpan:
    """A communication consent as records keeps it: the channels it allows, from its grant to its revocation."""

    channels: frozenset[str]
    granted_at: str
    revoked_at: str | None

    def allowed(self, channel: str, at: str) -> bool:
        """Records keeps a consent's channels as they are now, not their history: a channel is judged by the
        consent's current list over the time it was in force."""
        return channel in self.channels and self.granted_at <= at and (self.revoked_at is None or at < self.revoked_at)


class CommunicationConsents(Protocol):
    def consents(self, practice_id: str, patient_id: str) -> list[ConsentSpan]:
        """Every communication consent the patient has given, in force or revoked."""


@dataclass(frozen=True)
class WaitingLeave:
    """A leave request still waiting for a decision, and who should make it (the manager, while it is theirs)."""

    leave_id: str
    user_id: str
    submitted_at: str
    status: str
    approver_id: str | None


class WaitingLeaveRequests(Protocol):
    def decision_days(self, practice_id: str) -> int:
        """The staff policy's days within which a leave request should be decided."""

    def waiting_since(self, practice_id: str, before: date) -> list[WaitingLeave]:
        """The undecided leave requests submitted before `before` (UTC day)."""


@dataclass(frozen=True)
class QuietAccount:
    """An active staff member and when they last signed in (None: never, since `created_at`)."""

    user_id: str
    last_signed_in_at: str | None
    created_at: str


class SignIns(Protocol):
    def quiet_since(self, practice_id: str, before: date) -> list[QuietAccount]:
        """The active members whose last sign-in (or, never signed in, their creation) is before `before`."""


# --- the audit trail's daily archive (an Object Lock bucket) ------------------------------------------------------


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
