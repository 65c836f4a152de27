"""Low stock on fakes: crossing below the reorder point announces stock-low once; the low list holds only what is
below its point; the coordinator alone sets levels; ordering's seam reads the lines."""

import pytest

from functions.core.errors import Forbidden, PreconditionFailed
from functions.inventory.models.catalogue import OfferIn
from functions.inventory.models.stock import LevelsIn
from tests.unit.inventory.support import NURSE, PRACTICE, World


@pytest.fixture
def world() -> World:
    return World()


def stock_low(world: World) -> list[dict]:
    return [e.data for e in world.audit.events if e.type == "inventory.stock-low"]


def test_crossing_below_the_reorder_point_announces_stock_low_once(world):
    store, gloves = world.location(), world.item()
    world.receive(gloves, store, 30)
    world.set_levels(gloves, store, reorder_point=20, par_level=100)
    world.use(gloves, store, 10)  # 20: at the point, not below
    assert stock_low(world) == []
    world.use(gloves, store, 1)  # 19: crosses
    world.use(gloves, store, 5)  # 14: still below, no second event
    assert stock_low(world) == [{"item_id": gloves, "location_id": store, "on_hand": 19, "reorder_point": 20}]
    world.receive(gloves, store, 100)  # back above
    world.use(gloves, store, 100)  # 14 again: a new crossing
    assert len(stock_low(world)) == 2


def test_the_low_list_holds_only_what_is_below_its_reorder_point(world):
    store, cart = world.location(), world.location("Cart", "exam_room_cart")
    gloves, masks = world.item("Gloves"), world.item("Masks")
    for item in (gloves, masks):
        for location in (store, cart):
            world.receive(item, location, 50)
            world.set_levels(item, location, reorder_point=20, par_level=60)
    world.use(masks, cart, 40)
    low, cursor = world.ledger.below_reorder_point(PRACTICE, None, 10)
    assert [(lv.item_id, lv.location_id, lv.on_hand) for lv in low] == [(masks, cart, 10)] and cursor is None
    assert [s.item_id for s in world.levels.low(NURSE).below_reorder_point] == [masks]
    world.receive(masks, cart, 15)
    assert world.ledger.below_reorder_point(PRACTICE, None, 10)[0] == []


def test_raising_the_reorder_point_above_stock_makes_it_low(world):
    store, gloves = world.location(), world.item()
    world.receive(gloves, store, 10)
    view = world.set_levels(gloves, store, reorder_point=20, par_level=50)
    assert view.low and view.version == 1
    assert stock_low(world) == [{"item_id": gloves, "location_id": store, "on_hand": 10, "reorder_point": 20}]


def test_only_the_coordinator_sets_levels_and_a_stale_version_is_412(world):
    store, gloves = world.location(), world.item()
    with pytest.raises(Forbidden):
        world.levels.set_levels(NURSE, gloves, store, LevelsIn(reorder_point=1, par_level=2), lambda: 0)
    world.set_levels(gloves, store, reorder_point=5, par_level=10)
    from tests.unit.inventory.support import COORDINATOR

    with pytest.raises(PreconditionFailed):
        world.levels.set_levels(COORDINATOR, gloves, store, LevelsIn(reorder_point=1, par_level=2), lambda: 0)


def test_par_below_the_reorder_point_is_refused():
    with pytest.raises(ValueError):
        LevelsIn(reorder_point=10, par_level=5)


def test_the_reorder_seam_reads_lines_with_preferred_offer_first(world):
    store = world.location()
    cheap, fast = world.supplier("Cheap"), world.supplier("Fast")
    gloves = world.item(offers=[OfferIn(supplier_id=cheap, pack_price_cents=900, lead_time_days=7),
                                OfferIn(supplier_id=fast, pack_price_cents=1200, lead_time_days=1, preferred=True)])
    world.receive(gloves, store, 30)
    world.set_levels(gloves, store, reorder_point=50, par_level=200)
    lines, cursor = world.reorder.below_reorder_point(PRACTICE)
    assert cursor is None and len(lines) == 1
    line = lines[0]
    assert (line.item_name, line.on_hand, line.reorder_point, line.par_level, line.pack_size) == (
        "Gloves", 30, 50, 200, 100)
    assert [o.supplier_id for o in line.offers] == [fast, cheap]
    assert world.reorder.line(PRACTICE, gloves, store) == line
    assert world.reorder.line(PRACTICE, gloves, world.location("Cart", "exam_room_cart")) is None


def test_the_low_list_pages_with_a_cursor(world):
    store = world.location()
    items = [world.item(f"Item {n}") for n in range(5)]
    for item in items:
        world.set_levels(item, store, reorder_point=1, par_level=5)
    seen, cursor = [], None
    while True:
        page, cursor = world.reorder.below_reorder_point(PRACTICE, cursor, limit=2)
        seen += [line.item_id for line in page]
        if cursor is None:
            break
    assert sorted(seen) == sorted(items)
