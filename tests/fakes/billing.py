"""In-memory fakes of billing's ports. They keep state like the DynamoDB adapters and enforce the same
conditions (versions, one claim per charge and rank, write-once ids, Idempotency-Key), and every write leaves
its audit entry and events in one `FakeAuditTrail`; tests/contract/test_billing_*.py holds them to the adapters."""

from collections.abc import Iterator

from functions.billing.clearinghouse import Acknowledgement
from functions.billing.models.charges import Charge
from functions.billing.models.claims import AWAITING_ANSWER, Claim
from functions.billing.models.coverage import PatientOnFile
from functions.billing.models.money import Invoice, Payment
from functions.billing.models.setup import ClaimSettings, FeeSchedule, Payer
from functions.core.errors import Conflict, stale
from tests.fakes.audit import FakeAuditTrail
from tests.fakes.idempotency import FakeIdempotencyKeys


class FakeBillingSetup:
    def __init__(self, trail: FakeAuditTrail) -> None:
        self.trail = trail
        self.items: dict[tuple[str, str], ClaimSettings | FeeSchedule | Payer] = {}

    def settings(self, practice_id):
        return self.items.get((practice_id, "SETTINGS"))

    def fee_schedule(self, practice_id):
        return self.items.get((practice_id, "FEE_SCHEDULE")) or FeeSchedule()

    def payer(self, practice_id, payer_id):
        return self.items.get((practice_id, f"PAYER#{payer_id}"))

    def payers(self, practice_id):
        return [v for (p, k), v in sorted(self.items.items(), key=lambda kv: kv[0]) if p == practice_id
                and k.startswith("PAYER#")]

    def save(self, practice_id, setup, expected_version, audit, events) -> None:
        key = "SETTINGS" if isinstance(setup, ClaimSettings) else "FEE_SCHEDULE" if isinstance(setup, FeeSchedule) \
            else f"PAYER#{setup.id}"
        kind = {"SETTINGS": "billing_settings", "FEE_SCHEDULE": "fee schedule"}.get(key, "payer")
        current = self.items.get((practice_id, key))
        if (current is None) != (expected_version == 0) or (current is not None and
                                                             current.version != expected_version):
            raise stale(kind.replace("_", " "))
        self.items[(practice_id, key)] = setup
        self.trail.commit(audit, events)


class FakeChargeBook:
    def __init__(self, trail: FakeAuditTrail) -> None:
        self.trail = trail
        self.charges: dict[tuple[str, str], Charge] = {}

    def charge(self, practice_id, charge_id):
        return self.charges.get((practice_id, charge_id))

    def record(self, practice_id, charge, audit, events) -> None:
        if (practice_id, charge.id) in self.charges:
            raise Conflict("that charge exists", code="charge_exists")
        self.charges[(practice_id, charge.id)] = charge
        self.trail.commit(audit, events)


def _fingerprint(claim: Claim) -> tuple:
    services = sorted(f"{line.procedure_code}:{'-'.join(sorted(line.modifiers))}:{line.units}" for line in claim.lines)
    return claim.patient_id, claim.payer_id, claim.rank, claim.date_of_service, *services


class FakeClaimLedger:
    def __init__(self, trail: FakeAuditTrail) -> None:
        self.trail = trail
        self.claims: dict[tuple[str, str], Claim] = {}
        self.ranks: set[tuple[str, str, str]] = set()  # (practice, charge, rank)

    def claim(self, practice_id, claim_id):
        return self.claims.get((practice_id, claim_id))

    def page(self, practice_id, *, state, patient_id, payer_id, first, last, limit, start):
        ordered = sorted((c for (p, _), c in self.claims.items() if p == practice_id
                          and (state is None or c.state == state)
                          and (first is None or c.date_of_service >= first)
                          and (last is None or c.date_of_service <= last)),
                         key=lambda c: (c.date_of_service.isoformat(), c.id), reverse=True)
        if start:
            ordered = [c for c in ordered if f"{c.date_of_service.isoformat()}#{c.id}" < start["after"]]
        read = ordered[:limit]  # like a Query's Limit: counted before the filter
        after = {"after": f"{read[-1].date_of_service.isoformat()}#{read[-1].id}"} if len(ordered) > limit else None
        shown = [c for c in read if (patient_id is None or c.patient_id == patient_id)
                 and (payer_id is None or c.payer_id == payer_id)]
        return shown, after

    def duplicates(self, practice_id, claim):
        return [c.id for (p, _), c in self.claims.items() if p == practice_id and c.id != claim.id
                and c.state != "void" and _fingerprint(c) == _fingerprint(claim)]

    def open(self, practice_id, claim, audit, events) -> None:
        if (practice_id, claim.id) in self.claims:
            raise Conflict("that claim id exists", code="duplicate_id")
        if (practice_id, claim.charge_id, claim.rank) in self.ranks:
            raise Conflict(f"this charge already has a {claim.rank} claim", code="claim_exists")
        self.claims[(practice_id, claim.id)] = claim
        self.ranks.add((practice_id, claim.charge_id, claim.rank))
        self.trail.commit(audit, events)

    def check_version(self, practice_id, claim, expected_version) -> None:
        current = self.claims.get((practice_id, claim.id))
        if current is None or current.version != expected_version:
            raise Conflict("the claim changed meanwhile; read it again", code="claim_changed")

    def save(self, practice_id, claim, expected_version, audit, events) -> None:
        self.check_version(practice_id, claim, expected_version)
        self.claims[(practice_id, claim.id)] = claim
        self.trail.commit(audit, events)

    def awaiting_answer(self, practice_id, due_by) -> Iterator[Claim]:
        yield from sorted((c for (p, _), c in self.claims.items() if p == practice_id and c.state in AWAITING_ANSWER
                           and c.follow_up_on is not None and c.follow_up_on <= due_by),
                          key=lambda c: (c.follow_up_on, c.id))

    def owed_by_payers(self, practice_id) -> Iterator[Claim]:
        yield from (c for (p, _), c in sorted(self.claims.items()) if p == practice_id and c.outstanding_cents > 0)


class FakeClaimFiles:
    def __init__(self) -> None:
        self.counters: dict[str, int] = {}
        self.documents: dict[tuple[str, str, str, int], str] = {}

    def next_control_number(self, practice_id):
        self.counters[practice_id] = self.counters.get(practice_id, 0) + 1
        return self.counters[practice_id]

    def keep(self, practice_id, claim_id, kind, control_number, document, at) -> None:
        self.documents[(practice_id, claim_id, kind, control_number)] = document

    def file(self, practice_id, claim_id, kind, control_number):
        return self.documents.get((practice_id, claim_id, kind, control_number))

    def files(self, practice_id, claim_id, kind):
        return [d for (p, c, k, _), d in sorted(self.documents.items()) if (p, c, k) == (practice_id, claim_id, kind)]


class FakeInvoiceBook:
    def __init__(self, trail: FakeAuditTrail, keys: FakeIdempotencyKeys, claims: FakeClaimLedger) -> None:
        self.trail = trail
        self.keys = keys
        self.claims = claims
        self.invoices: dict[tuple[str, str], Invoice] = {}

    def invoice(self, practice_id, invoice_id):
        return self.invoices.get((practice_id, invoice_id))

    def invoices_of(self, practice_id, patient_id):
        return sorted((i for (p, _), i in self.invoices.items() if p == practice_id and i.patient_id == patient_id),
                      key=lambda i: (i.issued_on, i.id))

    def with_balance(self, practice_id) -> Iterator[Invoice]:
        yield from sorted((i for (p, _), i in self.invoices.items() if p == practice_id and i.status == "open"
                           and i.balance_cents > 0), key=lambda i: (i.issued_on, i.id))

    def issue(self, practice_id, invoice, audit, events, idempotency=None, claim=None) -> None:
        self.keys.check(practice_id, idempotency)
        if (practice_id, invoice.id) in self.invoices:
            raise Conflict("that invoice exists", code="invoice_exists")
        if claim is not None:
            self.claims.check_version(practice_id, *claim)
            self.claims.claims[(practice_id, claim[0].id)] = claim[0]
        self.invoices[(practice_id, invoice.id)] = invoice
        self.keys.keep(practice_id, idempotency)
        self.trail.commit(audit, events)

    def replay(self, practice_id, request):
        return self.keys.replay(practice_id, request)


class FakePaymentLedger:
    def __init__(self, trail: FakeAuditTrail, keys: FakeIdempotencyKeys, invoices: FakeInvoiceBook) -> None:
        self.trail = trail
        self.keys = keys
        self.invoices = invoices
        self.payments: dict[tuple[str, str], Payment] = {}
        self.before_write = None  # a hook: lets a test change the invoice between read and write

    def payment(self, practice_id, payment_id):
        return self.payments.get((practice_id, payment_id))

    def record(self, practice_id, payment, invoice, invoice_version, audit, events, idempotency=None) -> None:
        if self.before_write:
            hook, self.before_write = self.before_write, None
            hook()
        self.keys.check(practice_id, idempotency)
        current = self.invoices.invoice(practice_id, invoice.id)
        if current is None or current.version != invoice_version:
            raise Conflict("the invoice changed meanwhile; read it again", code="invoice_changed")
        self._once(practice_id, payment)
        self.invoices.invoices[(practice_id, invoice.id)] = invoice
        self.payments[(practice_id, payment.id)] = payment
        self.keys.keep(practice_id, idempotency)
        self.trail.commit(audit, events)

    def post_from_payer(self, practice_id, payment, audit, events) -> None:
        self._once(practice_id, payment)
        self.payments[(practice_id, payment.id)] = payment
        self.trail.commit(audit, events)

    def replay(self, practice_id, request):
        return self.keys.replay(practice_id, request)

    def _once(self, practice_id, payment) -> None:
        if (practice_id, payment.id) in self.payments:
            raise Conflict("that payment was recorded already", code="payment_exists")


class FakePatientCoverage:
    def __init__(self) -> None:
        self.patients: dict[tuple[str, str], PatientOnFile] = {}

    def add(self, practice_id: str, patient: PatientOnFile) -> None:
        self.patients[(practice_id, patient.id)] = patient

    def patient(self, practice_id, patient_id):
        return self.patients.get((practice_id, patient_id))


class FakeClaimWorkflowEngine:
    """Starts nothing: records what it was asked (an execution name started twice is found, not restarted)."""

    def __init__(self) -> None:
        self.started: list[tuple[str, dict]] = []
        self.resumed: list[tuple[str, dict]] = []

    def start(self, name: str, payload: dict) -> str:
        if all(started != name for started, _ in self.started):
            self.started.append((name, payload))
        return f"arn:aws:states:us-east-1:123456789012:execution:claim-submission:{name}"

    def resume(self, task_token: str, output: dict) -> None:
        self.resumed.append((task_token, output))


class FakeClearinghouse:
    """Takes every submission; answers with what a test set (`ack`, `remits` by submission id)."""

    def __init__(self) -> None:
        self.submitted: list[tuple[str, int, str]] = []
        self.ack = Acknowledgement("accepted")
        self.remits: dict[str, str] = {}
        self.inquiries: list[str] = []

    def submit(self, practice_id, control_number, document) -> str:
        self.submitted.append((practice_id, control_number, document))
        return f"SUB-{len(self.submitted)}"

    def acknowledgement(self, practice_id, submission_id):
        return self.ack

    def remittance(self, practice_id, submission_id):
        return self.remits.get(submission_id)

    def status_inquiry(self, practice_id, submission_id) -> str:
        self.inquiries.append(submission_id)
        return "A1:20"


