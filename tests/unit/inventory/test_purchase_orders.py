"""Purchase orders on fakes: made once per item and place, routed by the spending limit, approved or rejected
only by the coordinator while awaiting approval, sent once, received in parts, cancelled."""

import threading

import pytest

from functions.core.auth import Role
from functions.core.errors import Conflict, Forbidden, Invalid, PreconditionFailed
from functions.inventory.models.purchase_orders import (
    OrderingSettingsIn,
    PurchaseOrderIn,
    ReceiptIn,
)
from functions.inventory.ordering import move
from tests.unit.business_metrics import sent_metrics  # noqa: F401 (a fixture)
from tests.unit.inventory.orders_support import PRACTICE, World, caller, low_line, offer

COORDINATOR = caller()


def at(version: int):
    return lambda: version


@pytest.fixture
def world() -> World:
    w = World()
    w.stock.put(PRACTICE, low_line("gloves", on_hand=10))
    w.stock.put(PRACTICE, low_line("masks", on_hand=5, offers=[offer("acme", 800, preferred=True)]))
    w.stock.put(PRACTICE, low_line("swabs", on_hand=1, offers=[]))
    w.stock.put(PRACTICE, low_line("gowns", on_hand=90))  # not low
    return w


def test_a_run_makes_one_order_per_supplier_and_reports_what_no_one_offers(world):
    made = world.run("night-1")
    assert len(made) == 1
    order = world.book.order(PRACTICE, made[0])
    assert order.state == "draft" and [line.item_id for line in order.lines] == ["gloves", "masks"]
    assert order.total_cents == 2 * 1200 + 2 * 800
    assert world.book.holder(PRACTICE, "gloves", "main") == order.id
    assert "inventory.order.unresolved" in world.audit.actions()
    assert "Swabs" in world.audit.events[-1].data["request"]["data"]["details"]


def test_a_second_run_while_the_order_is_open_orders_nothing(world):
    world.run("night-1")
    assert world.run("night-2") == []
    assert world.run("event-1", "stock-low", "gloves", "main") == []


def test_a_retried_create_finds_the_order_its_run_made_and_another_run_finds_none(world):
    planned = world.reordering.plan(PRACTICE, world.reordering.gather(PRACTICE)["lines"])
    first = world.reordering.create(PRACTICE, "night-1", "nightly", planned)
    assert world.reordering.create(PRACTICE, "night-1", "nightly", planned) == first
    assert world.reordering.create(PRACTICE, "event-1", "stock-low", planned)["orders"] == []
    assert len(world.book.stored) == 1


def test_the_event_and_the_nightly_run_racing_make_one_order(world):
    start, made = threading.Barrier(2), []

    def run(name, *item):
        start.wait()
        made.extend(world.run(name, *item))

    threads = [threading.Thread(target=run, args=("night-1",)),
               threading.Thread(target=run, args=("event-1", "stock-low", "gloves", "main"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    open_orders = [o for o in world.book.stored.values() if o.open]
    holding_gloves = [o for o in open_orders if any(line.item_id == "gloves" for line in o.lines)]
    assert len(holding_gloves) == 1


def test_an_order_within_the_spending_limit_is_approved_by_policy_and_sent_once(world):
    order_id = world.run("night-1")[0]
    assert world.through_to_sent(order_id) == "sent"
    assert world.reordering.send(PRACTICE, order_id) == {"status": "sent"}
    sent = [e for e in world.audit.events if e.data.get("request", {}).get("template") == "inventory.purchase_order"]
    assert len(sent) == 1
    request = sent[0].data["request"]
    assert (request["recipient"]["kind"], request["recipient"]["contact_id"]) == ("contact", "acme")
    assert request["data"]["order_csv"].splitlines()[0].startswith("order_id,item_id")
    assert "gloves" in request["data"]["order_csv"]


def test_an_order_over_the_limit_waits_for_the_coordinator_with_the_token_on_it(world):
    world.orders.set_ordering_settings(COORDINATOR, OrderingSettingsIn(spending_limit_cents=1000), at(0))
    order_id = world.run("night-1")[0]
    assert world.reordering.route(PRACTICE, order_id) == {"next": "ask", "timeout_s": 48 * 3600}
    world.reordering.ask(PRACTICE, order_id, "first", "token-1")
    waiting = world.book.order(PRACTICE, order_id)
    assert waiting.state == "awaiting_approval" and waiting.task_token == "token-1"  # noqa: S105
    assert "Purchase order waiting for approval" in world.audit.events[-1].data["request"]["data"]["title"]

    approved = world.orders.approve(COORDINATOR, order_id, at(waiting.version))
    assert approved.state == "approved" and approved.decided_by == "cora"
    assert world.workflow.resumed == [("token-1", {"decision": "approve", "by": "cora"})]
    assert world.reordering.send(PRACTICE, order_id) == {"status": "sent"}


def test_no_answer_brings_a_reminder_and_the_order_stays_awaiting_approval(world):
    world.orders.set_ordering_settings(COORDINATOR, OrderingSettingsIn(spending_limit_cents=1000), at(0))
    order_id = world.run("night-1")[0]
    world.reordering.ask(PRACTICE, order_id, "first", "token-1")
    world.reordering.ask(PRACTICE, order_id, "late", "token-2")
    order = world.book.order(PRACTICE, order_id)
    assert (order.state, order.reminded, order.task_token) == ("awaiting_approval", True, "token-2")
    assert world.audit.events[-1].data["request"]["data"]["title"].startswith("Reminder")


def test_an_answer_given_before_the_wait_began_is_handed_on_at_once(world):
    world.orders.set_ordering_settings(COORDINATOR, OrderingSettingsIn(spending_limit_cents=1000), at(0))
    order_id = world.run("night-1")[0]
    world.reordering.ask(PRACTICE, order_id, "first", "token-1")
    world.orders.approve(COORDINATOR, order_id, at(world.book.order(PRACTICE, order_id).version))
    world.reordering.ask(PRACTICE, order_id, "late", "token-2")  # the timeout had fired as the answer came
    assert world.workflow.resumed[-1] == ("token-2", {"decision": "approve", "by": "cora"})


@pytest.mark.parametrize("role", [Role.STAFF, Role.PRACTITIONER, Role.FRONT_DESK, Role.BILLING, Role.PATIENT])
def test_only_the_coordinator_approves(world, role):
    world.orders.set_ordering_settings(COORDINATOR, OrderingSettingsIn(spending_limit_cents=1000), at(0))
    order_id = world.run("night-1")[0]
    world.reordering.ask(PRACTICE, order_id, "first", "token-1")
    with pytest.raises(Forbidden):
        world.orders.approve(caller(role, "someone"), order_id, at(2))


def test_an_order_not_awaiting_approval_cannot_be_approved_and_a_stale_tag_is_412(world):
    order_id = world.run("night-1")[0]
    with pytest.raises(Conflict, match="not awaiting approval"):
        world.orders.approve(COORDINATOR, order_id, at(1))
    with pytest.raises(PreconditionFailed):
        world.orders.cancel(COORDINATOR, order_id, at(7))


def test_a_rejection_cancels_the_order_and_frees_its_items(world):
    world.orders.set_ordering_settings(COORDINATOR, OrderingSettingsIn(spending_limit_cents=1000), at(0))
    order_id = world.run("night-1")[0]
    world.reordering.ask(PRACTICE, order_id, "first", "token-1")
    rejected = world.orders.reject(COORDINATOR, order_id, at(2), "too dear")
    assert (rejected.state, rejected.reason) == ("cancelled", "too dear")
    assert world.book.holder(PRACTICE, "gloves", "main") is None
    assert world.workflow.resumed == [("token-1", {"decision": "reject", "by": "cora"})]
    assert len(world.run("night-2")) == 1  # may be ordered again


def test_partial_then_full_receipt_posts_stock_once_each_and_closes_the_order(world):
    order_id = world.run("night-1")[0]
    world.through_to_sent(order_id)
    staff = caller(Role.STAFF, "sam")
    part = ReceiptIn(lines=[{"item_id": "gloves", "location_id": "main", "quantity": 150, "lot": "L1",
                             "expires_on": "2027-01-31"}])
    first = world.receiving.receive(staff, order_id, part, "receipt-key-1")
    assert first.state == "partially_received" and first.lines[0].received_units == 150
    assert world.receiving.receive(staff, order_id, part, "receipt-key-1") == first  # a retry receives nothing more
    assert world.stock.line(PRACTICE, "gloves", "main").on_hand == 160
    assert world.book.holder(PRACTICE, "gloves", "main") == order_id

    rest = ReceiptIn(lines=[{"item_id": "gloves", "location_id": "main", "quantity": 50},
                            {"item_id": "masks", "location_id": "main", "quantity": 200}])
    done = world.receiving.receive(staff, order_id, rest, "receipt-key-2")
    assert done.state == "received" and len(done.receipt_ids) == 2
    assert world.book.holder(PRACTICE, "gloves", "main") is None
    assert world.book.holder(PRACTICE, "masks", "main") is None
    assert len(world.stock.receipts(PRACTICE)) == 2


def test_more_than_outstanding_or_an_item_not_on_the_order_receives_nothing(world):
    order_id = world.run("night-1")[0]
    world.through_to_sent(order_id)
    staff = caller(Role.FRONT_DESK, "fay")
    with pytest.raises(Conflict, match="outstanding"):
        world.receiving.receive(staff, order_id, ReceiptIn(lines=[{"item_id": "gloves", "location_id": "main",
                                                                   "quantity": 201}]))
    with pytest.raises(Invalid):
        world.receiving.receive(staff, order_id, ReceiptIn(lines=[{"item_id": "gowns", "location_id": "main",
                                                                   "quantity": 1}]))
    assert world.stock.receipts(PRACTICE) == set() and world.book.order(PRACTICE, order_id).state == "sent"


def test_a_draft_receives_nothing_and_a_patient_may_not_receive(world):
    order_id = world.run("night-1")[0]
    body = ReceiptIn(lines=[{"item_id": "gloves", "location_id": "main", "quantity": 1}])
    with pytest.raises(Conflict):
        world.receiving.receive(caller(Role.STAFF), order_id, body)
    with pytest.raises(Forbidden):
        world.receiving.receive(caller(Role.PATIENT), order_id, body)


def test_cancelling_a_sent_order_tells_the_supplier_and_frees_its_items(world):
    order_id = world.run("night-1")[0]
    world.through_to_sent(order_id)
    cancelled = world.orders.cancel(COORDINATOR, order_id, at(3), "found elsewhere")
    assert cancelled.state == "cancelled" and world.book.holder(PRACTICE, "gloves", "main") is None
    assert world.audit.events[-1].data["request"]["template"] == "inventory.purchase_order.cancelled"
    with pytest.raises(Conflict):
        world.orders.cancel(COORDINATOR, order_id, at(4))


def test_a_manual_order_is_held_like_any_other_started_once_and_replayed_by_its_key(world):
    body = PurchaseOrderIn(supplier_id="acme", lines=[{"item_id": "gauze", "item_name": "Gauze", "location_id": "main",
                                                       "packs": 3, "pack_size": 10, "pack_price_cents": 450}])
    first = world.orders.create(COORDINATOR, body, "manual-key-1")
    again = world.orders.create(COORDINATOR, body, "manual-key-1")
    assert again == first and first.total_cents == 1350 and first.trigger == "manual"
    assert world.workflow.started == [(PRACTICE, first.id, 1)]
    with pytest.raises(Conflict, match="open purchase order"):
        world.orders.create(COORDINATOR, body, "manual-key-2")
    with pytest.raises(Forbidden):
        world.orders.create(caller(Role.STAFF), body)


def test_the_order_states_move_only_forward():
    assert move("draft", "approved") == "approved"
    for state, to in [("received", "cancelled"), ("cancelled", "approved"), ("sent", "approved"),
                      ("draft", "sent"), ("approved", "received")]:
        with pytest.raises(Conflict):
            move(state, to)


def test_only_the_coordinator_sets_the_spending_limit_and_a_stale_tag_is_412(world):
    with pytest.raises(Forbidden):
        world.orders.set_ordering_settings(caller(Role.STAFF), OrderingSettingsIn(spending_limit_cents=1), at(0))
    first = world.orders.set_ordering_settings(COORDINATOR, OrderingSettingsIn(spending_limit_cents=2500), at(0))
    assert (first.spending_limit_cents, first.version) == (2500, 1)
    with pytest.raises(PreconditionFailed):
        world.orders.set_ordering_settings(COORDINATOR, OrderingSettingsIn(spending_limit_cents=10), at(0))
    assert world.orders.ordering_settings(caller(Role.FRONT_DESK)).spending_limit_cents == 2500


def test_an_approval_no_run_waits_for_starts_a_run_that_sends_the_order(world):
    world.orders.set_ordering_settings(COORDINATOR, OrderingSettingsIn(spending_limit_cents=1000), at(0))
    order_id = world.run("night-1")[0]
    world.reordering.ask(PRACTICE, order_id, "first", "token-1")
    world.workflow.gone.add("token-1")  # the run failed meanwhile
    approved = world.orders.approve(COORDINATOR, order_id, at(2))
    assert world.workflow.started == [(PRACTICE, order_id, approved.version)]
    assert world.through_to_sent(order_id) == "sent"


def test_each_order_made_counts_once_as_a_business_purchase_order(world, sent_metrics):  # noqa: F811
    planned = world.reordering.plan(PRACTICE, world.reordering.gather(PRACTICE)["lines"])
    world.reordering.create(PRACTICE, "night-1", "nightly", planned)
    world.reordering.create(PRACTICE, "night-1", "nightly", planned)  # a retried step finds its order
    body = PurchaseOrderIn(supplier_id="acme", lines=[{"item_id": "gauze", "item_name": "Gauze", "location_id": "main",
                                                       "packs": 3, "pack_size": 10, "pack_price_cents": 450}])
    world.orders.create(COORDINATOR, body, "manual-key-1")
    world.orders.create(COORDINATOR, body, "manual-key-1")  # replayed by its key
    with pytest.raises(Conflict):
        world.orders.create(COORDINATOR, body, "manual-key-2")  # refused: the item is on order
    assert sent_metrics()[("PurchaseOrdersCreated", "inventory")] == 2
