"""The nightly audit-chain job's cost as the trail grows: DynamoDB requests and items read when a day
adds 200 entries to a trail that already holds 1,000, 10,000 or 50,000 verified ones. The nightly run
reads from its checkpoint, so its cost should follow the day's entries, not the trail's length; the
weekly full run is measured beside it for contrast."""

import json
import os

from bench.support import RESULTS, RequestCounter, local_environment

SIZES = (1_000, 10_000, 50_000)
NEW_TODAY = 200
local_environment()


def _write_trail(table, practice: str, start_seq: int, last_hash: str, count: int) -> tuple[int, str]:
    """Chained entries written straight to the table (as many appends would have), then the head."""
    from functions.core.audit import AuditDraft, chain
    from functions.core.audit_store import HEAD_SK, AuditStore
    from functions.core.keys import collection_pk

    store = AuditStore(table)
    seq, previous = start_seq, last_hash
    client = table.dynamodb
    batch = []
    for n in range(count):
        entry = chain(seq, previous, AuditDraft(
            practice_id=practice, actor=f"user-{n % 7}", role="front_desk", action="patient.read",
            entity="PATIENT", entity_id=f"pat-{n % 500}", request_id=f"req-{seq}", at="2026-11-26T10:00:00.000Z",
            subject_patient_id=f"pat-{n % 500}"))
        seq, previous = entry.seq, entry.hash
        batch.append({"PutRequest": {"Item": _serialized(store._item(entry))}})
        if len(batch) == 25:
            client.batch_write_item(RequestItems={table.name: batch})
            batch = []
    if batch:
        client.batch_write_item(RequestItems={table.name: batch})
    table.put({"pk": collection_pk(practice, "AUDIT"), "sk": HEAD_SK, "kind": "AUDIT_HEAD", "seq": seq,
               "hash": previous})
    return seq, previous


def _serialized(item):
    from functions.core.table import serialize

    return serialize(item)


def measure(size: int) -> dict:
    from moto import mock_aws

    from functions.compliance.jobs import verify_audit_chains
    from functions.core import settings, table
    from functions.core.audit import GENESIS
    from functions.core.audit_store import AuditStore
    from functions.core.keys import registry_item
    from infra.catalog import CATALOG
    from localcloud import moto_patches
    from localcloud.provision import provision

    moto_patches.install()
    with mock_aws():
        os.environ.update(provision(CATALOG).environment("compliance"))
        settings.settings.cache_clear()
        table.client.cache_clear()
        trail = table.Table()
        trail.put(registry_item("bench"))
        seq, last = _write_trail(trail, "bench", 0, GENESIS, size)
        AuditStore(trail).save_checkpoint("bench", seq, last, "2026-11-25T03:15:00.000Z")
        _write_trail(trail, "bench", seq, last, NEW_TODAY)

        counter = RequestCounter().watch(trail.dynamodb)
        nightly = verify_audit_chains(trail)
        nightly_calls = counter.take()
        weekly = verify_audit_chains(trail, full=True)
        weekly_calls = counter.take()
        table.client.cache_clear()
    return {"nightly": {"requests": sum(nightly_calls.values()), "by_operation": nightly_calls,
                        "entries_read": nightly["entries_checked"], "broken": nightly["broken"]},
            "weekly_full": {"requests": sum(weekly_calls.values()), "by_operation": weekly_calls,
                            "entries_read": weekly["entries_checked"], "broken": weekly["broken"]}}


def main() -> None:
    results = {"new_entries_today": NEW_TODAY, "trail_before_today": {}}
    for size in SIZES:
        results["trail_before_today"][str(size)] = row = measure(size)
        print(f"{size:>6} verified + {NEW_TODAY} new   nightly {row['nightly']['requests']:>3} requests, "
              f"{row['nightly']['entries_read']:>5} entries   weekly {row['weekly_full']['requests']:>4} requests, "
              f"{row['weekly_full']['entries_read']:>6} entries")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "audit_job.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
