"""The waitlist in the table: entries oldest first under one key, open offers in a sparse expiry index."""

from collections.abc import Sequence
from datetime import datetime

from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.errors import stale
from functions.core.events import DomainEvent
from functions.core.keys import collection_pk
from functions.core.table import Put, Table
from functions.scheduling.dynamo.keys import attributes, iso, waitlist_pk
from functions.scheduling.models.waitlist import WaitlistEntry


def entry_put(practice_id: str, entry: WaitlistEntry, expected_version: int | None) -> Put:
    """Put ENTRY#id, new or replacing `expected_version`; an open offer puts it in the expiry index. Also
    rides in a booking's transaction (an accepted offer)."""
    item = {"pk": waitlist_pk(practice_id), "sk": f"ENTRY#{entry.id}", "kind": "WAITLIST_ENTRY",
            **attributes(entry)}
    if entry.status == "offered" and entry.offer:
        item |= {"gsi1pk": collection_pk(practice_id, "OFFER_EXPIRY"),
                 "gsi1sk": f"{entry.offer.expires_at}#{entry.id}"}
    changed = stale("waitlist entry")
    if expected_version is None:
        return Put(item, "attribute_not_exists(pk)", on_conflict=changed)
    return Put(item, "#version = :expected", names={"#version": "version"},
               values={":expected": expected_version}, on_conflict=changed)


class DynamoWaitlist:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table = table
        self.audit = audit

    def entries(self, practice_id: str) -> list[WaitlistEntry]:
        """Query pk=PRACTICE#p#WAITLIST (consistent, all pages): entries oldest first."""
        items = self.table.query_all(waitlist_pk(practice_id), consistent=True)
        return [WaitlistEntry.model_validate(item) for item in items]

    def entry(self, practice_id: str, entry_id: str) -> WaitlistEntry | None:
        """GetItem pk=PRACTICE#p#WAITLIST sk=ENTRY#id."""
        item = self.table.get(waitlist_pk(practice_id), f"ENTRY#{entry_id}", consistent=True)
        return WaitlistEntry.model_validate(item) if item else None

    def expired_offers(self, practice_id: str, now: datetime, limit: int = 100) -> list[WaitlistEntry]:
        """Query gsi1pk=PRACTICE#p#OFFER_EXPIRY gsi1sk <= now: sparse, only open offers past their expiry."""
        page = self.table.query(collection_pk(practice_id, "OFFER_EXPIRY"), index="gsi1",
                                sk_between=("0", f"{iso(now)}#~"), limit=limit)
        return [WaitlistEntry.model_validate(item) for item in page.items]

    def save(self, practice_id: str, entry: WaitlistEntry, expected_version: int | None, audit: AuditDraft,
             events: Sequence[DomainEvent] = ()) -> None:
        """Put ENTRY#id (see entry_put), with its audit entry and events."""
        self.audit.commit(audit, writes=[entry_put(practice_id, entry, expected_version)], events=events)
