"""Billing's ports, as the in-memory fakes or as the DynamoDB adapters on moto, for the contract suites: each
suite runs once on each, so the fakes the unit tests trust behave like the adapters production runs."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from functions.billing.models.charges import Charge, ChargeLine
from functions.billing.models.money import Invoice, Payment
from functions.core.audit import draft
from functions.core.auth import Caller, Role
from functions.core.events import DomainEvent
from tests.fakes import billing as fakes
from tests.fakes.audit import FakeAuditTrail
from tests.fakes.idempotency import FakeIdempotencyKeys

PRACTICE = "practice-contract"
OTHER = "practice-other"
AT = "2024-06-01T10:00:00.000Z"
CALLER = Caller(user_id="biller-1", practice_id=PRACTICE, roles=frozenset({Role.BILLING}), request_id="test")


@dataclass
class Ports:
    kind: str
    setup: Any
    charges: Any
    claims: Any
    files: Any
    invoices: Any
    payments: Any


def fake_ports() -> Ports:
    trail, keys = FakeAuditTrail(), FakeIdempotencyKeys()
    claims = fakes.FakeClaimLedger(trail)
    invoices = fakes.FakeInvoiceBook(trail, keys, claims)
    return Ports("fake", fakes.FakeBillingSetup(trail), fakes.FakeChargeBook(trail), claims, fakes.FakeClaimFiles(),
                 invoices, fakes.FakePaymentLedger(trail, keys, invoices))


def dynamo_ports() -> Ports:
    from functions.billing.dynamo.claims import DynamoChargeBook, DynamoClaimFiles, DynamoClaimLedger
    from functions.billing.dynamo.money import DynamoInvoiceBook, DynamoPaymentLedger
    from functions.billing.dynamo.setup import DynamoBillingSetup
    from functions.core.audit_store import AuditStore
    from functions.core.table import Table

    table = Table()
    audit = AuditStore(table)
    return Ports("dynamo", DynamoBillingSetup(table, audit), DynamoChargeBook(table, audit),
                 DynamoClaimLedger(table, audit), DynamoClaimFiles(table), DynamoInvoiceBook(table, audit),
                 DynamoPaymentLedger(table, audit))


@pytest.fixture(params=["fake", "dynamo"])
def ports(request) -> Ports:
    if request.param == "fake":
        return fake_ports()
    request.getfixturevalue("cloud")
    return dynamo_ports()


def audit(action: str = "test.write", entity_id: str = "x", practice: str = PRACTICE):
    caller = Caller(user_id="biller-1", practice_id=practice, roles=frozenset({Role.BILLING}), request_id="test")
    return draft(caller, action, "TEST", entity_id, AT)


def event(entity_id: str = "x", practice: str = PRACTICE) -> list[DomainEvent]:
    return [DomainEvent(type="billing.test", practice_id=practice, entity_id=entity_id, data={}, occurred_at=AT)]


def charge(charge_id: str = "charge-1", patient_id: str = "patient-1") -> Charge:
    return Charge(id=charge_id, patient_id=patient_id, date_of_service=date(2024, 5, 1), diagnoses=["J45909"],
                  lines=[ChargeLine(procedure_code="99213", units=1, diagnosis_pointers=[1], charge_cents=15000)],
                  total_cents=15000, created_at=AT, created_by="biller-1")


def invoice(invoice_id: str = "inv-1", patient_id: str = "patient-1", amount: int = 5000,
            issued_on: date = date(2024, 6, 1), **changes) -> Invoice:
    return Invoice(**{**dict(id=invoice_id, patient_id=patient_id, description="Visit", amount_cents=amount,
                             balance_cents=amount, status="open", issued_on=issued_on, version=1, created_at=AT,
                             updated_at=AT), **changes})


def payment(payment_id: str = "pay-1", invoice_id: str = "inv-1", amount: int = 2000, **changes) -> Payment:
    return Payment(**{**dict(id=payment_id, invoice_id=invoice_id, patient_id="patient-1", amount_cents=amount,
                             method="card", received_at=AT, recorded_by="biller-1"), **changes})
