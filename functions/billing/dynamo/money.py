"""`DynamoInvoiceBook` and `DynamoPaymentLedger`: patients' invoices and every payment."""

from collections.abc import Iterator
from typing import Any

from functions.billing.dynamo.items import claim_update, every, invoice_item, invoice_pk
from functions.billing.models.claims import Claim
from functions.billing.models.money import Invoice, Payment
from functions.billing.ports import Events
from functions.core import idempotency
from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.errors import Conflict
from functions.core.idempotency import IdempotencyClaim, IdempotentRequest
from functions.core.idempotency import claim_put as idempotency_claim_put
from functions.core.keys import collection_pk, entity_pk
from functions.core.table import Operation, Put, Table


class DynamoInvoiceBook:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table = table
        self.audit = audit

    def invoice(self, practice_id: str, invoice_id: str) -> Invoice | None:
        """GetItem pk=PRACTICE#p#INVOICE#id sk=INVOICE."""
        item = self.table.get(invoice_pk(practice_id, invoice_id), "INVOICE", consistent=True)
        return Invoice.model_validate(item) if item else None

    def invoices_of(self, practice_id: str, patient_id: str) -> list[Invoice]:
        """Query gsi1pk=PRACTICE#p#INVOICES_OF#<patient>, all pages, oldest first."""
        return [Invoice.model_validate(item) for item in
                every(self.table, collection_pk(practice_id, "INVOICES_OF", patient_id), index="gsi1")]

    def with_balance(self, practice_id: str) -> Iterator[Invoice]:
        """Query gsi2pk=PRACTICE#p#AR#INVOICES, all pages (sparse: open invoices with a balance)."""
        for item in every(self.table, collection_pk(practice_id, "AR", "INVOICES"), index="gsi2"):
            yield Invoice.model_validate(item)

    def issue(self, practice_id: str, invoice: Invoice, audit: AuditDraft, events: Events,
              idempotency: IdempotencyClaim | None = None, claim: tuple[Claim, int] | None = None) -> None:
        """TransactWriteItems: Put the invoice (attribute_not_exists: an id made from its claim is issued once)
        [+ the claim pointing at it, on its version] [+ the Idempotency-Key's record], audited."""
        writes: list[Operation] = [Put(invoice_item(practice_id, invoice), "attribute_not_exists(pk)",
                                       on_conflict=Conflict("that invoice exists", code="invoice_exists"))]
        if claim is not None:
            writes.append(claim_update(practice_id, *claim))
        if idempotency is not None:
            writes.insert(0, idempotency_claim_put(practice_id, idempotency))
        self.audit.commit(audit, writes=writes, events=events)

    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None:
        """GetItem (consistent) of the Idempotency-Key's record: the first answer."""
        return idempotency.stored_response(self.table, practice_id, request)


class DynamoPaymentLedger:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table = table
        self.audit = audit

    def payment(self, practice_id: str, payment_id: str) -> Payment | None:
        """GetItem pk=PRACTICE#p#PAYMENT#id sk=PAYMENT."""
        item = self.table.get(entity_pk(practice_id, "PAYMENT", payment_id), "PAYMENT", consistent=True)
        return Payment.model_validate(item) if item else None

    def record(self, practice_id: str, payment: Payment, invoice: Invoice, invoice_version: int, audit: AuditDraft,
               events: Events, idempotency: IdempotencyClaim | None = None) -> None:
        """TransactWriteItems: Put the payment (attribute_not_exists) and the invoice's new balance (on its version
        `invoice_version`) [+ the Idempotency-Key's record], audited."""
        put_invoice = Put(invoice_item(practice_id, invoice), "#v = :v", names={"#v": "version"},
                          values={":v": invoice_version},
                          on_conflict=Conflict("the invoice changed meanwhile; read it again", code="invoice_changed"))
        writes: list[Operation] = [put_invoice, _payment_put(practice_id, payment)]
        if idempotency is not None:
            writes.insert(0, idempotency_claim_put(practice_id, idempotency))
        self.audit.commit(audit, writes=writes, events=events)

    def post_from_payer(self, practice_id: str, payment: Payment, audit: AuditDraft, events: Events) -> None:
        """Put pk=PRACTICE#p#PAYMENT#id (attribute_not_exists: its id is made from the claim and submission, so it
        is posted once), audited."""
        self.audit.commit(audit, writes=[_payment_put(practice_id, payment)], events=events)

    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None:
        """GetItem (consistent) of the Idempotency-Key's record: the first answer."""
        return idempotency.stored_response(self.table, practice_id, request)


def _payment_put(practice_id: str, payment: Payment) -> Put:
    return Put({"pk": entity_pk(practice_id, "PAYMENT", payment.id), "sk": "PAYMENT", "kind": "PAYMENT",
                **payment.model_dump(mode="json")}, "attribute_not_exists(pk)",
               on_conflict=Conflict("that payment was recorded already", code="payment_exists"))
