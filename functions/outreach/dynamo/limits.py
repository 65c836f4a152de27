"""DynamoDB adapter of RateLimits: a counter item per bucket and window, gone by TTL after the window."""

from datetime import datetime, timedelta

from functions.core.errors import DomainError
from functions.core.table import Table, Update
from functions.outreach.dynamo import keys


class _Spent(DomainError):
    status = 429


class DynamoRateLimits:
    def __init__(self, table: Table) -> None:
        self.table = table

    def spend(self, practice_id: str, bucket: str, limit: int, window: timedelta, now: datetime) -> bool:
        """UpdateItem (one-item transaction) OUTREACH_LIMIT#<bucket>/WINDOW#<start>: hits+1 where hits < limit,
        ttl one window after it ends. False when the window is full (nothing changes)."""
        size = int(window.total_seconds())
        start = int(now.timestamp()) // size * size
        update = Update({"pk": keys.limit_pk(practice_id, bucket), "sk": f"WINDOW#{start}"},
                        "SET #ttl = :ttl, #kind = :kind ADD #hits :one",
                        {"#ttl": "ttl", "#hits": "hits", "#kind": "kind"},
                        {":ttl": start + 2 * size, ":one": 1, ":limit": limit, ":kind": "OUTREACH_LIMIT"},
                        condition="attribute_not_exists(#hits) OR #hits < :limit", on_conflict=_Spent("spent"))
        try:
            self.table.transact([update])
        except _Spent:
            return False
        return True
