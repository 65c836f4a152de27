"""The seam ordering codes against: ReorderNeeds and StockReceiving. The DynamoDB adapters (DynamoReorderNeeds,
DynamoStockReceiving) and the fake ordering's tests use (FakeStockSeam: the same use cases over the stock
fakes) give the same answers, as the stock half sees them and as ordering relies on them."""

from dataclasses import dataclass
from typing import Any

import pytest

from functions.core.auth import Caller, Role
from functions.core.errors import Invalid
from functions.inventory.models.catalogue import OfferIn
from functions.inventory.models.reorder import ReceiptLine
from tests.contract.inventory_support import CALLER, PRACTICE, StockWorld, later, stock_world
from tests.fakes.inventory import stock_line
from tests.unit.inventory.orders_support import low_line


@dataclass
class Seam:
    needs: Any  # ReorderNeeds
    receiving: Any  # StockReceiving
    world: StockWorld  # to set the catalogue and levels up


@pytest.fixture(params=["fake", "dynamo"])
def seam(request) -> Seam:
    world = stock_world(request)
    if request.param == "fake":
        from tests.fakes.inventory import FakeStockSeam

        fake = FakeStockSeam(world.audit, world.items, world.locations, world.ledger)
        return Seam(fake, fake, world)
    from functions.core.table import Table
    from functions.inventory.dynamo.seam import DynamoReorderNeeds, DynamoStockReceiving

    return Seam(DynamoReorderNeeds(Table(), world.audit), DynamoStockReceiving(Table(), world.audit), world)


def catalogue(world: StockWorld) -> tuple[str, str, str]:
    store = world.location("store")
    world.supplier("cheap")
    world.supplier("fast")
    gloves = world.item("gloves", "Nitrile gloves", offers=[
        OfferIn(supplier_id="cheap", pack_price_cents=800, lead_time_days=5),
        OfferIn(supplier_id="fast", pack_price_cents=950, lead_time_days=1, preferred=True)])
    vaccine = world.item("vaccine", "Flu vaccine", lot_tracked=True, expiry_tracked=True,
                         offers=[OfferIn(supplier_id="fast", pack_price_cents=12000, lead_time_days=2)])
    return store, gloves, vaccine


def all_lines(needs, limit: int = 100) -> list:
    found, cursor = [], None
    while True:
        page, cursor = needs.below_reorder_point(PRACTICE, cursor, limit)
        found += page
        if cursor is None:
            return found


def test_below_reorder_point_lists_each_low_line_with_its_offers_preferred_first(seam):
    store, gloves, vaccine = catalogue(seam.world)
    seam.world.set_levels(gloves, store, 200, 500)
    seam.world.set_levels(vaccine, store, 5, 20)
    seam.receiving.receive(PRACTICE, "R1", [ReceiptLine(item_id=vaccine, location_id=store, quantity=8, lot="L1",
                                                        expires_on=later(90))], CALLER)
    [line] = all_lines(seam.needs)
    assert (line.item_id, line.item_name, line.location_id, line.on_hand, line.reorder_point, line.par_level,
            line.pack_size) == (gloves, "Nitrile gloves", store, 0, 200, 500, 10)
    assert [(o.supplier_id, o.preferred) for o in line.offers] == [("fast", True), ("cheap", False)]
    assert seam.needs.line(PRACTICE, gloves, store) == line
    assert seam.needs.line(PRACTICE, vaccine, store).on_hand == 8
    assert seam.needs.line(PRACTICE, gloves, "nowhere") is None
    assert seam.needs.line(PRACTICE, "no-item", store) is None


def test_below_reorder_point_pages_through_every_low_line(seam):
    store, gloves, vaccine = catalogue(seam.world)
    cart = seam.world.location("cart")
    for item in (gloves, vaccine):
        for location in (store, cart):
            seam.world.set_levels(item, location, 1, 5)
    assert sorted((line.item_id, line.location_id) for line in all_lines(seam.needs, limit=3)) == sorted(
        [(gloves, store), (gloves, cart), (vaccine, store), (vaccine, cart)])


def test_a_receipt_posts_once_per_receipt_id_and_takes_the_line_off_the_low_list(seam):
    store, gloves, _ = catalogue(seam.world)
    seam.world.set_levels(gloves, store, 50, 100)
    lines = [ReceiptLine(item_id=gloves, location_id=store, quantity=60),
             ReceiptLine(item_id=gloves, location_id=store, quantity=40)]
    seam.receiving.receive(PRACTICE, "RCPT1", lines, CALLER, purchase_order_id="PO1")
    seam.receiving.receive(PRACTICE, "RCPT1", lines, CALLER, purchase_order_id="PO1")
    assert seam.needs.line(PRACTICE, gloves, store).on_hand == 100
    assert all_lines(seam.needs) == []
    movements, _ = seam.world.ledger.movements(PRACTICE, gloves, None, 10)
    assert sorted(m.id for m in movements) == ["RCPT1-0", "RCPT1-1"]
    assert {(m.kind, m.receipt_id, m.purchase_order_id) for m in movements} == {("receive", "RCPT1", "PO1")}


def test_a_partial_receipt_then_the_rest_adds_up(seam):
    store, gloves, _ = catalogue(seam.world)
    seam.world.set_levels(gloves, store, 50, 100)
    seam.receiving.receive(PRACTICE, "RA", [ReceiptLine(item_id=gloves, location_id=store, quantity=30)], CALLER)
    assert [line.on_hand for line in all_lines(seam.needs)] == [30]
    seam.receiving.receive(PRACTICE, "RB", [ReceiptLine(item_id=gloves, location_id=store, quantity=70)], CALLER)
    assert all_lines(seam.needs) == [] and seam.needs.line(PRACTICE, gloves, store).on_hand == 100


def test_a_lot_tracked_receipt_line_names_its_lot_and_expiry(seam):
    store, _, vaccine = catalogue(seam.world)
    with pytest.raises(Invalid):
        seam.receiving.receive(PRACTICE, "RX", [ReceiptLine(item_id=vaccine, location_id=store, quantity=1)], CALLER)
    assert seam.needs.line(PRACTICE, vaccine, store) is None  # no levels set: nothing to reorder by
    assert seam.world.ledger.level(PRACTICE, vaccine, store).on_hand == 0


# --- as ordering relies on it ------------------------------------------------------------------------------

BY = Caller(user_id="sam", practice_id=PRACTICE, roles=frozenset({Role.STAFF}), request_id="t")


@pytest.fixture
def five_lines(seam) -> Seam:
    """item0..item4 at main with on-hand 0, 20, 40 (low), 60, 80 (not) against a reorder point of 50; and another
    practice's item0, low."""
    for n in range(5):
        stock_line(seam.world, PRACTICE, low_line(f"item{n}", on_hand=n * 20, reorder_point=50))
    stock_line(seam.world, "other-practice", low_line("item0", on_hand=0))
    return seam


def test_below_reorder_point_is_only_the_low_lines_of_the_practice_page_by_page(five_lines):
    first, cursor = five_lines.needs.below_reorder_point(PRACTICE, None, 2)
    rest, end = five_lines.needs.below_reorder_point(PRACTICE, cursor, 2)
    assert [line.item_id for line in first + rest] == ["item0", "item1", "item2"] and end is None


def test_a_line_is_as_it_stands_now_or_none(five_lines):
    assert five_lines.needs.line(PRACTICE, "item3", "main").on_hand == 60
    assert five_lines.needs.line(PRACTICE, "nothing", "main") is None


def test_a_receipt_adds_to_on_hand_once_per_receipt_id(five_lines):
    lines = [ReceiptLine(item_id="item0", location_id="main", quantity=30, lot="L1")]
    five_lines.receiving.receive(PRACTICE, "R1", lines, BY, purchase_order_id="PO1")
    five_lines.receiving.receive(PRACTICE, "R1", lines, BY, purchase_order_id="PO1")
    assert five_lines.needs.line(PRACTICE, "item0", "main").on_hand == 30
    assert [line.item_id for line in five_lines.needs.below_reorder_point(PRACTICE)[0]] == [
        "item0", "item1", "item2"]
