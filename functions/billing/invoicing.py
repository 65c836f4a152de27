"""Patients' invoices: one issued directly by a billing person (honouring Idempotency-Key), read and listed by
billing people or the patient themselves, and the patient's statement (invoices, payments, balance)."""

from collections.abc import Callable
from datetime import date, datetime

from functions.billing.coverage import Coverages
from functions.billing.models.money import Invoice, InvoiceIn, InvoiceList, Statement
from functions.billing.ports import InvoiceBook
from functions.core import authz, clock
from functions.core.auth import Caller
from functions.core.errors import NotFound
from functions.core.idempotency import IdempotentRequest, run_once
from functions.core.ids import new_id
from functions.core.keys import segment
from functions.core.service import AreaService, AuditTrail


def reachable_invoice(invoices: InvoiceBook, caller: Caller, action: str, invoice_id: str) -> Invoice:
    """The invoice, if `caller` may do `action` to it. Staff without the role: 403 before anything is read; a
    patient: another patient's invoice is not found, not forbidden (its existence is not theirs to learn)."""
    if not caller.is_patient:
        authz.authorize(caller, action)
    found = invoices.invoice(caller.practice_id, segment(invoice_id, "invoice id"))
    if found is None or not authz.may(caller, action, authz.patient(found.patient_id)):
        raise NotFound("no such invoice", code="invoice_not_found",
                       subject_patient_id=found.patient_id if found else None)
    return found


class Invoicing(AreaService):
    def __init__(self, invoices: InvoiceBook, coverages: Coverages, audit: AuditTrail,
                 now: Callable[[], datetime] = clock.now, make_id: Callable[[], str] = new_id) -> None:
        self.invoices = invoices
        self.coverages = coverages
        self.audit = audit
        self.now = now
        self.make_id = make_id

    def issue(self, caller: Caller, body: InvoiceIn, idempotency_key: str | None = None) -> Invoice:
        """Invoice a patient directly. With an Idempotency-Key, a retry gets the first invoice back."""
        authz.authorize(caller, "billing.invoice.create", authz.patient(body.patient_id))
        self.coverages.patient(caller.practice_id, body.patient_id)

        def work(request: IdempotentRequest | None) -> Invoice:
            at = self._at()
            invoice = Invoice(id=self.make_id(), patient_id=body.patient_id, charge_id=body.charge_id,
                              description=body.description, amount_cents=body.amount_cents,
                              balance_cents=body.amount_cents, status="open", issued_on=self._today(), version=1,
                              created_at=at, updated_at=at)
            self.invoices.issue(caller.practice_id, invoice,
                                self._draft(caller, "invoice.create", "INVOICE", invoice.id, invoice.patient_id, at),
                                [self._event("billing.invoice.issued", caller, invoice.id,
                                             patient_id=invoice.patient_id, amount_cents=invoice.amount_cents)],
                                idempotency=request.answered(invoice) if request else None)
            return invoice

        return run_once(self.invoices, caller.practice_id, idempotency_key, "billing.invoice.create", body, work,
                        Invoice.model_validate)

    def invoice(self, caller: Caller, invoice_id: str) -> Invoice:
        invoice = reachable_invoice(self.invoices, caller, "billing.invoice.read", invoice_id)
        self._audit_read(caller, "invoice.read", "INVOICE", invoice.id, invoice.patient_id)
        return invoice

    def invoices_of(self, caller: Caller, patient_id: str) -> InvoiceList:
        authz.authorize(caller, "billing.invoice.list", authz.patient(patient_id))
        invoices = self.invoices.invoices_of(caller.practice_id, segment(patient_id, "patient id"))
        self._audit_read(caller, "invoice.list", "PATIENT", patient_id, patient_id)
        return InvoiceList(invoices=invoices)

    def statement(self, caller: Caller, patient_id: str) -> Statement:
        authz.authorize(caller, "billing.statement.read", authz.patient(patient_id))
        invoices = [i for i in self.invoices.invoices_of(caller.practice_id, segment(patient_id, "patient id"))
                    if i.status != "void"]
        self._audit_read(caller, "statement.read", "PATIENT", patient_id, patient_id)
        return Statement(patient_id=patient_id, as_of=self._today(), invoices=invoices,
                         total_billed_cents=sum(i.amount_cents for i in invoices),
                         total_paid_cents=sum(i.paid_cents for i in invoices),
                         balance_cents=sum(i.balance_cents for i in invoices))

    def _today(self) -> date:
        return self.now().date()
