"""The audit trail in DynamoDB: one chain per practice, appended in the same transaction as the change.

Access patterns:
    head            GetItem  pk=PRACTICE#p#AUDIT sk=HEAD            (once per container, then cached)
    append          TransactWriteItems: the caller's writes + head compare-and-set + new entry
    entries(after)  Query    pk=PRACTICE#p#AUDIT sk BETWEEN ENTRY#n AND ENTRY#~
    of a patient    Query    gsi1pk=PRACTICE#p#AUDIT_OF#<patient>   (who saw or changed my record), by time
    by a user       Query    gsi2pk=PRACTICE#p#AUDIT_BY#<actor>     (what one user did), by time
    seq at a time   GetItem  ENTRY#<n>, a binary search over seq (entries are appended in time order)
    registry        the first append of a practice also puts its registry entry (keys.registry_item)

Audit items are append-only: no role may UpdateItem or DeleteItem in a practice's audit partition (an IAM
Deny, infra/iam.py), so the head moves by a conditional Put, never an Update.
"""

import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from functions.core.audit import GENESIS, AuditDraft, AuditEntry, chain
from functions.core.errors import Conflict
from functions.core.events import DomainEvent, outbox_put
from functions.core.keys import collection_pk, registry_item
from functions.core.table import Item, Operation, Put, Table, TransactionCancelled

AUDIT = "AUDIT"
HEAD_SK = "HEAD"
VERIFIED_SK = "VERIFIED"
# Appends to one practice's chain are serialized on its head item; under a burst each loser retries with
# capped, jittered backoff. 16 attempts ride out ~30 simultaneous writers to one practice.
ATTEMPTS = 16


def entry_sk(seq: int) -> str:
    return f"ENTRY#{seq:012d}"


def by_time_sk(entry: AuditEntry) -> str:
    """The sort key of both time indexes: when, then seq, so entries of one millisecond keep their order."""
    return f"{entry.at}#{entry.seq:012d}"


def index_keys(entry: AuditEntry) -> dict[str, str]:
    """The index attributes of an entry's item (not chained: the hash is over the entry's fields only). A backfill
    of entries written before an index existed puts the same item again with these added."""
    keys = {"gsi2pk": collection_pk(entry.practice_id, "AUDIT_BY", entry.actor), "gsi2sk": by_time_sk(entry)}
    if "#" in entry.actor:  # never from a sign-in id; such an actor is simply not indexed
        keys = {}
    if entry.subject_patient_id:
        keys |= {"gsi1pk": collection_pk(entry.practice_id, "AUDIT_OF", entry.subject_patient_id),
                 "gsi1sk": by_time_sk(entry)}
    return keys


@dataclass(frozen=True)
class AuditListing:
    """One page of entries, newest first, and where the next page starts (None: this was the last)."""

    entries: list[AuditEntry]
    next_start: dict | None


class AuditStore:
    def __init__(self, table: Table) -> None:
        self.table = table
        self._heads: dict[str, tuple[int, str]] = {}  # practice -> last known (seq, hash)

    def head(self, practice_id: str, consistent: bool = True) -> tuple[int, str]:
        item = self.table.get(collection_pk(practice_id, AUDIT), HEAD_SK, consistent=consistent)
        return (int(item["seq"]), item["hash"]) if item else (0, GENESIS)

    def record(self, entry: AuditDraft) -> AuditEntry:
        """An audited read: the entry alone."""
        return self.commit(entry, writes=())

    def commit(self, entry: AuditDraft, writes: Sequence[Operation] = (),
               events: Sequence[DomainEvent] = ()) -> AuditEntry:
        """Apply `writes`, the audit entry and the outbox events in one transaction.

        The head is a compare-and-set: when another request appended first, the cancelled
        transaction returns the new head and we chain after it and try again."""
        practice_id = entry.practice_id
        pk = collection_pk(practice_id, AUDIT)
        fixed = [*writes, *(outbox_put(e) for e in events)]
        for attempt in range(ATTEMPTS):
            if practice_id not in self._heads:
                self._heads[practice_id] = self.head(practice_id)
            seq, last_hash = self._heads[practice_id]
            chained = chain(seq, last_hash, entry)
            head_update = Put(
                item={"pk": pk, "sk": HEAD_SK, "kind": "AUDIT_HEAD", "seq": chained.seq, "hash": chained.hash},
                condition="#seq = :old" if seq else "attribute_not_exists(pk)",
                names={"#seq": "seq"} if seq else {},
                values={":old": seq} if seq else {},
                return_old_on_conflict=True,
            )
            operations = [*fixed, head_update, Put(self._item(chained), "attribute_not_exists(pk)")]
            if seq == 0:  # a practice's first entry also enters it in the registry the nightly jobs walk
                operations.append(Put(registry_item(practice_id)))
            try:
                self.table.transact(operations)
            except TransactionCancelled as cancelled:
                head_index = len(fixed)
                # the head moved (or, equivalently, the entry we meant to add exists): chain after the new head
                if {head_index, head_index + 1} & set(cancelled.failed_at()) or cancelled.contended:
                    old = cancelled.reasons[head_index][1] if head_index < len(cancelled.reasons) else None
                    if old and "seq" in old:
                        self._heads[practice_id] = (int(old["seq"]), old["hash"])
                    else:
                        self._heads.pop(practice_id, None)
                    time.sleep(random.uniform(0, min(0.2, 0.005 * 2**attempt)))  # noqa: S311 - jitter, not crypto
                    continue
                raise
            self._heads[practice_id] = (chained.seq, chained.hash)
            return chained
        raise Conflict("the audit trail is busy; retry", code="audit_contention")

    def entries(self, practice_id: str, after_seq: int = 0, page_size: int = 500) -> Iterator[Item]:
        start_key = None
        while True:
            page = self.table.query(
                collection_pk(practice_id, AUDIT),
                sk_between=(entry_sk(after_seq + 1), "ENTRY#~"),
                consistent=True, limit=page_size, start_key=start_key,
            )
            yield from page.items
            if not page.last_key:
                return
            start_key = page.last_key

    def entry(self, practice_id: str, seq: int) -> Item | None:
        return self.table.get(collection_pk(practice_id, AUDIT), entry_sk(seq), consistent=True)

    def about_patient(self, practice_id: str, patient_id: str, since: str, until: str, limit: int,
                      start: dict | None = None) -> AuditListing:
        """Query gsi1 AUDIT_OF#<patient>, gsi1sk BETWEEN `since` AND `until`~, newest first, one page."""
        return self._between("gsi1", collection_pk(practice_id, "AUDIT_OF", patient_id), since, until, limit, start)

    def by_actor(self, practice_id: str, actor: str, since: str, until: str, limit: int,
                 start: dict | None = None) -> AuditListing:
        """Query gsi2 AUDIT_BY#<actor>, gsi2sk BETWEEN `since` AND `until`~, newest first, one page."""
        return self._between("gsi2", collection_pk(practice_id, "AUDIT_BY", actor), since, until, limit, start)

    def _between(self, index: str, pk: str, since: str, until: str, limit: int, start: dict | None) -> AuditListing:
        # `since` and `until` are prefixes of ISO times ("2026-03-02", or a whole time): `until`~ takes in every
        # entry whose time begins with it
        page = self.table.query(pk, index=index, sk_between=(since, until + "~"), forward=False, limit=limit,
                                start_key=start)
        return AuditListing([AuditEntry.model_validate(item) for item in page.items], page.last_key)

    def seq_at(self, practice_id: str, at: str) -> int:
        """The seq of the first entry written at or after `at` (the head's seq + 1 when none was): GetItem of the
        head, then a binary search of GetItem ENTRY#<n> (about 17 for 100,000 entries). Entries are appended in
        the order of their times, give or take the milliseconds between a request's clock and its commit."""
        low, high = 1, self.head(practice_id)[0] + 1
        while low < high:
            middle = (low + high) // 2
            entry = self.entry(practice_id, middle)
            if entry is not None and str(entry.get("at", "")) < at:
                low = middle + 1
            else:
                high = middle
        return low

    def run(self, practice_id: str, first_seq: int, last_seq: int) -> Iterator[dict]:
        """The stored entries first_seq..last_seq in seq order, their chained fields as written (a tampered one
        included, so an export shows what is there): Query AUDIT sk BETWEEN ENTRY#first AND ENTRY#last
        (consistent, paged)."""
        if last_seq < first_seq:
            return
        start_key = None
        while True:
            page = self.table.query(collection_pk(practice_id, AUDIT), sk_between=(entry_sk(first_seq),
                                                                                    entry_sk(last_seq)),
                                    consistent=True, limit=1000, start_key=start_key)
            for item in page.items:
                yield {name: item.get(name) for name in AuditEntry.model_fields}
            if not page.last_key:
                return
            start_key = page.last_key

    def backfill_indexes(self, practice_id: str) -> int:
        """Entries written before an index existed (gsi2, by user) put again with their index keys: Query AUDIT
        (consistent, paged), then a PutItem of each entry that lacks one, conditioned on its stored hash, so only
        the keys change and nothing written meanwhile is overwritten. Idempotent; returns how many were put. An
        operator's or job's role runs it: no request path rewrites an entry."""
        count = 0
        for item in self.entries(practice_id):
            keys = index_keys(AuditEntry.model_validate(item))
            if all(item.get(name) == value for name, value in keys.items()):
                continue
            self.table.put({**item, **keys}, condition="#hash = :hash", names={"#hash": "hash"},
                           values={":hash": item["hash"]})
            count += 1
        return count

    def checkpoint(self, practice_id: str) -> tuple[int, str]:
        item = self.table.get(collection_pk(practice_id, AUDIT), VERIFIED_SK, consistent=True)
        return (int(item["seq"]), item["hash"]) if item else (0, GENESIS)

    def save_checkpoint(self, practice_id: str, seq: int, last_hash: str, at: str) -> None:
        self.table.put({"pk": collection_pk(practice_id, AUDIT), "sk": VERIFIED_SK, "kind": "AUDIT_CHECKPOINT",
                        "seq": seq, "hash": last_hash, "at": at})

    def _item(self, entry: AuditEntry) -> Item:
        return {"pk": collection_pk(entry.practice_id, AUDIT), "sk": entry_sk(entry.seq), "kind": "AUDIT_ENTRY",
                **entry.model_dump(), **index_keys(entry)}
