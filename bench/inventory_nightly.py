"""The nightly low-stock read's cost against the catalogue's size: DynamoDB read units consumed reading the sparse
LOW_STOCK index (only (item, location)s below their reorder point) versus a full Scan of the same table, over
10,000 and 100,000 catalogue (item, location) rows of which 50 are low. The sparse read should cost what the
low items cost, whatever the catalogue holds: goal, under 1% of the Scan.

Read units are counted two ways. `billed`: as DynamoDB bills an eventually consistent Query or Scan page, the
sizes of the items it read summed and rounded up to 4 KB, half a unit each (item size per DynamoDB's rules: names
plus values). `moto_reported`: the ConsumedCapacity moto returns with ReturnConsumedCapacity=TOTAL, which is a flat
figure per request whatever it read, so it counts requests, not bytes; it is shown beside, not relied on (only
the Query and Scan requests ask for it: the 50 GetItems of `sparse_query_and_items` add nothing to it).

`sparse_query_and_items` is what ordering's seam reads (`DynamoReorderNeeds`): the index page, then each low
item's record for its name, pack size and offers. Loading 100,000 rows into moto takes ~8 minutes and its Scan
~12 (the whole run ~23 minutes on a shared 2-core machine); INVENTORY_BENCH_SIZES=10000 for a quick run."""

import json
import math
import os
import sys
import time
from decimal import Decimal
from typing import Any

from bench.support import RESULTS, local_environment

SIZES = tuple(int(n) for n in os.environ.get("INVENTORY_BENCH_SIZES", "10000,100000").split(","))
LOW = 50
LOCATIONS = 4  # each item is stocked at four locations: rows = items x 4
PRACTICE = "bench"
local_environment()


def item_size(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB counts it (wire format): each attribute's name plus its value."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: dict[str, Any]) -> int:
    (kind, inner), = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        digits = len(str(Decimal(inner)).lstrip("-").replace(".", "").lstrip("0")) or 1
        return math.ceil(digits / 2) + 1
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + _value_size(v) for v in inner)
    if kind == "M":
        return 3 + sum(len(k.encode()) + 1 + _value_size(v) for k, v in inner.items())
    return len(str(inner))


class ReadMeter:
    """Watches a client: asks every Query and Scan for its ConsumedCapacity, and adds up the read units."""

    def __init__(self, client) -> None:
        self.client = client
        self.reset()
        client.meta.events.register("before-parameter-build.dynamodb.Query", self._ask)
        client.meta.events.register("before-parameter-build.dynamodb.Scan", self._ask)
        client.meta.events.register("after-call.dynamodb", self._count)

    def reset(self) -> None:
        self.requests, self.items, self.billed, self.reported = 0, 0, 0.0, 0.0

    @staticmethod
    def _ask(params, **_: Any) -> None:
        params["ReturnConsumedCapacity"] = "TOTAL"

    def _count(self, http_response=None, parsed=None, model=None, **_: Any) -> None:
        if model.name not in ("Query", "Scan", "GetItem", "BatchGetItem"):
            return
        self.requests += 1
        raw = json.loads(http_response.content) if http_response is not None else {}
        found = raw.get("Items") or ([raw["Item"]] if raw.get("Item") else [])
        self.items += len(found)
        page_bytes = sum(item_size(item) for item in found)
        self.billed += max(1, math.ceil(page_bytes / 4096)) * 0.5
        self.reported += float((parsed or {}).get("ConsumedCapacity", {}).get("CapacityUnits", 0))

    def take(self) -> dict[str, Any]:
        taken = {"requests": self.requests, "items_read": self.items, "billed_read_units": self.billed,
                 "moto_reported_read_units": self.reported}
        self.reset()
        return taken


def _catalogue(table, rows: int) -> None:
    """`rows` (item, location) levels over rows/4 items, each item with its catalogue record; LOW of the levels
    below their reorder point (on LOW_STOCK). Batch-written straight to the table: the rows are what many
    movements would have left."""
    from functions.core.table import serialize
    from functions.inventory.dynamo import keys
    from functions.inventory.dynamo.stock import level_row
    from functions.inventory.models.stock import Level

    client, batch, written = table.dynamodb, [], 0
    every = rows // LOW

    def put(row: dict) -> None:
        nonlocal batch
        batch.append({"PutRequest": {"Item": serialize(row)}})
        if len(batch) == 25:
            client.batch_write_item(RequestItems={table.name: batch})
            batch = []

    for n in range(rows // LOCATIONS):
        item_id = f"ITEM{n:07d}"
        put({"pk": keys.item_pk(PRACTICE, item_id), "sk": keys.ITEM, "kind": "INVENTORY_ITEM", "id": item_id,
             "practice_id": PRACTICE, "name": f"Supply {n}", "category": "consumables", "unit_of_use": "each",
             "pack_size": 100, "version": 1, "created_at": "2026-11-01T00:00:00.000Z",
             "updated_at": "2026-11-01T00:00:00.000Z", "offers": [{"supplier_id": "SUP1", "pack_price_cents": 1299,
                                                                   "lead_time_days": 3, "preferred": True}],
             "gsi1pk": keys.items_index(PRACTICE), "gsi1sk": keys.by_name(f"Supply {n}", item_id)})
        for location in range(LOCATIONS):
            low = written % every == 0 and written // every < LOW
            put(level_row(Level(practice_id=PRACTICE, item_id=item_id, location_id=f"LOC{location}",
                                on_hand=5 if low else 80, reorder_point=20, par_level=100, version=1, seq=3)))
            written += 1
    if batch:
        client.batch_write_item(RequestItems={table.name: batch})


def measure(rows: int) -> dict[str, Any]:
    from moto import mock_aws

    from functions.core import settings
    from functions.core import table as tables
    from functions.core.audit_store import AuditStore
    from functions.inventory.dynamo.seam import DynamoReorderNeeds
    from functions.inventory.dynamo.stock import DynamoStockWatch
    from infra.catalog import CATALOG
    from localcloud import moto_patches
    from localcloud.provision import provision

    moto_patches.install()
    with mock_aws():
        os.environ.update(provision(CATALOG).environment("inventory"))
        settings.settings.cache_clear()
        tables.client.cache_clear()
        table = tables.Table()
        started = time.perf_counter()
        _catalogue(table, rows)
        loaded = time.perf_counter() - started
        meter = ReadMeter(table.dynamodb)

        low, cursor = [], None
        while True:
            page, cursor = DynamoStockWatch(table).below_reorder_point(PRACTICE, cursor, 100)
            low += page
            if cursor is None:
                break
        sparse = meter.take()
        lines, cursor = [], None
        while True:
            page, cursor = DynamoReorderNeeds(table, AuditStore(table)).below_reorder_point(PRACTICE, cursor, 100)
            lines += page
            if cursor is None:
                break
        with_items = meter.take()

        started = time.perf_counter()
        start: dict[str, Any] = {}
        while True:
            page = table.dynamodb.scan(TableName=table.name, **start)
            if "LastEvaluatedKey" not in page:
                break
            start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
        scan = meter.take()
        scanned = time.perf_counter() - started
        tables.client.cache_clear()
    assert len(low) == LOW and len(lines) == LOW, (len(low), len(lines))
    return {"rows": rows, "low": len(low), "load_seconds": round(loaded, 1), "scan_seconds": round(scanned, 1),
            "sparse_index_query": sparse, "sparse_query_and_items": with_items, "full_scan": scan,
            "ratio_billed": round(sparse["billed_read_units"] / scan["billed_read_units"], 6),
            "ratio_billed_with_items": round(with_items["billed_read_units"] / scan["billed_read_units"], 6),
            "ratio_moto_reported": round(sparse["moto_reported_read_units"] / scan["moto_reported_read_units"], 6)}


def main() -> None:
    results: dict[str, Any] = {"low": LOW, "locations_per_item": LOCATIONS, "goal": "ratio under 0.01",
                               "rows": {}}
    for rows in SIZES:
        row = results["rows"][str(rows)] = measure(rows)
        print(f"{rows:>7} rows, {row['low']} low: sparse {row['sparse_index_query']['billed_read_units']:>6} RU "
              f"(+items {row['sparse_query_and_items']['billed_read_units']}), scan "
              f"{row['full_scan']['billed_read_units']:>8} RU, ratio {row['ratio_billed']:.4%} "
              f"({row['ratio_billed_with_items']:.4%} with items); moto's flat figure "
              f"{row['ratio_moto_reported']:.4%}; load {row['load_seconds']} s", file=sys.stderr)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "inventory_nightly.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
