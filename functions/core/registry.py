"""The practice registry: every practice the system holds, for the jobs that walk them all. A practice enters
it with its first audited change (core.audit_store puts keys.registry_item in the same transaction)."""

from functions.core.keys import PRACTICES_PK
from functions.core.table import Table


def practice_ids(table: Table) -> list[str]:
    """Access pattern: Query gsi1pk=PRACTICES (the small practice registry), all pages; and the registry's
    old table partition pk=PRACTICES, where practices registered before it moved to gsi1 still are."""
    ids: dict[str, None] = {}
    for index in ("gsi1", None):
        start_key = None
        while True:
            page = table.query(PRACTICES_PK, index=index, start_key=start_key)
            ids |= dict.fromkeys(item["practice_id"] for item in page.items)
            if not page.last_key:
                break
            start_key = page.last_key
    return list(ids)
