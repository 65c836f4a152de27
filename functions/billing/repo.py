"""Billing in the single table. The only module that knows its keys, indexes and conditions.

Layout:
    pk = PRACTICE#p#BILLING          sk = SETTINGS             billing provider, rule tables, follow-up days
                                     sk = FEE_SCHEDULE         the fee schedule (one item)
                                     sk = PAYER#<id>           a payer (timely filing, payer rule overrides)
                                     sk = CONTROL_NUMBER       the interchange control number counter
    pk = PRACTICE#p#CHARGE#<id>      sk = CHARGE               a visit's charge
                                     sk = CLAIM#<rank>         marker: the charge's claim for that rank
    pk = PRACTICE#p#CLAIM#<id>       sk = CLAIM                the claim (exactly one state)
                                     sk = FILE#<control>       an 837P sent for it
                                     sk = REMIT#<control>      the 835 that answered it
    pk = PRACTICE#p#CLAIM_FP#<hash>  sk = CLAIM#<id>           same patient/payer/date/services: duplicates
    pk = PRACTICE#p#INVOICE#<id>     sk = INVOICE              a patient invoice (payments listed in it)
    pk = PRACTICE#p#PAYMENT#<id>     sk = PAYMENT              a payment (patient or payer)
Indexes:
    gsi1pk = PRACTICE#p#CLAIM_STATE#<state>   gsi1sk = <date_of_service>#<id>  claims by state (every claim)
    gsi1pk = PRACTICE#p#INVOICES_OF#<patient> gsi1sk = <issued_on>#<id>    a patient's invoices
    gsi2pk = PRACTICE#p#AR#CLAIMS             gsi2sk = <date>#<id>         sparse: claims the payer owes on
    gsi2pk = PRACTICE#p#AR#INVOICES           gsi2sk = <issued_on>#<id>    sparse: invoices with a balance
    gsi3pk = PRACTICE#p#CLAIM_AWAITING        gsi3sk = <follow-up due>#<id> sparse: no answer yet
    gsi4pk = PRACTICE#p#CLAIMS                gsi4sk = <date_of_service>#<id>  every claim of the practice

Every claim change is a conditional Put on the claim's version (and so its state) inside
AuditStore.commit: the claim, its audit entry and its domain event land together or not at all."""

import hashlib
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from functions.billing.models.charges import Charge
from functions.billing.models.claims import AWAITING_ANSWER, Claim
from functions.billing.models.money import Invoice, Payment
from functions.billing.models.setup import ClaimSettings, FeeSchedule, Payer
from functions.core import idempotency
from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.errors import Conflict, stale
from functions.core.events import DomainEvent
from functions.core.idempotency import IdempotencyClaim
from functions.core.keys import collection_pk, entity_pk
from functions.core.table import Delete, Item, Operation, Put, Table

BILLING = "BILLING"


def claim_pk(practice_id: str, claim_id: str) -> str:
    return entity_pk(practice_id, "CLAIM", claim_id)


def charge_pk(practice_id: str, charge_id: str) -> str:
    return entity_pk(practice_id, "CHARGE", charge_id)


def invoice_pk(practice_id: str, invoice_id: str) -> str:
    return entity_pk(practice_id, "INVOICE", invoice_id)


def fingerprint(claim: Claim) -> str:
    """Same patient, payer, date of service and services: the same claim, whatever its id."""
    services = sorted(f"{line.procedure_code}:{'-'.join(sorted(line.modifiers))}:{line.units}" for line in claim.lines)
    text = "|".join([claim.patient_id, claim.payer_id, claim.rank, claim.date_of_service.isoformat(), *services])
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def _claim_item(practice_id: str, claim: Claim) -> Item:
    item: Item = {"pk": claim_pk(practice_id, claim.id), "sk": "CLAIM", "kind": "CLAIM",
                  **claim.model_dump(mode="json"), "task_token": claim.task_token,
                  "gsi1pk": collection_pk(practice_id, "CLAIM_STATE", claim.state),
                  "gsi1sk": f"{claim.date_of_service.isoformat()}#{claim.id}",
                  "gsi4pk": collection_pk(practice_id, "CLAIMS"),
                  "gsi4sk": f"{claim.date_of_service.isoformat()}#{claim.id}"}
    if claim.outstanding_cents > 0:
        item |= {"gsi2pk": collection_pk(practice_id, "AR", "CLAIMS"),
                 "gsi2sk": f"{(claim.submitted_at or claim.created_at)[:10]}#{claim.id}"}
    if claim.state in AWAITING_ANSWER and claim.follow_up_on is not None:
        item |= {"gsi3pk": collection_pk(practice_id, "CLAIM_AWAITING"),
                 "gsi3sk": f"{claim.follow_up_on.isoformat()}#{claim.id}"}
    return {k: v for k, v in item.items() if v is not None}


def _invoice_item(practice_id: str, invoice: Invoice) -> Item:
    item: Item = {"pk": invoice_pk(practice_id, invoice.id), "sk": "INVOICE", "kind": "INVOICE",
                  **invoice.model_dump(mode="json"),
                  "gsi1pk": collection_pk(practice_id, "INVOICES_OF", invoice.patient_id),
                  "gsi1sk": f"{invoice.issued_on.isoformat()}#{invoice.id}"}
    if invoice.balance_cents > 0 and invoice.status == "open":
        item |= {"gsi2pk": collection_pk(practice_id, "AR", "INVOICES"),
                 "gsi2sk": f"{invoice.issued_on.isoformat()}#{invoice.id}"}
    return {k: v for k, v in item.items() if v is not None}


class BillingRepo:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table = table
        self.audit = audit

    # --- settings, fee schedule, payers ----------------------------------------------------------
    def settings(self, practice_id: str) -> ClaimSettings | None:
        """GetItem pk=PRACTICE#p#BILLING sk=SETTINGS."""
        item = self.table.get(collection_pk(practice_id, BILLING), "SETTINGS", consistent=True)
        return ClaimSettings.model_validate(item) if item else None

    def fee_schedule(self, practice_id: str) -> FeeSchedule:
        """GetItem pk=PRACTICE#p#BILLING sk=FEE_SCHEDULE."""
        item = self.table.get(collection_pk(practice_id, BILLING), "FEE_SCHEDULE", consistent=True)
        return FeeSchedule.model_validate(item) if item else FeeSchedule()

    def payer(self, practice_id: str, payer_id: str) -> Payer | None:
        """GetItem pk=PRACTICE#p#BILLING sk=PAYER#<id>."""
        item = self.table.get(collection_pk(practice_id, BILLING), f"PAYER#{payer_id}", consistent=True)
        return Payer.model_validate(item) if item else None

    def payers(self, practice_id: str) -> list[Payer]:
        """Query pk=PRACTICE#p#BILLING begins_with(sk, PAYER#), all pages (a practice has tens of payers)."""
        return [Payer.model_validate(item) for item in self._all(collection_pk(practice_id, BILLING), "PAYER#")]

    def put_config(self, practice_id: str, sk: str, kind: str, attributes: Item, expected_version: int,
                   audit: AuditDraft, events: Sequence[DomainEvent]) -> None:
        """Put a settings/fee schedule/payer item when its version is still `expected_version` (0: new)."""
        item = {"pk": collection_pk(practice_id, BILLING), "sk": sk, "kind": kind, **attributes}
        changed = stale(kind.lower().replace("_", " "))
        if expected_version == 0:
            put = Put(item, "attribute_not_exists(pk)", on_conflict=changed)
        else:
            put = Put(item, "#v = :v", names={"#v": "version"}, values={":v": expected_version}, on_conflict=changed)
        self.audit.commit(audit, writes=[put], events=events)

    def next_control_number(self, practice_id: str) -> int:
        """UpdateItem ADD on pk=PRACTICE#p#BILLING sk=CONTROL_NUMBER: a unique ISA13/GS06/ST02 per file."""
        response = self.table.dynamodb.update_item(
            TableName=self.table.name,
            Key={"pk": {"S": collection_pk(practice_id, BILLING)}, "sk": {"S": "CONTROL_NUMBER"}},
            UpdateExpression="ADD #n :one SET #k = :kind", ExpressionAttributeNames={"#n": "value", "#k": "kind"},
            ExpressionAttributeValues={":one": {"N": "1"}, ":kind": {"S": "COUNTER"}}, ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"]["value"]["N"])

    # --- charges ------------------------------------------------------------------------------------
    def charge(self, practice_id: str, charge_id: str) -> Charge | None:
        """GetItem pk=PRACTICE#p#CHARGE#id sk=CHARGE."""
        item = self.table.get(charge_pk(practice_id, charge_id), "CHARGE", consistent=True)
        return Charge.model_validate(item) if item else None

    def create_charge(self, practice_id: str, charge: Charge, audit: AuditDraft,
                      events: Sequence[DomainEvent]) -> None:
        item = {"pk": charge_pk(practice_id, charge.id), "sk": "CHARGE", "kind": "CHARGE",
                **charge.model_dump(mode="json")}
        self.audit.commit(audit, writes=[Put(item, "attribute_not_exists(pk)")], events=events)

    # --- claims -------------------------------------------------------------------------------------
    def claim(self, practice_id: str, claim_id: str) -> Claim | None:
        """GetItem pk=PRACTICE#p#CLAIM#id sk=CLAIM (consistent: the workflow reads what it just wrote)."""
        item = self.table.get(claim_pk(practice_id, claim_id), "CLAIM", consistent=True)
        return Claim.model_validate(item) if item else None

    def claims(self, practice_id: str, *, state: str | None = None, patient_id: str | None = None,
               payer_id: str | None = None, first: date | None = None, last: date | None = None, limit: int = 50,
               start_key: Item | None = None) -> tuple[list[Claim], Item | None]:
        """One page, newest date of service first: one Query of gsi1pk=PRACTICE#p#CLAIM_STATE#<state> when a state is
        given, else of gsi4pk=PRACTICE#p#CLAIMS; the dates are the sort key's range; patient and payer filter the
        `limit` claims read, so a filtered page may hold fewer (follow its token: the cost stays one Query a page)."""
        if state is not None:
            pk, index = collection_pk(practice_id, "CLAIM_STATE", state), "gsi1"
        else:
            pk, index = collection_pk(practice_id, "CLAIMS"), "gsi4"
        between = None
        if first is not None or last is not None:
            between = (first.isoformat() if first else "0", f"{last.isoformat() if last else '9999-12-31'}~")
        conditions, names, values = [], {}, {}
        for attribute, value in (("patient_id", patient_id), ("payer_id", payer_id)):
            if value is not None:
                names[f"#{attribute}"] = attribute
                values[f":{attribute}"] = value
                conditions.append(f"#{attribute} = :{attribute}")
        page = self.table.query(pk, index=index, sk_between=between, forward=False, limit=limit, start_key=start_key,
                                filter_expression=" AND ".join(conditions) or None, filter_names=names or None,
                                filter_values=values or None)
        return [Claim.model_validate(item) for item in page.items], page.last_key

    def duplicates(self, practice_id: str, claim: Claim) -> list[str]:
        """Query pk=PRACTICE#p#CLAIM_FP#<fingerprint>: other live claims for the same services."""
        page = self.table.query(collection_pk(practice_id, "CLAIM_FP", fingerprint(claim)), consistent=True)
        return [item["claim_id"] for item in page.items if item["claim_id"] != claim.id]

    def create_claim(self, practice_id: str, claim: Claim, audit: AuditDraft,
                     events: Sequence[DomainEvent]) -> None:
        """Put the claim, the charge's claim marker for its rank (one claim per charge and rank) and its
        fingerprint, audited, in one transaction."""
        writes: list[Operation] = [
            Put(_claim_item(practice_id, claim), "attribute_not_exists(pk)",
                on_conflict=Conflict("that claim id exists", code="duplicate_id")),
            Put({"pk": charge_pk(practice_id, claim.charge_id), "sk": f"CLAIM#{claim.rank}", "kind": "CHARGE_CLAIM",
                 "claim_id": claim.id}, "attribute_not_exists(pk)",
                on_conflict=Conflict(f"this charge already has a {claim.rank} claim", code="claim_exists")),
            Put({"pk": collection_pk(practice_id, "CLAIM_FP", fingerprint(claim)), "sk": f"CLAIM#{claim.id}",
                 "kind": "CLAIM_FINGERPRINT", "claim_id": claim.id}),
        ]
        self.audit.commit(audit, writes=writes, events=events)

    def save_claim(self, practice_id: str, claim: Claim, expected_version: int,
                   audit: AuditDraft, events: Sequence[DomainEvent], extra: Sequence[Operation] = ()) -> None:
        """Replace the claim when its version is still `expected_version`: a state change (or a recorded
        fact) that nobody else's change can interleave with. Stale: Conflict."""
        put = Put(_claim_item(practice_id, claim), "#v = :v", names={"#v": "version"},
                  values={":v": expected_version},
                  on_conflict=Conflict("the claim changed meanwhile; read it again", code="claim_changed"))
        writes: list[Operation] = [put, *extra]
        if claim.state == "void":  # a voided claim no longer counts as a duplicate of anything
            writes.append(Delete({"pk": collection_pk(practice_id, "CLAIM_FP", fingerprint(claim)),
                                  "sk": f"CLAIM#{claim.id}"}))
        self.audit.commit(audit, writes=writes, events=events)

    def put_file(self, practice_id: str, claim_id: str, kind: str, control_number: int, document: str,
                 at: str) -> None:
        """Put FILE#<control> (837P) or REMIT#<control> (835) under the claim. Write-once."""
        sk = f"{kind}#{control_number:09d}"
        self.table.put({"pk": claim_pk(practice_id, claim_id), "sk": sk, "kind": f"CLAIM_{kind}",
                        "control_number": control_number, "document": document, "at": at})

    def file(self, practice_id: str, claim_id: str, kind: str, control_number: int) -> str | None:
        """GetItem pk=PRACTICE#p#CLAIM#id sk=<kind>#<control>."""
        item = self.table.get(claim_pk(practice_id, claim_id), f"{kind}#{control_number:09d}", consistent=True)
        return item["document"] if item else None

    def files(self, practice_id: str, claim_id: str, kind: str) -> list[str]:
        """Query pk=PRACTICE#p#CLAIM#id begins_with(sk, <kind>#): every file of that kind, oldest first."""
        return [item["document"] for item in self._all(claim_pk(practice_id, claim_id), f"{kind}#")]

    def awaiting_answer(self, practice_id: str, due_by: date) -> Iterator[Claim]:
        """Query gsi3pk=PRACTICE#p#CLAIM_AWAITING gsi3sk <= <due_by>~ (sparse: only claims with no answer)."""
        start_key = None
        while True:
            page = self.table.query(collection_pk(practice_id, "CLAIM_AWAITING"), index="gsi3",
                                    sk_between=("0", f"{due_by.isoformat()}~"), start_key=start_key)
            yield from (Claim.model_validate(item) for item in page.items)
            if not page.last_key:
                return
            start_key = page.last_key

    def open_claims(self, practice_id: str) -> Iterator[Claim]:
        """Query gsi2pk=PRACTICE#p#AR#CLAIMS (sparse: claims with money still owed by the payer)."""
        for item in self._all(collection_pk(practice_id, "AR", "CLAIMS"), index="gsi2"):
            yield Claim.model_validate(item)

    # --- invoices and payments ---------------------------------------------------------------------
    def invoice(self, practice_id: str, invoice_id: str) -> Invoice | None:
        """GetItem pk=PRACTICE#p#INVOICE#id sk=INVOICE."""
        item = self.table.get(invoice_pk(practice_id, invoice_id), "INVOICE", consistent=True)
        return Invoice.model_validate(item) if item else None

    def invoices_of(self, practice_id: str, patient_id: str) -> list[Invoice]:
        """Query gsi1pk=PRACTICE#p#INVOICES_OF#<patient>, all pages, oldest first."""
        return [Invoice.model_validate(item) for item in
                self._all(collection_pk(practice_id, "INVOICES_OF", patient_id), index="gsi1")]

    def open_invoices(self, practice_id: str) -> Iterator[Invoice]:
        """Query gsi2pk=PRACTICE#p#AR#INVOICES (sparse: invoices with a balance)."""
        for item in self._all(collection_pk(practice_id, "AR", "INVOICES"), index="gsi2"):
            yield Invoice.model_validate(item)

    def create_invoice(self, practice_id: str, invoice: Invoice, audit: AuditDraft, events: Sequence[DomainEvent],
                       claim: IdempotencyClaim | None = None, with_claim: tuple[Claim, int] | None = None) -> None:
        """Put the invoice (attribute_not_exists: an invoice id made from its claim is created once) [+ the
        claim that points at it, at the version read] [+ the Idempotency-Key claim]."""
        writes: list[Operation] = [Put(_invoice_item(practice_id, invoice), "attribute_not_exists(pk)",
                                       on_conflict=Conflict("that invoice exists", code="invoice_exists"))]
        if with_claim:
            updated, expected = with_claim
            writes.append(Put(_claim_item(practice_id, updated), "#v = :v", names={"#v": "version"},
                              values={":v": expected},
                              on_conflict=Conflict("the claim changed meanwhile", code="claim_changed")))
        if claim:
            writes.insert(0, idempotency.claim_put(practice_id, claim))
        self.audit.commit(audit, writes=writes, events=events)

    def payment(self, practice_id: str, payment_id: str) -> Payment | None:
        """GetItem pk=PRACTICE#p#PAYMENT#id sk=PAYMENT."""
        item = self.table.get(entity_pk(practice_id, "PAYMENT", payment_id), "PAYMENT", consistent=True)
        return Payment.model_validate(item) if item else None

    def payment_op(self, practice_id: str, payment: Payment) -> Put:
        return Put({"pk": entity_pk(practice_id, "PAYMENT", payment.id), "sk": "PAYMENT", "kind": "PAYMENT",
                    **payment.model_dump(mode="json")}, "attribute_not_exists(pk)",
                   on_conflict=Conflict("that payment was recorded already", code="payment_exists"))

    def post_payer_payment(self, practice_id: str, payment: Payment, audit: AuditDraft,
                           events: Sequence[DomainEvent]) -> None:
        """Put the payer's payment (its id is made from the claim and submission: posted once), audited."""
        self.audit.commit(audit, writes=[self.payment_op(practice_id, payment)], events=events)

    def record_payment(self, practice_id: str, payment: Payment, invoice: Invoice, expected_version: int,
                       audit: AuditDraft, events: Sequence[DomainEvent], claim: IdempotencyClaim | None) -> None:
        """Put the payment and the invoice's new balance (when its version is still `expected_version`), with
        the Idempotency-Key claim, in one transaction: a retry finds the key taken and gets the first answer."""
        put_invoice = Put(_invoice_item(practice_id, invoice), "#v = :v", names={"#v": "version"},
                          values={":v": expected_version},
                          on_conflict=Conflict("the invoice changed meanwhile; read it again", code="invoice_changed"))
        writes: list[Operation] = [put_invoice, self.payment_op(practice_id, payment)]
        if claim:
            writes.insert(0, idempotency.claim_put(practice_id, claim))
        self.audit.commit(audit, writes=writes, events=events)

    def replay(self, practice_id: str, claim: IdempotencyClaim) -> dict[str, Any] | None:
        """GetItem: the answer stored under the key, None when none is; Invalid when reused differently."""
        return idempotency.stored_response(self.table, practice_id, claim)

    # --- shared ---------------------------------------------------------------------------------------
    def _all(self, pk: str, prefix: str | None = None, index: str | None = None) -> Iterator[Item]:
        start_key = None
        while True:
            page = self.table.query(pk, sk_prefix=prefix, index=index, start_key=start_key,
                                    consistent=index is None)
            yield from page.items
            if not page.last_key:
                return
            start_key = page.last_key

