"""Billing's keys and stored items, shared by its DynamoDB adapters."""

import hashlib
from collections.abc import Iterator

from functions.billing.models.claims import AWAITING_ANSWER, FILING_PENDING, Claim
from functions.billing.models.money import Invoice
from functions.core.errors import Conflict
from functions.core.keys import collection_pk, entity_pk
from functions.core.table import Delete, Item, Operation, Put, Table

BILLING = "BILLING"


def claim_pk(practice_id: str, claim_id: str) -> str:
    return entity_pk(practice_id, "CLAIM", claim_id)


def charge_pk(practice_id: str, charge_id: str) -> str:
    return entity_pk(practice_id, "CHARGE", charge_id)


def invoice_pk(practice_id: str, invoice_id: str) -> str:
    return entity_pk(practice_id, "INVOICE", invoice_id)


def fingerprint_pk(practice_id: str, claim: Claim) -> str:
    """Same patient, payer, rank, date of service and services: the same claim, whatever its id."""
    services = sorted(f"{line.procedure_code}:{'-'.join(sorted(line.modifiers))}:{line.units}" for line in claim.lines)
    text = "|".join([claim.patient_id, claim.payer_id, claim.rank, claim.date_of_service.isoformat(), *services])
    return collection_pk(practice_id, "CLAIM_FP", hashlib.sha256(text.encode()).hexdigest()[:40])


def claim_item(practice_id: str, claim: Claim) -> Item:
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


FILING_DUE_SK = "FILING_DUE"


def filing_marker(practice_id: str, claim: Claim) -> Operation:
    """The claim's sparse filing-deadline marker, written with every change of the claim: present (gsi1
    `FILING_DUE` / `<deadline>#<id>`) while the payer has not accepted it, deleted once it has or it ended. The
    claim item's own four index slots are taken; the compliance check reads this index, so its cost grows with
    the claims near their deadline, not with the claims in work."""
    key = {"pk": claim_pk(practice_id, claim.id), "sk": FILING_DUE_SK}
    if claim.state not in FILING_PENDING:
        return Delete(key)
    deadline = claim.timely_filing_deadline.isoformat()
    return Put({**key, "kind": "CLAIM_FILING_DUE", "claim_id": claim.id, "state": claim.state,
                "payer_id": claim.payer_id, "deadline": deadline,
                "gsi1pk": collection_pk(practice_id, "FILING_DUE"), "gsi1sk": f"{deadline}#{claim.id}"})


def claim_update(practice_id: str, claim: Claim, expected_version: int) -> Put:
    """The claim's new item, only over the version read."""
    return Put(claim_item(practice_id, claim), "#v = :v", names={"#v": "version"}, values={":v": expected_version},
               on_conflict=Conflict("the claim changed meanwhile; read it again", code="claim_changed"))


def invoice_item(practice_id: str, invoice: Invoice) -> Item:
    item: Item = {"pk": invoice_pk(practice_id, invoice.id), "sk": "INVOICE", "kind": "INVOICE",
                  **invoice.model_dump(mode="json"),
                  "gsi1pk": collection_pk(practice_id, "INVOICES_OF", invoice.patient_id),
                  "gsi1sk": f"{invoice.issued_on.isoformat()}#{invoice.id}"}
    if invoice.balance_cents > 0 and invoice.status == "open":
        item |= {"gsi2pk": collection_pk(practice_id, "AR", "INVOICES"),
                 "gsi2sk": f"{invoice.issued_on.isoformat()}#{invoice.id}"}
    return {k: v for k, v in item.items() if v is not None}


def every(table: Table, pk: str, prefix: str | None = None, index: str | None = None) -> Iterator[Item]:
    """Every page of one Query (consistent on the table, eventually consistent on an index)."""
    start_key = None
    while True:
        page = table.query(pk, sk_prefix=prefix, index=index, start_key=start_key, consistent=index is None)
        yield from page.items
        if not page.last_key:
            return
        start_key = page.last_key
