"""The payer's answer on the fakes: the 835 moves the claim, the payer's payment is posted once, and the patient
is invoiced their share once, with the claim pointing at the invoice."""

from functions.billing import remit
from functions.billing.models.money import InvoiceIn
from tests.unit.billing.world import BILLER, PATIENT, PRACTICE, world


def answered(outcome: str = "paid"):
    w = world()
    claim = w.a_claim()
    w.workflow.build(PRACTICE, claim.id)
    w.workflow.submit(PRACTICE, claim.id)
    w.workflow.check_ack(PRACTICE, claim.id)
    sent = w.ledger.claim(PRACTICE, claim.id)
    w.clearinghouse.remits["SUB-1"] = remit.build(sent, remit.Adjudication(outcome), "ICN000000001",
                                                  sent.control_number, w.now())
    return w, claim


def test_a_paid_835_moves_the_claim_and_is_kept_with_it():
    w, claim = answered()
    assert w.workflow.remittance.check_remit(PRACTICE, claim.id) == {"outcome": "paid"}
    paid = w.ledger.claim(PRACTICE, claim.id)
    # allowed 80 % of 150.00; the patient's coinsurance 20 % of that
    assert (paid.state, paid.paid_cents, paid.patient_responsibility_cents) == ("paid", 9600, 2400)
    assert len(w.files.files(PRACTICE, claim.id, "REMIT")) == 1
    assert w.workflow.remittance.check_remit(PRACTICE, claim.id) == {"outcome": "paid"}  # retried: nothing again


def test_the_payers_payment_is_posted_once():
    w, claim = answered()
    w.workflow.remittance.check_remit(PRACTICE, claim.id)
    assert w.workflow.remittance.post_payment(PRACTICE, claim.id) == {"posted_cents": 9600}
    assert w.workflow.remittance.post_payment(PRACTICE, claim.id) == {"posted_cents": 9600}
    assert w.payment_ledger.payment(PRACTICE, f"ERA-{claim.id}-1").amount_cents == 9600
    assert w.trail.actions().count("payment.post") == 1


def test_the_patient_is_invoiced_their_share_once_and_the_claim_points_at_it():
    w, claim = answered()
    w.workflow.remittance.check_remit(PRACTICE, claim.id)
    first = w.workflow.remittance.bill_patient_share(PRACTICE, claim.id)
    assert first == {"invoice_id": f"INV-{claim.id}-1", "amount_cents": 2400}
    assert w.workflow.remittance.bill_patient_share(PRACTICE, claim.id) == first
    invoice = w.invoice_book.invoice(PRACTICE, first["invoice_id"])
    assert (invoice.patient_id, invoice.amount_cents, invoice.balance_cents, invoice.claim_id) == \
        (PATIENT, 2400, 2400, claim.id)
    assert w.ledger.claim(PRACTICE, claim.id).invoice_id == invoice.id
    assert [i.id for i in w.invoicing.invoices_of(BILLER, PATIENT).invoices] == [invoice.id]


def test_a_denial_bills_the_patient_nothing():
    w, claim = answered("denied")
    assert w.workflow.remittance.check_remit(PRACTICE, claim.id) == {"outcome": "denied"}
    assert w.workflow.remittance.bill_patient_share(PRACTICE, claim.id) == {"invoice_id": None, "amount_cents": 0}


def test_a_direct_invoice_is_issued_once_per_idempotency_key():
    w = world()
    body = InvoiceIn(patient_id=PATIENT, amount_cents=5000, description="Self-pay visit")
    first = w.invoicing.issue(BILLER, body, "invoice-key-01")
    again = w.invoicing.issue(BILLER, body, "invoice-key-01")
    assert first == again and len(w.invoice_book.invoices) == 1
    statement = w.invoicing.statement(BILLER, PATIENT)
    assert (statement.total_billed_cents, statement.balance_cents) == (5000, 5000)
