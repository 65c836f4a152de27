"""The payer's answer, as the claim workflow receives it: the 835 kept with the claim and the claim moved to
paid, partially paid or denied with its CARC/RARC codes; the payer's payment posted once; the patient billed
their share once; a denial judged by the practice's denial rules."""

import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from functions.billing import denials, remit
from functions.billing.claim_moves import ClaimMoves, workflow_caller
from functions.billing.clearinghouse import Clearinghouse
from functions.billing.models.money import Invoice, Payment
from functions.billing.ports import BillingSetup, ClaimFiles, ClaimLedger, InvoiceBook, PaymentLedger
from functions.core import clock
from functions.core.errors import Conflict, Invalid
from functions.core.service import AuditTrail

# How long the workflow waits for a remittance before a person is asked.
REMIT_PATIENCE = timedelta(days=60)


class Remittance(ClaimMoves):
    def __init__(self, claims: ClaimLedger, files: ClaimFiles, setup: BillingSetup, clearinghouse: Clearinghouse,
                 invoices: InvoiceBook, payments: PaymentLedger, audit: AuditTrail,
                 now: Callable[[], datetime] = clock.now) -> None:
        super().__init__(claims, setup, audit, now)
        self.files = files
        self.clearinghouse = clearinghouse
        self.invoices = invoices
        self.payments = payments

    def check_remit(self, practice_id: str, claim_id: str) -> dict[str, Any]:
        """The 835, when it has come: kept with the claim, and the claim moved to paid, partially paid or
        denied with the amounts and the CARC/RARC codes."""
        claim = self._claim(practice_id, claim_id)
        if claim.state in {"paid", "partially_paid", "denied"}:
            return {"outcome": claim.state}
        document = self.clearinghouse.remittance(practice_id, claim.submission_id or "")
        caller = workflow_caller(practice_id)
        if document is None:
            submitted = datetime.fromisoformat(claim.submitted_at.replace("Z", "+00:00"))
            if self.now() - submitted > REMIT_PATIENCE:
                self._move(caller, claim, "needs_review", f"no remittance within {REMIT_PATIENCE.days} days",
                           "no_answer")
                return {"outcome": "no_answer"}
            return {"outcome": "pending"}
        answer = remit.remittance_for(document, claim.id)
        if answer is None:
            raise Invalid("the 835 does not answer this claim", code="remit_mismatch")
        self.files.keep(practice_id, claim.id, "REMIT", claim.control_number or 0, document, self._at())
        outcome = answer.outcome
        reason = {"paid": "paid", "partially_paid": "partially paid: some lines denied", "denied": "denied"}[outcome]
        codes = sorted({f"{a.group}-{a.carc}" for a in answer.adjustments if a.group != "PR" and a.carc != "45"})
        if codes:
            reason += f" ({', '.join(codes)}; remarks {', '.join(answer.remark_codes) or 'none'})"
        self._move(caller, claim, outcome, reason, "remit_received", paid_cents=answer.paid_cents,
                   patient_responsibility_cents=answer.patient_responsibility_cents, adjustments=answer.adjustments,
                   remark_codes=answer.remark_codes, payer_claim_control_number=answer.payer_claim_control_number,
                   answered_at=self._at())
        return {"outcome": outcome}

    def post_payment(self, practice_id: str, claim_id: str) -> dict[str, Any]:
        """The payer's payment, recorded once (its id is made from the claim and the submission)."""
        claim = self._claim(practice_id, claim_id)
        if claim.paid_cents <= 0:
            return {"posted_cents": 0}
        payment = Payment(id=f"ERA-{claim.id}-{claim.submissions}", invoice_id="-", patient_id=claim.patient_id,
                          amount_cents=claim.paid_cents, method="eft", reference=None, source="payer",
                          received_at=self._at(), recorded_by="workflow:claim-submission")
        caller = workflow_caller(practice_id)
        with contextlib.suppress(Conflict):  # Conflict: posted by an earlier try of this step
            self.payments.post_from_payer(practice_id, payment,
                                          self._draft(caller, "payment.post", "CLAIM", claim.id, claim.patient_id),
                                          [self._event("billing.payment.posted", caller, payment.id,
                                                       claim_id=claim.id, amount_cents=claim.paid_cents)])
        return {"posted_cents": claim.paid_cents}

    def bill_patient_share(self, practice_id: str, claim_id: str) -> dict[str, Any]:
        """An invoice for the patient's responsibility on the 835 (deductible, coinsurance, copay), issued once:
        its id is made from the claim and submission, and the claim points at it in the same write."""
        claim = self._claim(practice_id, claim_id)
        share = claim.patient_responsibility_cents
        if share <= 0 or claim.invoice_id:
            return {"invoice_id": claim.invoice_id, "amount_cents": share}
        at = self._at()
        invoice = Invoice(id=f"INV-{claim.id}-{claim.submissions}", patient_id=claim.patient_id, claim_id=claim.id,
                          charge_id=claim.charge_id, description=f"Your share of the visit on {claim.date_of_service}",
                          amount_cents=share, balance_cents=share, status="open", issued_on=self._today(), version=1,
                          created_at=at, updated_at=at)
        caller = workflow_caller(practice_id)
        updated = claim.model_copy(update={"invoice_id": invoice.id, "version": claim.version + 1, "updated_at": at})
        with contextlib.suppress(Conflict):  # Conflict: issued by an earlier try of this step
            self.invoices.issue(practice_id, invoice,
                                self._draft(caller, "invoice.create", "INVOICE", invoice.id, claim.patient_id, at),
                                [self._event("billing.invoice.issued", caller, invoice.id,
                                             patient_id=claim.patient_id, amount_cents=share)],
                                claim=(updated, claim.version))
        return {"invoice_id": invoice.id, "amount_cents": share}

    def apply_denial_rules(self, practice_id: str, claim_id: str) -> dict[str, Any]:
        """What the practice's denial rules say to do with a denial: correct and resubmit, ask a person, or
        close it (done here)."""
        claim = self._claim(practice_id, claim_id)
        settings = self.setup.settings(practice_id)
        carcs = [(a.group, a.carc) for a in claim.adjustments if a.group != "PR" and a.carc != "45"]
        decision = denials.decide(carcs, claim.remark_codes, settings.denial_rules if settings else None,
                                  claim.auto_resubmits, settings.max_auto_resubmits if settings else 2)
        if decision.action == "close":
            self._move(workflow_caller(practice_id), claim, "closed", decision.reason, "close")
        return {"action": decision.action, "correction": decision.correction, "reason": decision.reason}
