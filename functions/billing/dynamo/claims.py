"""`DynamoChargeBook`, `DynamoClaimLedger` and `DynamoClaimFiles`: charges, claims and their X12 files."""

from collections.abc import Iterator
from datetime import date

from functions.billing.dynamo.items import (
    BILLING,
    charge_pk,
    claim_item,
    claim_pk,
    claim_update,
    every,
    filing_marker,
    fingerprint_pk,
)
from functions.billing.models.charges import Charge
from functions.billing.models.claims import Claim
from functions.billing.ports import Events, FileKind, PageKey
from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.errors import Conflict
from functions.core.keys import collection_pk
from functions.core.table import Delete, Item, Operation, Put, Table


class DynamoChargeBook:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table = table
        self.audit = audit

    def charge(self, practice_id: str, charge_id: str) -> Charge | None:
        """GetItem pk=PRACTICE#p#CHARGE#id sk=CHARGE."""
        item = self.table.get(charge_pk(practice_id, charge_id), "CHARGE", consistent=True)
        return Charge.model_validate(item) if item else None

    def record(self, practice_id: str, charge: Charge, audit: AuditDraft, events: Events) -> None:
        """Put pk=PRACTICE#p#CHARGE#id sk=CHARGE (attribute_not_exists), audited."""
        item = {"pk": charge_pk(practice_id, charge.id), "sk": "CHARGE", "kind": "CHARGE",
                **charge.model_dump(mode="json")}
        put = Put(item, "attribute_not_exists(pk)", on_conflict=Conflict("that charge exists", code="charge_exists"))
        self.audit.commit(audit, writes=[put], events=events)


class DynamoClaimLedger:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table = table
        self.audit = audit

    def claim(self, practice_id: str, claim_id: str) -> Claim | None:
        """GetItem pk=PRACTICE#p#CLAIM#id sk=CLAIM (consistent: the workflow reads what it just wrote)."""
        item = self.table.get(claim_pk(practice_id, claim_id), "CLAIM", consistent=True)
        return Claim.model_validate(item) if item else None

    def page(self, practice_id: str, *, state: str | None, patient_id: str | None, payer_id: str | None,
             first: date | None, last: date | None, limit: int,
             start: PageKey | None) -> tuple[list[Claim], PageKey | None]:
        """One Query of gsi1pk=PRACTICE#p#CLAIM_STATE#<state> when a state is given, else of
        gsi4pk=PRACTICE#p#CLAIMS, newest first; the dates are the sort key's range; patient and payer filter the
        `limit` claims read (the cost stays one Query a page)."""
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
        found = self.table.query(pk, index=index, sk_between=between, forward=False, limit=limit, start_key=start,
                                 filter_expression=" AND ".join(conditions) or None, filter_names=names or None,
                                 filter_values=values or None)
        return [Claim.model_validate(item) for item in found.items], found.last_key

    def duplicates(self, practice_id: str, claim: Claim) -> list[str]:
        """Query pk=PRACTICE#p#CLAIM_FP#<fingerprint> (consistent): other live claims for the same services."""
        found = self.table.query(fingerprint_pk(practice_id, claim), consistent=True)
        return [item["claim_id"] for item in found.items if item["claim_id"] != claim.id]

    def open(self, practice_id: str, claim: Claim, audit: AuditDraft, events: Events) -> None:
        """TransactWriteItems: Put the claim, the charge's CLAIM#<rank> marker (attribute_not_exists: one claim per
        charge and rank), its fingerprint and its filing-deadline marker, audited."""
        writes: list[Operation] = [
            Put(claim_item(practice_id, claim), "attribute_not_exists(pk)",
                on_conflict=Conflict("that claim id exists", code="duplicate_id")),
            Put({"pk": charge_pk(practice_id, claim.charge_id), "sk": f"CLAIM#{claim.rank}", "kind": "CHARGE_CLAIM",
                 "claim_id": claim.id}, "attribute_not_exists(pk)",
                on_conflict=Conflict(f"this charge already has a {claim.rank} claim", code="claim_exists")),
            Put({"pk": fingerprint_pk(practice_id, claim), "sk": f"CLAIM#{claim.id}", "kind": "CLAIM_FINGERPRINT",
                 "claim_id": claim.id}),
            filing_marker(practice_id, claim),
        ]
        self.audit.commit(audit, writes=writes, events=events)

    def save(self, practice_id: str, claim: Claim, expected_version: int, audit: AuditDraft, events: Events) -> None:
        """TransactWriteItems: Put the claim on condition version = `expected_version` and its filing-deadline marker
        (or Delete it once the payer accepted the claim), audited; a voided claim's fingerprint is deleted (it is no
        longer anyone's duplicate)."""
        writes: list[Operation] = [claim_update(practice_id, claim, expected_version),
                                   filing_marker(practice_id, claim)]
        if claim.state == "void":
            writes.append(Delete({"pk": fingerprint_pk(practice_id, claim), "sk": f"CLAIM#{claim.id}"}))
        self.audit.commit(audit, writes=writes, events=events)

    def filing_due(self, practice_id: str, by: date) -> list[Item]:
        """Query gsi1pk=PRACTICE#p#FILING_DUE gsi1sk <= <by>#~, every page (sparse: claims the payer has not accepted,
        by filing deadline): the markers, each naming its claim, state, payer and deadline."""
        return self.table.query_all(collection_pk(practice_id, "FILING_DUE"), index="gsi1",
                                    sk_between=("0", f"{by.isoformat()}#~"))

    def awaiting_answer(self, practice_id: str, due_by: date) -> Iterator[Claim]:
        """Query gsi3pk=PRACTICE#p#CLAIM_AWAITING gsi3sk <= <due_by>~, all pages (sparse: only claims with no
        answer)."""
        start_key = None
        while True:
            found = self.table.query(collection_pk(practice_id, "CLAIM_AWAITING"), index="gsi3",
                                     sk_between=("0", f"{due_by.isoformat()}~"), start_key=start_key)
            yield from (Claim.model_validate(item) for item in found.items)
            if not found.last_key:
                return
            start_key = found.last_key

    def owed_by_payers(self, practice_id: str) -> Iterator[Claim]:
        """Query gsi2pk=PRACTICE#p#AR#CLAIMS, all pages (sparse: claims with money still owed by the payer)."""
        for item in every(self.table, collection_pk(practice_id, "AR", "CLAIMS"), index="gsi2"):
            yield Claim.model_validate(item)


class DynamoClaimFiles:
    def __init__(self, table: Table) -> None:
        self.table = table

    def next_control_number(self, practice_id: str) -> int:
        """UpdateItem ADD on pk=PRACTICE#p#BILLING sk=CONTROL_NUMBER: a unique ISA13/GS06/ST02 per file."""
        response = self.table.dynamodb.update_item(
            TableName=self.table.name,
            Key={"pk": {"S": collection_pk(practice_id, BILLING)}, "sk": {"S": "CONTROL_NUMBER"}},
            UpdateExpression="ADD #n :one SET #k = :kind", ExpressionAttributeNames={"#n": "value", "#k": "kind"},
            ExpressionAttributeValues={":one": {"N": "1"}, ":kind": {"S": "COUNTER"}}, ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"]["value"]["N"])

    def keep(self, practice_id: str, claim_id: str, kind: FileKind, control_number: int, document: str,
             at: str) -> None:
        """Put pk=PRACTICE#p#CLAIM#id sk=FILE#<control> (837P) or REMIT#<control> (835)."""
        self.table.put({"pk": claim_pk(practice_id, claim_id), "sk": f"{kind}#{control_number:09d}",
                        "kind": f"CLAIM_{kind}", "control_number": control_number, "document": document, "at": at})

    def file(self, practice_id: str, claim_id: str, kind: FileKind, control_number: int) -> str | None:
        """GetItem pk=PRACTICE#p#CLAIM#id sk=<kind>#<control>."""
        item = self.table.get(claim_pk(practice_id, claim_id), f"{kind}#{control_number:09d}", consistent=True)
        return item["document"] if item else None

    def files(self, practice_id: str, claim_id: str, kind: FileKind) -> list[str]:
        """Query pk=PRACTICE#p#CLAIM#id begins_with(sk, <kind>#), all pages: every file of that kind, oldest
        first."""
        return [item["document"] for item in every(self.table, claim_pk(practice_id, claim_id), f"{kind}#")]
