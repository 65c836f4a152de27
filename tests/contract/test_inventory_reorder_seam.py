"""The seam ordering codes against: ReorderNeeds and StockReceiving. The DynamoDB adapters (DynamoReorderNeeds,
DynamoStockReceiving) and the same use cases over the fakes give the same answers; invorders' fakes in
tests/fakes/inventory_orders.py are held to this suite at merge (add them to `seam`'s params)."""

from dataclasses import dataclass
from typing import Any

import pytest

from functions.core.errors import Invalid
from functions.inventory.models.catalogue import OfferIn
from functions.inventory.models.reorder import ReceiptLine
from tests.contract.inventory_support import CALLER, PRACTICE, StockWorld, later, stock_world


@dataclass
class Seam:
    needs: Any  # ReorderNeeds
    receiving: Any  # StockReceiving
    world: StockWorld  # to set the catalogue and levels up


@pytest.fixture(params=["fake", "dynamo"])
def seam(request) -> Seam:
    world = stock_world(request)
    if request.param == "fake":
        return Seam(world.reorder, world.movements, world)
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
