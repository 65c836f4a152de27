"""What billing's use cases need from the world, each port named for the role it plays and speaking billing's
own types. The DynamoDB adapters are in `dynamo/`, the Step Functions one in `workflow.py`; the
clearinghouse port is `clearinghouse.Clearinghouse`; tests use the fakes in tests/fakes/billing.py."""

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any, Literal, Protocol

from functions.billing.models.charges import Charge
from functions.billing.models.claims import Claim
from functions.billing.models.coverage import PatientOnFile
from functions.billing.models.money import Invoice, Payment
from functions.billing.models.setup import ClaimSettings, FeeSchedule, Payer
from functions.core.audit import AuditDraft
from functions.core.events import DomainEvent
from functions.core.idempotency import IdempotencyClaim, IdempotentRequest

Setup = ClaimSettings | FeeSchedule | Payer
FileKind = Literal["FILE", "REMIT"]  # an 837P sent, or the 835 that answered it
PageKey = dict[str, Any]  # where the next page starts: opaque to the use cases, signed into a page token
Events = Sequence[DomainEvent]


class BillingSetup(Protocol):
    """The practice's claim settings, fee schedule and payers: each written only over the version read."""

    def settings(self, practice_id: str) -> ClaimSettings | None: ...

    def fee_schedule(self, practice_id: str) -> FeeSchedule: ...

    def payer(self, practice_id: str, payer_id: str) -> Payer | None: ...

    def payers(self, practice_id: str) -> list[Payer]: ...

    def save(self, practice_id: str, setup: Setup, expected_version: int, audit: AuditDraft, events: Events) -> None:
        """Stale (`expected_version` no longer current; 0: it must not exist yet): PreconditionFailed."""


class ChargeBook(Protocol):
    """Visits' charges, each recorded once."""

    def charge(self, practice_id: str, charge_id: str) -> Charge | None: ...

    def record(self, practice_id: str, charge: Charge, audit: AuditDraft, events: Events) -> None: ...


class ClaimLedger(Protocol):
    """Claims, each in exactly one state, changed only over the version read."""

    def claim(self, practice_id: str, claim_id: str) -> Claim | None: ...

    def page(self, practice_id: str, *, state: str | None, patient_id: str | None, payer_id: str | None,
             first: date | None, last: date | None, limit: int,
             start: PageKey | None) -> tuple[list[Claim], PageKey | None]:
        """Newest date of service first; a page filtered by patient or payer may hold fewer than `limit`."""

    def duplicates(self, practice_id: str, claim: Claim) -> list[str]:
        """Ids of other live (not void) claims for the same patient, payer, rank, date and services."""

    def open(self, practice_id: str, claim: Claim, audit: AuditDraft, events: Events) -> None:
        """A new claim; one per charge and rank (else Conflict claim_exists)."""

    def save(self, practice_id: str, claim: Claim, expected_version: int, audit: AuditDraft, events: Events) -> None:
        """The claim's new state or facts, when its version is still `expected_version` (else Conflict
        claim_changed)."""

    def awaiting_answer(self, practice_id: str, due_by: date) -> Iterator[Claim]:
        """Submitted or accepted claims whose follow-up date is on or before `due_by`."""

    def owed_by_payers(self, practice_id: str) -> Iterator[Claim]:
        """Claims on which a payer still owes money."""


class ClaimFiles(Protocol):
    """The X12 documents a claim's life leaves: each 837P sent and each 835 received, kept once."""

    def next_control_number(self, practice_id: str) -> int: ...

    def keep(self, practice_id: str, claim_id: str, kind: FileKind, control_number: int, document: str,
             at: str) -> None: ...

    def file(self, practice_id: str, claim_id: str, kind: FileKind, control_number: int) -> str | None: ...

    def files(self, practice_id: str, claim_id: str, kind: FileKind) -> list[str]:
        """Oldest first."""


class InvoiceBook(Protocol):
    """Patients' invoices; a direct one honours an Idempotency-Key."""

    def invoice(self, practice_id: str, invoice_id: str) -> Invoice | None: ...

    def invoices_of(self, practice_id: str, patient_id: str) -> list[Invoice]:
        """Oldest first."""

    def with_balance(self, practice_id: str) -> Iterator[Invoice]:
        """Open invoices with something still owed."""

    def issue(self, practice_id: str, invoice: Invoice, audit: AuditDraft, events: Events,
              idempotency: IdempotencyClaim | None = None, claim: tuple[Claim, int] | None = None) -> None:
        """A new invoice (an id used before: Conflict invoice_exists); with `claim`, that claim (pointing at
        the invoice) is saved in the same write over the version given."""

    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None: ...


class PaymentLedger(Protocol):
    """Payments: a patient's against an invoice (with its new balance), a payer's from a remittance."""

    def payment(self, practice_id: str, payment_id: str) -> Payment | None: ...

    def record(self, practice_id: str, payment: Payment, invoice: Invoice, invoice_version: int, audit: AuditDraft,
               events: Events, idempotency: IdempotencyClaim | None = None) -> None:
        """The payment and the invoice's new balance, when the invoice is still at `invoice_version` (else
        Conflict invoice_changed); a key used before: AlreadyDone."""

    def post_from_payer(self, practice_id: str, payment: Payment, audit: AuditDraft, events: Events) -> None:
        """A payer's payment, once per id (again: Conflict payment_exists)."""

    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None: ...


class PatientCoverage(Protocol):
    """What billing reads of a patient's record (owned by records): demographics and coverages."""

    def patient(self, practice_id: str, patient_id: str) -> PatientOnFile | None: ...


class ClaimWorkflowEngine(Protocol):
    """The claim submission workflow's executions."""

    def start(self, name: str, payload: dict[str, Any]) -> str:
        """Start an execution; the same name again finds the one already started. Returns its id (ARN)."""

    def resume(self, task_token: str, output: dict[str, Any]) -> None:
        """Resume an execution waiting on a billing person's decision."""
