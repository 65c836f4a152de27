"""Findings in the table: one item each, written with the notices of their opening in one transaction (not
audited: a finding is what a check derived, and its opened/closed times are its own record).

    item                      pk FINDING#<check>-<key>                 sk FINDING
    a check's open (sparse)   gsi1 OPEN_FINDINGS#<check> / <id>        open ones only: what the run reads
    by status                 gsi2 FINDINGS#<status> / <rank>#<due_on>#<id>
    by owner                  gsi3 FINDINGS_OF#<owner> / <status>#<rank>#<due_on>#<id>
"""

from collections.abc import Sequence

from functions.compliance.checks.base import SEVERITY_RANK
from functions.compliance.models.findings import Finding
from functions.compliance.ports.monitoring import Page
from functions.core.errors import stale
from functions.core.events import DomainEvent, outbox_put
from functions.core.keys import collection_pk, entity_pk
from functions.core.table import Item, Put, Table

SK = "FINDING"


def finding_pk(practice_id: str, finding_id: str) -> str:
    return entity_pk(practice_id, "FINDING", finding_id)


def open_index(practice_id: str, check: str) -> str:
    return collection_pk(practice_id, "OPEN_FINDINGS", check)


def status_index(practice_id: str, status: str) -> str:
    return collection_pk(practice_id, "FINDINGS", status)


def owner_index(practice_id: str, owner: str) -> str:
    return collection_pk(practice_id, "FINDINGS_OF", owner)


def _order(finding: Finding) -> str:
    return f"{SEVERITY_RANK[finding.severity]}#{finding.due_on.isoformat()}#{finding.id}"


def _item(finding: Finding) -> Item:
    f = finding
    item: Item = {"pk": finding_pk(f.practice_id, f.id), "sk": SK, "kind": "COMPLIANCE_FINDING",
                  **f.model_dump(mode="json"),
                  "gsi2pk": status_index(f.practice_id, f.status), "gsi2sk": _order(f),
                  "gsi3pk": owner_index(f.practice_id, f.owner), "gsi3sk": f"{f.status}#{_order(f)}"}
    if f.status == "open":
        item |= {"gsi1pk": open_index(f.practice_id, f.check), "gsi1sk": f.id}
    return item


class DynamoFindingStore:
    def __init__(self, table: Table) -> None:
        self.table = table

    def finding(self, practice_id: str, finding_id: str) -> Finding | None:
        """GetItem FINDING#<id>/FINDING (consistent)."""
        item = self.table.get(finding_pk(practice_id, finding_id), SK, consistent=True)
        return Finding.model_validate(item) if item else None

    def open_for_check(self, practice_id: str, check: str) -> list[Finding]:
        """Query gsi1 OPEN_FINDINGS#<check> (sparse), every page."""
        return [Finding.model_validate(i) for i in self.table.query_all(open_index(practice_id, check),
                                                                         index="gsi1")]

    def all_open(self, practice_id: str) -> list[Finding]:
        """Query gsi2 FINDINGS#open, every page."""
        return [Finding.model_validate(i) for i in self.table.query_all(status_index(practice_id, "open"),
                                                                         index="gsi2")]

    def search(self, practice_id: str, *, status: str, severity: str | None, owner: str | None,
               check: str | None, limit: int, start: dict | None) -> Page:
        """Query gsi3 FINDINGS_OF#<owner> begins_with <status>#[<rank>#] with an owner, else gsi2 FINDINGS#<status>
        begins_with [<rank>#]; the check, when named, filters the page. One page of `limit`."""
        rank = f"{SEVERITY_RANK[severity]}#" if severity else ""
        filters = {"filter_expression": "#check = :check", "filter_names": {"#check": "check"},
                   "filter_values": {":check": check}} if check else {}
        if owner is not None:
            page = self.table.query(owner_index(practice_id, owner), index="gsi3", sk_prefix=f"{status}#{rank}",
                                    limit=limit, start_key=start, **filters)
        else:
            page = self.table.query(status_index(practice_id, status), index="gsi2", sk_prefix=rank or None,
                                    limit=limit, start_key=start, **filters)
        return Page([Finding.model_validate(i) for i in page.items], page.last_key)

    def save(self, finding: Finding, events: Sequence[DomainEvent] = ()) -> None:
        """TransactWriteItems: the finding (new: attribute_not_exists; else on its previous version) and the
        outbox events of its notices."""
        if finding.version == 1:
            put = Put(_item(finding), "attribute_not_exists(pk)", on_conflict=stale("finding"))
        else:
            put = Put(_item(finding), "#v = :v", names={"#v": "version"}, values={":v": finding.version - 1},
                      on_conflict=stale("finding"))
        self.table.transact([put, *(outbox_put(e) for e in events)])
