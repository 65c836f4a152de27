"""Bytes a patient and an audit entry take in the table, measured: the records API's real handler on moto
registers, reads and updates patients, then every item is sized by DynamoDB's rules (attribute names plus
values). The cost model (bench/pricing/usage.py) grows the table, its PITR and every backup from these."""

import json
import os
from collections import defaultdict
from decimal import Decimal

from bench.support import RESULTS, local_environment

local_environment()

PATIENTS = 20
READS_PER_PATIENT = 3


def item_bytes(item: dict) -> int:
    """An item's size as DynamoDB bills it: each attribute's name and value (numbers about a byte per two digits)."""
    return sum(len(name.encode()) + _value_bytes(value) for name, value in item.items())


def _value_bytes(value) -> int:
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, bool) or value is None:
        return 1
    if isinstance(value, int | float | Decimal):
        return len(str(value).lstrip("-").replace(".", "")) // 2 + 1
    if isinstance(value, bytes | bytearray):
        return len(value)
    if isinstance(value, dict):
        return 3 + sum(len(k.encode()) + _value_bytes(v) + 1 for k, v in value.items())
    if isinstance(value, list | set | tuple):
        return 3 + sum(_value_bytes(v) + 1 for v in value)
    return len(str(value).encode())


def main() -> None:
    from moto import mock_aws

    from functions.core import settings
    from functions.records import wiring as records_wiring
    from functions.records.handler import handler
    from infra.catalog import CATALOG
    from localcloud import moto_patches
    from localcloud.provision import provision
    from tests.support import LambdaContext, api_event, claims

    moto_patches.install()
    with mock_aws():
        resources = provision(CATALOG)
        os.environ.update(resources.environment("records"))
        settings.settings.cache_clear()
        records_wiring.reset()
        desk = claims("front_desk", "bench")

        def call(method: str, path: str, body=None, headers=None) -> dict:
            response = handler(api_event(method, path, body=body, claims=desk, headers=headers), LambdaContext())
            assert response["statusCode"] < 300, response
            return json.loads(response["body"]) if response["body"] else {}

        for n in range(PATIENTS):
            patient = call("POST", "/patients", {
                "given_name": f"Bench{n}", "family_name": "Marker", "birth_date": "1980-01-01",
                "phone": f"+1415555{n:04d}", "email": f"bench{n}@example.org", "gender": "female",
                "address": {"lines": ["1 Main Street"], "city": "Springfield", "state": "IL", "postal_code": "62701",
                            "country": "US"},
                "contacts": [{"name": "Sam Marker", "relationship": "spouse", "phone": "+14155559999"}]})
            for _ in range(READS_PER_PATIENT):
                call("GET", f"/patients/{patient['id']}")
            call("PATCH", f"/patients/{patient['id']}", {"preferred_name": "B"},
                 headers={"If-Match": f'"{patient["version"]}"'})
        items = _scan(resources)
    by_kind: dict[str, list[int]] = defaultdict(list)
    indexed: dict[str, list[int]] = defaultdict(list)
    for item in items:
        kind = str(item.get("kind") or item["sk"].split("#")[0])
        by_kind[kind].append(item_bytes(item))
        indexed[kind].append(sum(1 for name in item if name.startswith("gsi") and name.endswith("pk")))
    kinds = {kind: {"items": len(sizes), "mean_bytes": round(sum(sizes) / len(sizes)), "max_bytes": max(sizes),
                    "mean_indexes": round(sum(indexed[kind]) / len(sizes), 2)}
             for kind, sizes in sorted(by_kind.items())}
    audit = kinds.get("AUDIT_ENTRY", {})
    others = sum(row["items"] * row["mean_bytes"] for kind, row in kinds.items() if not kind.startswith("AUDIT"))
    result = {
        "measured_on": f"moto, records API handler: {PATIENTS} patients registered, each read "
                       f"{READS_PER_PATIENT} times and updated once; sizes by DynamoDB's item-size rules",
        "audit_entry_bytes": audit.get("mean_bytes"),
        "patient_bytes_without_audit": round(others / PATIENTS),
        "kinds": kinds,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "item_sizes.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "kinds"}, indent=2))
    for kind, row in kinds.items():
        print(f"  {kind:28} {row}")


def _scan(resources) -> list[dict]:
    import boto3

    table = boto3.resource("dynamodb").Table(resources.table_name)
    items, start = [], {}
    while True:
        page = table.scan(**start)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}


if __name__ == "__main__":
    main()
