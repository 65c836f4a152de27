"""Payments on the fakes: taken once per Idempotency-Key (a retry, a retry racing the first, a key reused for
another payment), never more than the balance, and a patient pays only their own invoices, by card."""

import pytest

from functions.billing.models.money import InvoiceIn, PaymentIn
from functions.core.auth import Role
from functions.core.errors import Conflict, Forbidden, Invalid, NotFound
from tests.unit.billing.world import BILLER, PATIENT, PRACTICE, person, world


def an_invoice(w, amount: int = 5000):
    return w.invoicing.issue(BILLER, InvoiceIn(patient_id=PATIENT, amount_cents=amount, description="Visit"))


def test_a_payment_retried_with_its_key_is_taken_once():
    w = world()
    invoice = an_invoice(w)
    body = PaymentIn(invoice_id=invoice.id, amount_cents=1500, method="cheque", reference="1042")
    first = w.payments.pay(BILLER, body, "cheque-1042-key")
    again = w.payments.pay(BILLER, body, "cheque-1042-key")
    assert first == again and len(w.payment_ledger.payments) == 1
    after = w.invoice_book.invoice(PRACTICE, invoice.id)
    assert (after.paid_cents, after.balance_cents, len(after.payments)) == (1500, 3500, 1)


def test_a_retry_that_loses_the_race_to_its_first_try_gets_the_first_payment():
    w = world()
    invoice = an_invoice(w, 1500)
    body = PaymentIn(invoice_id=invoice.id, amount_cents=1500, method="card")
    won = []
    # the first try commits while the retry is between its read and its write
    w.payment_ledger.before_write = lambda: won.append(w.payments.pay(BILLER, body, "racing-key-01"))
    lost = w.payments.pay(BILLER, body, "racing-key-01")
    assert lost == won[0] and len(w.payment_ledger.payments) == 1
    assert w.payments.pay(BILLER, body, "racing-key-01") == won[0]  # settled in full: still the same answer


def test_the_same_key_for_another_payment_is_422():
    w = world()
    invoice = an_invoice(w)
    w.payments.pay(BILLER, PaymentIn(invoice_id=invoice.id, amount_cents=1000, method="cash"), "one-key-0001")
    with pytest.raises(Invalid) as reused:
        w.payments.pay(BILLER, PaymentIn(invoice_id=invoice.id, amount_cents=2000, method="cash"), "one-key-0001")
    assert reused.value.code == "idempotency_key_reused"


def test_more_than_the_balance_is_refused_and_changes_nothing():
    w = world()
    invoice = an_invoice(w)
    with pytest.raises(Conflict) as over:
        w.payments.pay(BILLER, PaymentIn(invoice_id=invoice.id, amount_cents=9000, method="cash"))
    assert over.value.code == "overpayment" and w.payment_ledger.payments == {}


def test_an_invoice_changed_meanwhile_is_read_again_and_paid():
    w = world()
    invoice = an_invoice(w)
    other = PaymentIn(invoice_id=invoice.id, amount_cents=1000, method="cash")
    w.payment_ledger.before_write = lambda: w.payments.pay(BILLER, other)
    mine = w.payments.pay(BILLER, PaymentIn(invoice_id=invoice.id, amount_cents=2000, method="cash"))
    after = w.invoice_book.invoice(PRACTICE, invoice.id)
    assert after.balance_cents == 2000 and mine.id in [p.id for p in after.payments]


def test_a_patient_pays_their_own_invoice_by_card_only():
    w = world()
    invoice = an_invoice(w)
    ada = person(Role.PATIENT, "ada-user", patient=PATIENT)
    paid = w.payments.pay(ada, PaymentIn(invoice_id=invoice.id, amount_cents=500, method="card", reference="4242"))
    assert w.payments.payment(ada, paid.id).amount_cents == 500
    with pytest.raises(Forbidden):
        w.payments.pay(ada, PaymentIn(invoice_id=invoice.id, amount_cents=500, method="cash"))
    stranger = person(Role.PATIENT, "grace-user", patient="patient-grace")
    with pytest.raises(NotFound):
        w.payments.pay(stranger, PaymentIn(invoice_id=invoice.id, amount_cents=500, method="card"))
    with pytest.raises(NotFound):
        w.payments.payment(stranger, paid.id)
