"""The low-stock reorder state machine executed on moto, its steps (`inventory-tasks`) in-process, started the
ways the catalogue starts it (the stock-low rule, the nightly schedule, a manual order): a small order sent
by policy, one over the spending limit approved through the route, no answer (a reminder, then still waiting),
partial then full receipt, cancellation. The stock side here is the stock half's seam over its fakes, wired in
through inventory's wiring; the last test runs everything on the real adapters, from the API to the receipt."""

from datetime import timedelta

import pytest

from functions.core.audit import draft
from functions.core.auth import Caller, Role
from functions.core.events import DomainEvent
from infra.catalog import CATALOG
from localcloud import moto_patches
from localcloud.cloud import LocalCloud
from tests.fakes.inventory import FakeStockSeam
from tests.support import api_event, claims, if_match
from tests.unit.inventory.orders_support import low_line, offer

PRACTICE = "practice-reorder-flow"
COORDINATOR = Caller(user_id="coord", practice_id=PRACTICE, roles=frozenset({Role.COORDINATOR}), request_id="t")


@pytest.fixture
def local(tmp_path):
    # waits at full length on the local clock: the coordinator's 48 hours pass only when a test advances it
    with LocalCloud(CATALOG, tmp_path, persist=False) as cloud, moto_patches.wait_scale(1.0):
        yield cloud


@pytest.fixture
def stock(local, monkeypatch):
    from functions.core import container
    from functions.inventory import wiring
    from functions.staff import wiring as staff
    from functions.staff.models.members import StaffMemberIn

    fake = FakeStockSeam()
    fake.put(PRACTICE, low_line("gloves", on_hand=10, offers=[offer("acme", 1200, preferred=True)]))
    fake.put(PRACTICE, low_line("masks", on_hand=5, offers=[offer("acme", 800, preferred=True)]))
    fake.put(PRACTICE, low_line("swabs", on_hand=0, offers=[]))
    monkeypatch.setattr(wiring, "reorder_needs", lambda: fake)
    monkeypatch.setattr(wiring, "stock_receiving", lambda: fake)
    container.reset("functions.inventory")
    staff.members().add(COORDINATOR, StaffMemberIn(user_id="coord", name="Cora", role="coordinator",
                                                   contracted_hours=40, location_ids=["main"],
                                                   email="cora@example.org"))
    yield fake
    container.reset("functions.inventory")


def api(local, method: str, path: str, role: str = "coordinator", **more) -> dict:
    import json

    response = local.invoke("inventory-api", api_event(method, path, claims=claims(role, PRACTICE, "coord"), **more))
    return {"status": response["statusCode"], "body": json.loads(response["body"]) if response["body"] else None,
            "etag": (response.get("multiValueHeaders") or {}).get("ETag", [response.get("headers", {}).get("ETag")])[0]}


def stock_low(local, item: str = "gloves") -> None:
    """The event a use past the reorder point writes through the outbox; the rule starts a run."""
    from functions.inventory import wiring

    event = DomainEvent(type="inventory.stock-low", practice_id=PRACTICE, entity_id=f"{item}-main",
                        data={"item_id": item, "location_id": "main", "on_hand": 4, "reorder_point": 50})
    wiring.audit().commit(draft(COORDINATOR, "inventory.stock.use", "STOCK", item, "2026-03-02T09:00:00Z"),
                          events=[event])
    local.drain()


def orders(state: str) -> list:
    from functions.inventory import wiring

    return wiring.purchase_order_book().orders(PRACTICE, state)


def executions(local) -> list[dict]:
    arn = local.state_machine_arns["low-stock-reorder"]
    return local._sfn.list_executions(stateMachineArn=arn)["executions"]


def sent_to_supplier(local) -> list[dict]:
    from functions.notifications.request import REQUESTED

    return [item for item in local.snapshot() if item.get("kind", {}).get("S") == "OUTBOX_EVENT"
            and REQUESTED in str(item) and "inventory.purchase_order" in str(item)]


def settings(local, limit_cents: int) -> None:
    assert api(local, "PUT", "/purchase-orders/settings", body={"spending_limit_cents": limit_cents},
               headers={"If-None-Match": "*"})["status"] == 200


def test_a_small_order_from_the_stock_low_event_is_sent_by_policy(local, stock):
    stock_low(local)
    [order] = orders("sent")
    assert [(line.item_id, line.packs) for line in order.lines] == [("gloves", 2)] and order.trigger == "stock-low"
    assert {e["status"] for e in executions(local)} == {"SUCCEEDED"}
    assert order.decided_by == "workflow:low-stock-reorder"


def test_the_nightly_run_orders_every_low_line_of_each_supplier_once(local, stock):
    stock_low(local)  # gloves are on order already
    local.run_job("reorder-low-stock")
    local.drain()
    sent = orders("sent")
    assert sorted(line.item_id for o in sent for line in o.lines) == ["gloves", "masks"]
    assert len(sent) == 2 and {e["status"] for e in executions(local)} == {"SUCCEEDED"}


def test_an_order_over_the_limit_waits_and_the_coordinators_approval_through_the_route_sends_it(local, stock):
    settings(local, 1000)
    stock_low(local)
    [waiting] = orders("awaiting_approval")
    assert waiting.task_token and [e["status"] for e in executions(local)] == ["RUNNING"]
    listed = api(local, "GET", "/purchase-orders", role="staff", query={"state": "awaiting_approval"})
    assert [o["id"] for o in listed["body"]["purchase_orders"]] == [waiting.id]

    read = api(local, "GET", f"/purchase-orders/{waiting.id}")
    assert api(local, "POST", f"/purchase-orders/{waiting.id}/approve", role="staff", body={},
               headers=if_match(waiting.version))["status"] == 403
    approved = api(local, "POST", f"/purchase-orders/{waiting.id}/approve", body={"reason": "needed"},
                   headers={"If-Match": read["etag"]})
    assert approved["status"] == 200 and approved["body"]["state"] == "approved"
    local.drain()
    assert [o.id for o in orders("sent")] == [waiting.id]
    assert [e["status"] for e in executions(local)] == ["SUCCEEDED"]


def test_no_answer_brings_a_reminder_and_the_order_stays_awaiting_approval_never_approved_by_silence(local, stock):
    settings(local, 1000)
    stock_low(local)
    local.advance(timedelta(hours=49))  # the nightly runs meanwhile: masks wait too, gloves are not ordered twice
    [waiting] = [o for o in orders("awaiting_approval") if o.trigger == "stock-low"]
    assert waiting.reminded and [line.item_id for line in waiting.lines] == ["gloves"]
    assert sorted(line.item_id for o in orders("awaiting_approval") for line in o.lines) == ["gloves", "masks"]
    assert {e["status"] for e in executions(local)} == {"RUNNING"}
    assert orders("sent") == [] and orders("approved") == []

    api(local, "POST", f"/purchase-orders/{waiting.id}/approve", body={}, headers=if_match(waiting.version))
    local.drain()
    assert [o.id for o in orders("sent")] == [waiting.id]


def test_partial_then_full_receipt_closes_the_order_and_frees_the_item(local, stock):
    stock_low(local)
    [order] = orders("sent")
    part = {"lines": [{"item_id": "gloves", "location_id": "main", "quantity": 120, "lot": "L7",
                       "expires_on": "2027-06-30"}]}
    first = api(local, "POST", f"/purchase-orders/{order.id}/receipts", role="front_desk", body=part,
                headers={"Idempotency-Key": "receipt-one-1"})
    again = api(local, "POST", f"/purchase-orders/{order.id}/receipts", role="front_desk", body=part,
                headers={"Idempotency-Key": "receipt-one-1"})
    assert first["status"] == 200 and first["body"]["state"] == "partially_received" and again["body"] == first["body"]
    assert stock.line(PRACTICE, "gloves", "main").on_hand == 130

    rest = {"lines": [{"item_id": "gloves", "location_id": "main", "quantity": 80}]}
    done = api(local, "POST", f"/purchase-orders/{order.id}/receipts", role="staff", body=rest,
               headers={"Idempotency-Key": "receipt-two-2"})
    assert done["body"]["state"] == "received" and stock.line(PRACTICE, "gloves", "main").on_hand == 210
    stock.put(PRACTICE, low_line("gloves", on_hand=3))
    stock_low(local)
    assert len(orders("sent")) == 1  # the item was free to be ordered again


def test_cancelling_a_waiting_order_ends_its_run_and_frees_the_item(local, stock):
    settings(local, 1000)
    stock_low(local)
    [waiting] = orders("awaiting_approval")
    cancelled = api(local, "POST", f"/purchase-orders/{waiting.id}/cancel", body={"reason": "not now"},
                    headers=if_match(waiting.version))
    assert cancelled["body"]["state"] == "cancelled"
    local.drain()
    assert [e["status"] for e in executions(local)] == ["SUCCEEDED"]
    stock_low(local)
    assert len(orders("awaiting_approval")) == 1


def test_a_manual_order_runs_through_the_same_approval_and_sending(local, stock):
    body = {"supplier_id": "acme", "lines": [{"item_id": "gauze", "item_name": "Gauze", "location_id": "main",
                                              "packs": 1, "pack_size": 10, "pack_price_cents": 450}]}
    made = api(local, "POST", "/purchase-orders", body=body, headers={"Idempotency-Key": "manual-one-1"})
    assert made["status"] == 201
    local.drain()
    assert [o.id for o in orders("sent")] == [made["body"]["id"]]


# --- end to end on the real adapters ----------------------------------------------------------------------

def test_a_use_below_the_reorder_point_orders_once_from_the_supplier_and_the_receipt_restores_stock(local):
    """No fake of an inventory port: the catalogue made through the API, a use crossing the reorder point, its
    stock-low event starting the run through the local cloud's rule, the supplier written to through its contact
    card, and the delivery received through the route into the real ledger."""
    from localcloud.sent import sent_emails

    def call(method: str, path: str, role: str = "coordinator", **more) -> dict:
        answer = api(local, method, path, role=role, **more)
        assert answer["status"] in (200, 201), answer
        return answer["body"]

    store = call("POST", "/locations", body={"name": "Store room", "kind": "store_room"})["id"]
    supplier = call("POST", "/suppliers", body={"name": "Lakeside Medical Supply",
                                                "email": "orders@lakeside.example.org"})["id"]
    gloves = call("POST", "/items", body={"name": "Nitrile gloves", "category": "PPE", "unit_of_use": "each",
                                          "pack_size": 100, "offers": [{"supplier_id": supplier,
                                                                        "pack_price_cents": 899,
                                                                        "lead_time_days": 3, "preferred": True}]})["id"]
    call("POST", "/movements", body={"kind": "receive", "item_id": gloves, "location_id": store, "quantity": 100})
    call("PUT", f"/stock/{gloves}/{store}/levels", body={"reorder_point": 50, "par_level": 200},
         headers={"If-None-Match": "*"})
    local.drain()
    assert orders("draft") + orders("sent") == [] and executions(local) == []  # at 100, nothing is low

    call("POST", "/movements", role="staff", body={"kind": "use", "item_id": gloves, "location_id": store,
                                                   "quantity": 60}, headers={"Idempotency-Key": "use-gloves-0001"})
    local.drain()
    # drain can stop between the send step's write and the pump that would carry it (its last empty pump ran
    # just before the run finished): once every run has ended, a second drain carries the rest deterministically
    local.drain()
    [order] = call("GET", "/purchase-orders", role="staff", query={"state": "sent"})["purchase_orders"]
    assert order["supplier_id"] == supplier and order["trigger"] == "stock-low"
    assert [(line["item_id"], line["location_id"], line["packs"]) for line in order["lines"]] == [(gloves, store, 2)]
    assert [e["status"] for e in executions(local)] == ["SUCCEEDED"]
    [email] = [e for e in sent_emails() if e["to"] == ["orders@lakeside.example.org"]]
    assert order["id"] in email["body"]
    local.run_job("reorder-low-stock")  # the nightly run finds the item on order: no second order
    assert len(call("GET", "/purchase-orders", query={"state": "sent"})["purchase_orders"]) == 1
    assert len([e for e in sent_emails() if e["to"] == ["orders@lakeside.example.org"]]) == 1

    receipt = {"lines": [{"item_id": gloves, "location_id": store, "quantity": 200}]}
    received = call("POST", f"/purchase-orders/{order['id']}/receipts", role="front_desk", body=receipt,
                    headers={"Idempotency-Key": "receipt-gloves-1"})
    assert received["state"] == "received"
    stock = call("GET", f"/stock/{gloves}/{store}", role="staff")
    assert (stock["on_hand"], stock["low"]) == (240, False)
    assert call("GET", "/stock/low", role="staff")["below_reorder_point"] == []
    assert call("GET", f"/purchase-orders/{order['id']}")["state"] == "received"
