"""The inventory API through its Lambda handler on moto: the catalogue, movements with Idempotency-Key, FEFO,
levels with If-Match, the sparse low list and the stock-low event, counts, the expiry watch, the jobs, and 20
concurrent uses of the last units."""

from datetime import UTC, datetime, timedelta

import pytest

from functions.core.auth import Caller, Role
from functions.core.table import Table
from tests.integration.inventory_support import PRACTICE, catalogue, inventory_api
from tests.support import if_match, race

TODAY = datetime.now(UTC).date()


@pytest.fixture
def api(cloud, lambda_context):
    return inventory_api(lambda_context)


def test_the_catalogue_is_kept_by_the_coordinator_and_read_by_staff(api):
    ids = catalogue(api)
    status, items, _ = api("GET", "/items", role="staff", sub="nurse-1")
    assert status == 200 and [i["name"] for i in items["items"]] == ["Flu vaccine", "Nitrile gloves"]
    status, item, headers = api("GET", f"/items/{ids['gloves']}", role="staff", sub="nurse-1")
    assert headers["etag"] == '"1"' and item["offers"][0]["preferred"] is True
    assert api("PATCH", f"/items/{ids['gloves']}", {"pack_size": 50}, role="staff")[0] == 403
    assert api("PATCH", f"/items/{ids['gloves']}", {"pack_size": 50})[0] == 428
    status, changed, headers = api("PATCH", f"/items/{ids['gloves']}", {"pack_size": 50}, headers=if_match(1))
    assert (status, changed["pack_size"], headers["etag"]) == (200, 50, '"2"')
    assert api("PATCH", f"/items/{ids['gloves']}", {"pack_size": 20}, headers=if_match(1))[0] == 412
    assert api("GET", "/items", role="patient", sub="pat-1")[0] == 403
    bad = api("POST", "/items", {"name": "X", "category": "c", "unit_of_use": "each", "pack_size": 0})
    assert bad[0] == 422 and bad[1]["error"]["code"] == "validation_failed"
    unknown = api("POST", "/items", {"name": "X", "category": "c", "unit_of_use": "each", "pack_size": 1,
                                     "offers": [{"supplier_id": "NOPE", "pack_price_cents": 1, "lead_time_days": 1}]})
    assert unknown[0] == 422 and unknown[1]["error"]["code"] == "unknown_supplier"


def test_a_supplier_is_written_with_its_contact_card(api):
    from functions.core.contacts import contact_key

    supplier = catalogue(api)["supplier"]
    key = contact_key(PRACTICE, supplier)
    card = Table().get(key["pk"], key["sk"])
    assert (card["email"], card["channels"], card["owner"]) == ("orders@medsupply.example", ["email"],
                                                               "inventory.supplier")
    api("PATCH", f"/suppliers/{supplier}", {"email": "new@medsupply.example"}, headers=if_match(1))
    assert Table().get(key["pk"], key["sk"])["email"] == "new@medsupply.example"


def test_movements_keep_balances_and_use_takes_the_first_expiring_lot(api):
    ids = catalogue(api)
    receive = {"kind": "receive", "item_id": ids["vaccine"], "location_id": ids["store"]}
    later = (TODAY + timedelta(days=120)).isoformat()
    sooner = (TODAY + timedelta(days=20)).isoformat()
    status, movement, headers = api("POST", "/movements", {**receive, "quantity": 10, "lot": "LATE",
                                                           "expires_on": later}, role="staff", sub="nurse-1")
    assert status == 201 and headers["location"].endswith(f"/items/{ids['vaccine']}/movements/{movement['id']}")
    api("POST", "/movements", {**receive, "quantity": 4, "lot": "SOON", "expires_on": sooner})
    status, used, _ = api("POST", "/movements", {"kind": "use", "item_id": ids["vaccine"], "location_id": ids["store"],
                                                 "quantity": 6, "appointment_id": "appt-1"}, role="practitioner")
    assert status == 201 and [(leg["lot"], leg["delta"]) for leg in used["legs"]] == [("SOON", -4), ("LATE", -2)]
    status, stock, headers = api("GET", f"/stock/{ids['vaccine']}/{ids['store']}", role="front_desk")
    assert (stock["on_hand"], [(b["lot"], b["on_hand"]) for b in stock["lots"]]) == (8, [("LATE", 8)])
    assert api("GET", f"/items/{ids['vaccine']}/movements/{used['id']}")[1]["appointment_id"] == "appt-1"
    ledger = api("GET", f"/items/{ids['vaccine']}/movements", query={"limit": "2"})[1]
    assert [m["id"] for m in ledger["movements"]][0] == used["id"] and ledger["next_cursor"]


def test_a_use_larger_than_stock_is_409_and_changes_nothing(api):
    ids = catalogue(api)
    api("POST", "/movements", {"kind": "receive", "item_id": ids["gloves"], "location_id": ids["cart"],
                               "quantity": 3})
    status, body, _ = api("POST", "/movements", {"kind": "use", "item_id": ids["gloves"], "location_id": ids["cart"],
                                                 "quantity": 4}, role="staff")
    assert status == 409 and body["error"]["code"] == "insufficient_stock"
    assert api("GET", f"/stock/{ids['gloves']}/{ids['cart']}")[1]["on_hand"] == 3
    assert len(api("GET", f"/items/{ids['gloves']}/movements")[1]["movements"]) == 1
    status, body, _ = api("POST", "/movements", {"kind": "use", "item_id": ids["gloves"], "location_id": ids["cart"]})
    assert status == 422


def test_a_retried_movement_with_the_same_idempotency_key_posts_once(api):
    ids = catalogue(api)
    body = {"kind": "receive", "item_id": ids["gloves"], "location_id": ids["store"], "quantity": 100}
    key = {"Idempotency-Key": "delivery-2026-0001"}
    first = api("POST", "/movements", body, headers=key)
    again = api("POST", "/movements", body, headers=key)
    assert first[0] == 201 and again[1]["id"] == first[1]["id"]
    assert api("GET", f"/stock/{ids['gloves']}/{ids['store']}")[1]["on_hand"] == 100
    assert api("POST", "/movements", {**body, "quantity": 5}, headers=key)[0] == 422


def test_levels_need_if_match_and_crossing_below_writes_the_sparse_entry_and_the_event(api):
    ids = catalogue(api)
    gloves, store = ids["gloves"], ids["store"]
    api("POST", "/movements", {"kind": "receive", "item_id": gloves, "location_id": store, "quantity": 30})
    levels = {"reorder_point": 20, "par_level": 100}
    assert api("PUT", f"/stock/{gloves}/{store}/levels", levels, role="staff")[0] == 403
    assert api("PUT", f"/stock/{gloves}/{store}/levels", levels)[0] == 428
    status, view, headers = api("PUT", f"/stock/{gloves}/{store}/levels", levels, headers={"If-None-Match": "*"})
    assert status == 200 and headers["etag"] == '"1"' and view["low"] is False
    assert api("GET", "/stock/low")[1]["below_reorder_point"] == []
    api("POST", "/movements", {"kind": "use", "item_id": gloves, "location_id": store, "quantity": 11})
    low = api("GET", "/stock/low", role="staff")[1]["below_reorder_point"]
    assert [(s["item_id"], s["on_hand"]) for s in low] == [(gloves, 19)]
    events = outbox_events("inventory.stock-low")
    assert [e["data"] for e in events] == [{"item_id": gloves, "location_id": store, "on_hand": 19,
                                            "reorder_point": 20}]
    api("POST", "/movements", {"kind": "receive", "item_id": gloves, "location_id": store, "quantity": 50})
    assert api("GET", "/stock/low")[1]["below_reorder_point"] == []
    assert api("PUT", f"/stock/{gloves}/{store}/levels", levels, headers=if_match(1))[0] == 200


def outbox_events(event_type: str) -> list[dict]:
    from functions.core.keys import collection_pk

    items = Table().query(collection_pk(PRACTICE, "OUTBOX")).items
    return [i["event"] for i in items if i["event"]["type"] == event_type]


def test_a_count_posts_its_variances_as_adjustments(api):
    ids = catalogue(api)
    api("POST", "/movements", {"kind": "receive", "item_id": ids["gloves"], "location_id": ids["cart"],
                               "quantity": 40})
    status, sheet, headers = api("POST", "/counts", {"location_id": ids["cart"]}, role="staff")
    assert status == 201 and [(line["item_id"], line["expected"]) for line in sheet["lines"]] == [(ids["gloves"], 40)]
    counted = {"lines": [{"item_id": ids["gloves"], "lot": "untracked-stock", "counted": 36}]}
    assert api("PATCH", f"/counts/{sheet['id']}", counted, role="staff", headers=if_match(1))[0] == 200
    assert api("POST", f"/counts/{sheet['id']}/post", role="staff", headers=if_match(2))[0] == 403
    status, posted, _ = api("POST", f"/counts/{sheet['id']}/post", headers=if_match(2))
    assert status == 200 and posted["status"] == "posted" and posted["adjustments"] == 1
    assert api("GET", f"/stock/{ids['gloves']}/{ids['cart']}")[1]["on_hand"] == 36


def test_the_expiry_watch_reports_and_the_daily_job_tells_the_coordinators(api):
    from functions.inventory import jobs
    from functions.staff.handler import handler as staff_handler  # noqa: F401 - the staff area's own records
    from tests.support import api_event, claims

    ids = catalogue(api)
    for lot, days in (("OLD", -2), ("SOON", 12)):
        api("POST", "/movements", {"kind": "receive", "item_id": ids["vaccine"], "location_id": ids["store"],
                                   "quantity": 5, "lot": lot, "expires_on": (TODAY + timedelta(days=days)).isoformat()})
    report = api("GET", "/stock/expiring", query={"within_days": "30"}, role="staff")[1]
    assert [lot["lot"] for lot in report["expired"]] == ["OLD"]
    assert [lot["lot"] for lot in report["expiring"]] == ["SOON"]
    from tests.support import LambdaContext

    member = {"user_id": "coord-9", "name": "Coordinator", "email": "c9@example.org", "role": "coordinator",
              "contracted_hours": 40, "location_ids": ["main"]}
    assert staff_handler(api_event("POST", "/staff", body=member, claims=claims(practice=PRACTICE)),
                         LambdaContext())["statusCode"] == 201
    summary = jobs.watch_expiry(Table(), within_days=30)
    assert summary["notices"] >= 1
    requests = [e["data"]["request"] for e in outbox_events("notification.requested")]
    assert [r["recipient"]["user_id"] for r in requests] == ["coord-9"]
    assert jobs.watch_expiry(Table())["notices"] >= 1 and len(outbox_events("notification.requested")) == 2


def test_the_nightly_drift_check_finds_nothing_after_real_movements_and_a_forged_balance_after_a_bypass(api):
    from functions.inventory import jobs
    from functions.inventory.dynamo import keys

    ids = catalogue(api)
    api("POST", "/movements", {"kind": "receive", "item_id": ids["gloves"], "location_id": ids["store"],
                               "quantity": 10})
    api("POST", "/movements", {"kind": "transfer", "item_id": ids["gloves"], "location_id": ids["store"],
                               "to_location_id": ids["cart"], "quantity": 4})
    assert jobs.check_stock_drift(Table())["drifted"] == 0
    table = Table()
    row = table.get(keys.item_pk(PRACTICE, ids["gloves"]), keys.level_sk(ids["cart"]))
    table.put({**row, "on_hand": 7})
    assert jobs.check_stock_drift(Table())["drifted"] == 1


def test_twenty_concurrent_uses_of_the_last_units_never_take_stock_below_zero(api):
    from functions.core import clock
    from functions.core.audit_store import AuditStore
    from functions.inventory.dynamo.catalogue import DynamoItemCatalogue, DynamoLocationBook
    from functions.inventory.dynamo.stock import DynamoStockLedger
    from functions.inventory.ledger import StockMovements
    from functions.inventory.models.stock import MovementIn

    ids = catalogue(api)
    api("POST", "/movements", {"kind": "receive", "item_id": ids["gloves"], "location_id": ids["cart"],
                               "quantity": 7})

    def container() -> StockMovements:
        table = Table()
        audit = AuditStore(table)
        return StockMovements(DynamoItemCatalogue(table, audit), DynamoLocationBook(table, audit),
                              DynamoStockLedger(table, audit), audit, clock.now)

    nurse = Caller(user_id="nurse-1", practice_id=PRACTICE, roles=frozenset({Role.STAFF}), request_id="race")
    body = MovementIn(kind="use", item_id=ids["gloves"], location_id=ids["cart"], quantity=1)
    results, errors = race(container, lambda movements, i: movements.record(nurse, body, f"race-use-{i:04d}"), 20)
    assert len(results) == 7 and len(errors) == 13
    assert {getattr(e, "code", repr(e)) for e in errors} == {"insufficient_stock"}
    stock = api("GET", f"/stock/{ids['gloves']}/{ids['cart']}")[1]
    assert stock["on_hand"] == 0 and stock["lots"] == []
    assert len(api("GET", f"/items/{ids['gloves']}/movements")[1]["movements"]) == 8
    from functions.core.audit import verify_chain
    from functions.inventory import jobs

    assert jobs.check_stock_drift(Table())["drifted"] == 0  # the balances are what the ledger adds up to
    assert verify_chain(list(AuditStore(Table()).entries(PRACTICE)), AuditStore(Table()).head(PRACTICE)).intact
