"""The privacy officer's audit views on a grown trail: DynamoDB requests (and items read) for a page of one
patient's entries, a page of one user's, and an export part of one day and of 31 days, on trails of 10,000 and
100,000 entries spread over 40 days. A view reads one index page whatever the trail's size; an export finds its
ends by a binary search (GetItems grow with log2 of the trail) and then reads only its own run of the chain."""

import json
import os
import time
from datetime import UTC, date, datetime, timedelta

from bench.support import RESULTS, RequestCounter, local_environment

SIZES = (10_000, 100_000)
DAYS = 40
FIRST_DAY = datetime(2026, 1, 1, tzinfo=UTC)
local_environment()


def _write_trail(table, practice: str, count: int) -> None:
    """Chained entries written straight to the table with their index keys (as many appends would have)."""
    from functions.core.audit import GENESIS, AuditDraft, chain
    from functions.core.audit_store import HEAD_SK, AuditStore
    from functions.core.keys import collection_pk
    from functions.core.table import serialize

    store = AuditStore(table)
    seq, previous, batch = 0, GENESIS, []
    step = timedelta(days=DAYS) / count
    for n in range(count):
        at = (FIRST_DAY + step * n).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        entry = chain(seq, previous, AuditDraft(
            practice_id=practice, actor=f"user-{n % 20}", role="front_desk", action="patient.read",
            entity="PATIENT", entity_id=f"pat-{n % 2000}", request_id=f"req-{n}", at=at,
            subject_patient_id=f"pat-{n % 2000}", route="GET /patients/{patient_id}"))
        seq, previous = entry.seq, entry.hash
        batch.append({"PutRequest": {"Item": serialize(store._item(entry))}})
        if len(batch) == 25:
            table.dynamodb.batch_write_item(RequestItems={table.name: batch})
            batch = []
    if batch:
        table.dynamodb.batch_write_item(RequestItems={table.name: batch})
    table.put({"pk": collection_pk(practice, "AUDIT"), "sk": HEAD_SK, "kind": "AUDIT_HEAD", "seq": seq,
               "hash": previous})


def measure(size: int) -> dict:
    from moto import mock_aws

    from functions.compliance.audit_export import AuditExport
    from functions.compliance.audit_views import AuditViews
    from functions.core import settings, table
    from functions.core.audit_store import AuditStore
    from functions.core.auth import Caller, Role
    from infra.catalog import CATALOG
    from localcloud import moto_patches
    from localcloud.provision import provision

    moto_patches.install()
    with mock_aws():
        os.environ.update(provision(CATALOG).environment("compliance"))
        settings.settings.cache_clear()
        table.client.cache_clear()
        trail = table.Table()
        _write_trail(trail, "bench", size)
        store = AuditStore(trail)
        officer = Caller(user_id="po-1", practice_id="bench", roles=frozenset({Role.PRIVACY_OFFICER}))
        views = AuditViews(store, store, lambda: b"k" * 32)
        export = AuditExport(store, store, lambda: b"k" * 32)
        store.head("bench")
        counter = RequestCounter().watch(trail.dynamodb)
        results = {}
        month = (date(2026, 1, 5), date(2026, 2, 4))
        for name, run in (
            ("patient_page_50", lambda: views.of_patient(officer, "pat-7", *month, 50, None)),
            ("user_page_50", lambda: views.of_user(officer, "user-3", *month, 50, None)),
            ("export_one_day", lambda: export.export(officer, date(2026, 1, 10), date(2026, 1, 10), None)),
            ("export_31_days_first_part", lambda: export.export(officer, *month, None)),
        ):
            counter.take()
            counter.take_reads()
            started = time.perf_counter()
            answer = run()
            seconds = time.perf_counter() - started
            calls = counter.take()
            items, _ = counter.take_reads()
            row = {"requests": sum(calls.values()), "by_operation": calls, "items_read": items,
                   "seconds_on_moto": round(seconds, 2)}
            if hasattr(answer, "text"):
                row |= {"rows": answer.rows, "csv_bytes": len(answer.text.encode()),
                        "more_parts": answer.next_page_token is not None}
            else:
                row["entries"] = len(answer.entries)
            results[name] = row
        table.client.cache_clear()
    return results


def main() -> None:
    results = {"days": DAYS, "trail": {}}
    for size in SIZES:
        results["trail"][str(size)] = rows = measure(size)
        for name, row in rows.items():
            print(f"{size:>7} entries  {name:<27} {row['requests']:>3} requests {row['by_operation']}  "
                  f"{row.get('rows', row.get('entries'))} rows  {row.get('csv_bytes', '')}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "audit_views.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
