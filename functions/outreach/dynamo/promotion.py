"""The promotion's adapters on the single table: its ledger of sends, its run and its reach report, and the
notifications delivery log read for the report. The only module of the promotion that knows keys.

Layout, one partition per promoted workshop:
    pk = PRACTICE#<p>#PROMOTION#<workshop>   sk = RUN                    version, outcome
                                             sk = SENT#<kind>#<person>   one per message sent (exactly once)
                                             sk = REPORT                 the reach report
"""

from collections.abc import Sequence

from functions.core.events import outbox_put
from functions.core.keys import entity_pk
from functions.core.table import Item, Operation, Put, Table, TransactionCancelled, Update
from functions.notifications.dynamo.messages import DynamoMessageLog
from functions.notifications.models.messages import Source
from functions.outreach.models.promotion import TEMPLATES, PromotionRun, ReachReport, Send

RUN_SK = "RUN"
REPORT_SK = "REPORT"
SENT_PREFIX = "SENT#"
# each send is two operations (its record and its outbox event): 45 keep a transaction under DynamoDB's 100
# items. Nothing else is in it, so the Map's parallel batches never contend on one item.
PER_TRANSACTION = 45


def promotion_pk(practice_id: str, workshop_id: str) -> str:
    return entity_pk(practice_id, "PROMOTION", workshop_id)


class DynamoPromotionLedger:
    """PromotionLedger on the table."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def send(self, practice_id: str, workshop_id: str, sends: Sequence[Send]) -> int:
        """TransactWrite per 45 sends: Put SENT#<kind>#<person> (attribute_not_exists) with its outbox event.
        When some were sent before (a retried step), the cancellation names them: the rest go again without
        them (one more transaction), so their events are never written twice."""
        pk = promotion_pk(practice_id, workshop_id)
        new = 0
        for start in range(0, len(sends), PER_TRANSACTION):
            pending = list(sends[start:start + PER_TRANSACTION])
            while pending:
                try:
                    self.table.transact(self._writes(pk, pending))
                except TransactionCancelled as cancelled:
                    # operations alternate record, event: a record that exists fails at an even index
                    sent_before = {index // 2 for index in cancelled.failed_at() if index % 2 == 0}
                    if not sent_before:
                        raise  # contention, not a repeat: the step's Retry runs it again
                    pending = [one for n, one in enumerate(pending) if n not in sent_before]
                    continue
                new += len(pending)
                break
        return new

    @staticmethod
    def _writes(pk: str, sends: Sequence[Send]) -> list[Operation]:
        writes: list[Operation] = []
        for one in sends:
            writes += [Put({"pk": pk, "sk": f"{SENT_PREFIX}{one.kind}#{one.person}", "kind": "PROMOTION_SENT",
                            "person": one.person, "message_id": one.event.entity_id}, "attribute_not_exists(pk)"),
                       outbox_put(one.event)]
        return writes

    def count(self, practice_id: str, workshop_id: str, kind: str) -> int:
        """Query pk=PRACTICE#p#PROMOTION#w, begins_with(sk, SENT#<kind>#), all pages (small items: a few
        requests for thousands)."""
        pk = promotion_pk(practice_id, workshop_id)
        total, start = 0, None
        while True:
            page = self.table.query(pk, sk_prefix=f"{SENT_PREFIX}{kind}#", start_key=start, consistent=True)
            total += len(page.items)
            if not page.last_key:
                return total
            start = page.last_key

    def sent_to(self, practice_id: str, workshop_id: str, kind: str, cursor: str | None = None,
                limit: int = 100) -> tuple[list[str], str | None]:
        """Query pk=PRACTICE#p#PROMOTION#w, begins_with(sk, SENT#<kind>#), in person order."""
        pk = promotion_pk(practice_id, workshop_id)
        start = {"pk": pk, "sk": f"{SENT_PREFIX}{kind}#{cursor}"} if cursor else None
        page = self.table.query(pk, sk_prefix=f"{SENT_PREFIX}{kind}#", limit=limit, start_key=start, consistent=True)
        people = [item["person"] for item in page.items]
        return people, (people[-1] if page.last_key and people else None)

    def run(self, practice_id: str, workshop_id: str) -> PromotionRun | None:
        """GetItem RUN (consistent)."""
        item = self.table.get(promotion_pk(practice_id, workshop_id), RUN_SK, consistent=True)
        return PromotionRun.model_validate(item) if item else None

    def begin(self, practice_id: str, workshop_id: str, version: int, at: str) -> None:
        """UpdateItem RUN: this publication's version, running (the counts stay)."""
        self._set_run(practice_id, workshop_id, {"version": version, "outcome": "running", "updated_at": at})

    def end(self, practice_id: str, workshop_id: str, outcome: str, at: str) -> None:
        """UpdateItem RUN: how the run ended."""
        self._set_run(practice_id, workshop_id, {"outcome": outcome, "updated_at": at})

    def _set_run(self, practice_id: str, workshop_id: str, attributes: Item) -> None:
        attributes = {**attributes, "workshop_id": workshop_id, "kind": "PROMOTION_RUN"}
        names = {f"#a{n}": name for n, name in enumerate(attributes)}
        values = {f":a{n}": value for n, value in enumerate(attributes.values())}
        self.table.transact([Update(key={"pk": promotion_pk(practice_id, workshop_id), "sk": RUN_SK},
                                    expression="SET " + ", ".join(f"#a{n} = :a{n}" for n in range(len(names))),
                                    names=names, values=values)])

    def save_report(self, practice_id: str, report: ReachReport) -> None:
        """PutItem REPORT (the latest report replaces the one before)."""
        self.table.put({"pk": promotion_pk(practice_id, report.workshop_id), "sk": REPORT_SK,
                        "kind": "REACH_REPORT", **report.model_dump(mode="json")})

    def report(self, practice_id: str, workshop_id: str) -> ReachReport | None:
        """GetItem REPORT."""
        item = self.table.get(promotion_pk(practice_id, workshop_id), REPORT_SK, consistent=True)
        return ReachReport.model_validate(item) if item else None


class NotificationsDeliveryLog:
    """DeliveryLog on notifications' log: the messages about a workshop (its source index), all pages."""

    def __init__(self, table: Table) -> None:
        self.log = DynamoMessageLog(table)

    def delivered(self, practice_id: str, workshop_id: str) -> int:
        """Query gsi2pk=PRACTICE#p#NOTIFY_SOURCE#outreach#workshop#<w>, all pages: the invitations sent."""
        source = Source(area="outreach", entity="workshop", entity_id=workshop_id)
        count, start = 0, None
        while True:
            listing = self.log.about(practice_id, source, 500, start)
            count += sum(1 for m in listing.items if m.template == TEMPLATES["invitation"] and m.status == "sent")
            if listing.next_start is None:
                return count
            start = listing.next_start
