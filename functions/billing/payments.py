"""Patients' payments against their invoices, by card, cash or cheque: taken once per Idempotency-Key however
often and however concurrently retried, never more than the balance, and read by billing people or the payer."""

from collections.abc import Callable
from datetime import datetime

from functions.billing.invoicing import reachable_invoice
from functions.billing.models.money import Invoice, Payment, PaymentIn, PaymentSummary
from functions.billing.ports import InvoiceBook, PaymentLedger
from functions.core import authz, clock
from functions.core.auth import Caller
from functions.core.errors import Conflict, Forbidden, NotFound
from functions.core.idempotency import AlreadyDone, IdempotentRequest, run_once
from functions.core.ids import new_id
from functions.core.keys import segment
from functions.core.observability import logger
from functions.core.service import AreaService, AuditTrail

# An invoice paid meanwhile by someone else: read it again and try again, this many times at most.
ATTEMPTS = 3


class Payments(AreaService):
    def __init__(self, payments: PaymentLedger, invoices: InvoiceBook, audit: AuditTrail,
                 now: Callable[[], datetime] = clock.now, make_id: Callable[[], str] = new_id) -> None:
        self.payments = payments
        self.invoices = invoices
        self.audit = audit
        self.now = now
        self.make_id = make_id

    def pay(self, caller: Caller, body: PaymentIn, idempotency_key: str | None = None) -> Payment:
        """Record a patient payment against an invoice. With an Idempotency-Key, the key's record is in the
        same transaction as the payment: a retry, however concurrent, gets the first payment back."""
        if caller.is_patient and body.method != "card":
            raise Forbidden("patients pay by card; cash and cheques are recorded at the desk")
        # authorized, and the invoice read, before any replay: a key answers nothing of another patient's
        first = reachable_invoice(self.invoices, caller, "billing.payment.create", body.invoice_id)

        def work(request: IdempotentRequest | None) -> Payment:
            invoice = first
            for attempt in range(ATTEMPTS):
                if attempt:
                    invoice = reachable_invoice(self.invoices, caller, "billing.payment.create", body.invoice_id)
                try:
                    return self._record(caller, body, invoice, request)
                except Conflict as conflict:
                    if conflict.code != "invoice_changed" or attempt == ATTEMPTS - 1:
                        raise
            raise AssertionError("unreachable")  # pragma: no cover

        return run_once(self.payments, caller.practice_id, idempotency_key, f"billing.payment.create:{first.id}",
                        body, work, Payment.model_validate)

    def _record(self, caller: Caller, body: PaymentIn, invoice: Invoice, request: IdempotentRequest | None) -> Payment:
        if invoice.status != "open" or body.amount_cents > invoice.balance_cents:
            if request is not None and self.payments.replay(caller.practice_id, request) is not None:
                raise AlreadyDone("a retry of the payment that settled it")  # run_once answers the first payment
            raise Conflict(f"the invoice's balance is {invoice.balance_cents} cents; this payment is more",
                           code="overpayment")
        at = self._at()
        payment = Payment(id=self.make_id(), invoice_id=invoice.id, patient_id=invoice.patient_id,
                          amount_cents=body.amount_cents, method=body.method, reference=body.reference,
                          received_at=at, recorded_by=caller.user_id)
        paid = invoice.paid_cents + body.amount_cents
        updated = invoice.model_copy(update={
            "paid_cents": paid, "balance_cents": invoice.amount_cents - paid,
            "status": "paid" if paid == invoice.amount_cents else "open",
            "payments": [*invoice.payments, PaymentSummary(id=payment.id, amount_cents=payment.amount_cents,
                                                           method=payment.method, received_at=at)],
            "version": invoice.version + 1, "updated_at": at})
        self.payments.record(caller.practice_id, payment, updated, invoice.version,
                             self._draft(caller, "payment.record", "PAYMENT", payment.id, invoice.patient_id, at),
                             [self._event("billing.payment.received", caller, payment.id, invoice_id=invoice.id,
                                          amount_cents=payment.amount_cents, method=payment.method)],
                             idempotency=request.answered(payment) if request else None)
        logger.info("payment recorded", extra={"payment_id": payment.id, "method": payment.method})
        return payment

    def payment(self, caller: Caller, payment_id: str) -> Payment:
        """A payment; another patient's is not found, not forbidden."""
        if not caller.is_patient:
            authz.authorize(caller, "billing.payment.read")
        found = self.payments.payment(caller.practice_id, segment(payment_id, "payment id"))
        if found is None or not authz.may(caller, "billing.payment.read", authz.patient(found.patient_id)):
            raise NotFound("no such payment", code="payment_not_found",
                           subject_patient_id=found.patient_id if found else None)
        self._audit_read(caller, "payment.read", "PAYMENT", found.id, found.patient_id)
        return found
