"""InvoiceBook and PaymentLedger, fake and DynamoDB alike: invoices issued once (with their claim, over its
version), payments over the invoice's version, Idempotency-Key records that refuse a second use and replay."""

from datetime import date

import pytest

from functions.core.errors import Conflict, Invalid
from functions.core.idempotency import AlreadyDone, IdempotentRequest
from tests.contract.billing_ports import PRACTICE, audit, event, invoice, payment
from tests.contract.billing_ports import ports as ports  # noqa: F401 - the fixture
from tests.unit.billing.claims import claim


def test_an_invoice_is_issued_once_and_listed_with_the_patients_others(ports):
    ports.invoices.issue(PRACTICE, invoice("inv-2", issued_on=date(2024, 6, 2)), audit(), event())
    ports.invoices.issue(PRACTICE, invoice("inv-1"), audit(), event())
    ports.invoices.issue(PRACTICE, invoice("inv-3", patient_id="someone-else"), audit(), event())
    with pytest.raises(Conflict) as again:
        ports.invoices.issue(PRACTICE, invoice("inv-1"), audit(), event())
    assert again.value.code == "invoice_exists"
    assert [i.id for i in ports.invoices.invoices_of(PRACTICE, "patient-1")] == ["inv-1", "inv-2"]
    assert ports.invoices.invoice(PRACTICE, "inv-3").patient_id == "someone-else"


def test_only_open_invoices_with_a_balance_are_owed(ports):
    ports.invoices.issue(PRACTICE, invoice("inv-1"), audit(), event())
    ports.invoices.issue(PRACTICE, invoice("inv-2", status="paid", balance_cents=0, paid_cents=5000), audit(),
                         event())
    assert [i.id for i in ports.invoices.with_balance(PRACTICE)] == ["inv-1"]


def test_an_invoice_for_a_claim_is_issued_with_the_claim_over_its_version(ports):
    ports.claims.open(PRACTICE, claim(id="c1"), audit(), event())
    billed = claim(id="c1", invoice_id="inv-1", version=2)
    with pytest.raises(Conflict):
        ports.invoices.issue(PRACTICE, invoice("inv-1"), audit(), event(), claim=(billed, 7))  # stale
    assert ports.invoices.invoice(PRACTICE, "inv-1") is None  # nothing of a refused write
    ports.invoices.issue(PRACTICE, invoice("inv-1"), audit(), event(), claim=(billed, 1))
    assert ports.claims.claim(PRACTICE, "c1").invoice_id == "inv-1"


def test_an_idempotency_key_is_used_once_and_replays_its_answer(ports):
    request = IdempotentRequest(key="key-00000001", fingerprint="f1")
    assert ports.invoices.replay(PRACTICE, request) is None
    first = invoice("inv-1")
    ports.invoices.issue(PRACTICE, first, audit(), event(), idempotency=request.answered(first))
    with pytest.raises(AlreadyDone):
        ports.invoices.issue(PRACTICE, invoice("inv-2"), audit(), event(), idempotency=request.answered(first))
    assert ports.invoices.invoice(PRACTICE, "inv-2") is None
    assert ports.invoices.replay(PRACTICE, request)["id"] == "inv-1"
    assert ports.payments.replay(PRACTICE, request)["id"] == "inv-1"  # one key space per practice
    with pytest.raises(Invalid) as reused:
        ports.invoices.replay(PRACTICE, IdempotentRequest(key="key-00000001", fingerprint="other"))
    assert reused.value.code == "idempotency_key_reused"
    assert ports.invoices.replay("practice-other", request) is None


def test_a_payment_moves_the_balance_only_over_the_invoice_version_read(ports):
    ports.invoices.issue(PRACTICE, invoice("inv-1"), audit(), event())
    paid = invoice("inv-1", paid_cents=2000, balance_cents=3000, version=2)
    ports.payments.record(PRACTICE, payment("pay-1"), paid, 1, audit(), event())
    with pytest.raises(Conflict) as stale:
        ports.payments.record(PRACTICE, payment("pay-2"), paid.model_copy(update={"version": 3}), 1, audit(),
                              event())
    assert stale.value.code == "invoice_changed"
    assert ports.payments.payment(PRACTICE, "pay-2") is None
    assert ports.invoices.invoice(PRACTICE, "inv-1").balance_cents == 3000
    assert ports.payments.payment(PRACTICE, "pay-1").amount_cents == 2000


def test_a_payment_with_a_used_key_is_not_taken(ports):
    ports.invoices.issue(PRACTICE, invoice("inv-1"), audit(), event())
    request = IdempotentRequest(key="pay-key-0001", fingerprint="f")
    first = payment("pay-1")
    ports.payments.record(PRACTICE, first, invoice("inv-1", balance_cents=3000, paid_cents=2000, version=2), 1,
                          audit(), event(), idempotency=request.answered(first))
    with pytest.raises(AlreadyDone):
        ports.payments.record(PRACTICE, payment("pay-2"), invoice("inv-1", balance_cents=1000, version=3), 2,
                              audit(), event(), idempotency=request.answered(first))
    assert ports.payments.payment(PRACTICE, "pay-2") is None
    assert ports.payments.replay(PRACTICE, request)["id"] == "pay-1"


def test_a_payers_payment_is_posted_once(ports):
    era = payment("ERA-c1-1", invoice_id="-", source="payer", method="eft")
    ports.payments.post_from_payer(PRACTICE, era, audit(), event())
    with pytest.raises(Conflict) as again:
        ports.payments.post_from_payer(PRACTICE, era, audit(), event())
    assert again.value.code == "payment_exists"
    assert ports.payments.payment(PRACTICE, "ERA-c1-1").source == "payer"
