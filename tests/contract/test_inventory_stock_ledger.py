"""StockLedger, StockWatch and LedgerHistory: the fake and the DynamoDB adapters keep the same balances, refuse
the same stale writes, and their sparse lists (below reorder point, expiring) say the same."""

import pytest

from functions.core.errors import Invalid
from functions.core.idempotency import IdempotencyClaim, IdempotentRequest
from functions.inventory.ledger import AlreadyPosted, StockMoved
from functions.inventory.models.stock import Leg, LotBalance, Movement, StockChange
from tests.contract.inventory_support import AT, PRACTICE, audit, later, stock_world


@pytest.fixture(params=["fake", "dynamo"])
def world(request):
    return stock_world(request)


def receipt(movement_id: str, on_hand_before: int, seq: int, quantity: int) -> StockChange:
    from functions.inventory.models.stock import Level

    movement = Movement(id=movement_id, practice_id=PRACTICE, item_id="i1", kind="receive", by="u", at=AT,
                        legs=[Leg(location_id="l1", lot="untracked-stock", delta=quantity)])
    before = Level(practice_id=PRACTICE, item_id="i1", location_id="l1", on_hand=on_hand_before, seq=seq)
    after = before.model_copy(update={"on_hand": on_hand_before + quantity, "seq": seq + 1})
    lot = LotBalance(practice_id=PRACTICE, item_id="i1", location_id="l1", lot="untracked-stock",
                     on_hand=on_hand_before + quantity)
    return StockChange(movement=movement, levels=[(before, after)], lots=[lot])


def test_a_posted_movement_writes_its_balances_with_it(world):
    world.ledger.post(receipt("m1", 0, 0, 5), audit())
    level = world.ledger.level(PRACTICE, "i1", "l1")
    assert (level.on_hand, level.seq) == (5, 1)
    assert [(b.lot, b.on_hand) for b in world.ledger.lots(PRACTICE, "i1", "l1")] == [("untracked-stock", 5)]
    assert world.ledger.movement(PRACTICE, "i1", "m1").legs[0].delta == 5
    assert world.ledger.level(PRACTICE, "i1", "elsewhere").seq == 0


def test_a_write_over_a_balance_that_moved_is_refused_and_writes_nothing(world):
    world.ledger.post(receipt("m1", 0, 0, 5), audit())
    with pytest.raises(StockMoved):
        world.ledger.post(receipt("m2", 0, 0, 3), audit())  # read before m1 landed
    with pytest.raises(StockMoved):
        world.ledger.post(receipt("m3", 5, 7, 3), audit())
    assert world.ledger.level(PRACTICE, "i1", "l1").on_hand == 5
    assert world.ledger.movement(PRACTICE, "i1", "m2") is None


def test_a_movement_is_posted_once(world):
    world.ledger.post(receipt("r1-0", 0, 0, 5), audit())
    with pytest.raises(AlreadyPosted):
        world.ledger.post(receipt("r1-0", 5, 1, 5), audit())
    assert world.ledger.level(PRACTICE, "i1", "l1").on_hand == 5


def test_an_idempotency_key_rides_with_the_movement_and_is_replayed(world):
    request = IdempotentRequest(key="key-12345678", fingerprint="f1")
    claim = IdempotencyClaim(key=request.key, fingerprint="f1", response={"id": "m1"})
    world.ledger.post(receipt("m1", 0, 0, 5), audit(), claim=claim)
    assert world.ledger.replay(PRACTICE, request) == {"id": "m1"}
    assert world.ledger.replay(PRACTICE, IdempotentRequest(key="other-key-1", fingerprint="f1")) is None
    with pytest.raises(Invalid):
        world.ledger.replay(PRACTICE, IdempotentRequest(key="key-12345678", fingerprint="f2"))


def test_a_location_lists_each_items_level_and_lots(world):
    store, cart = world.location("store"), world.location("cart")
    gloves, vaccine = world.item("gloves"), world.item("vaccine", lot_tracked=True, expiry_tracked=True)
    world.move("receive", gloves, store, 5)
    world.move("receive", vaccine, store, 3, lot="A", expires_on=later(10))
    world.move("receive", vaccine, cart, 1, lot="A", expires_on=later(10))
    levels, lots = world.ledger.at_location(PRACTICE, store)
    assert sorted((lv.item_id, lv.on_hand) for lv in levels) == [(gloves, 5), (vaccine, 3)]
    assert sorted((b.item_id, b.lot, b.on_hand) for b in lots) == [(gloves, "untracked-stock", 5), (vaccine, "A", 3)]


def test_the_ledger_pages_newest_first(world):
    store, gloves = world.location("store"), world.item("gloves")
    ids = [world.move("receive", gloves, store, n + 1).id for n in range(5)]
    seen, cursor = [], None
    while True:
        page, cursor = world.ledger.movements(PRACTICE, gloves, cursor, 2)
        seen += [m.id for m in page]
        if cursor is None:
            break
    assert seen == sorted(ids, reverse=True)  # ULIDs: by time (two in one millisecond, in either order)


def test_the_low_list_holds_exactly_the_levels_below_their_point(world):
    store, cart = world.location("store"), world.location("cart")
    gloves, masks = world.item("gloves"), world.item("masks")
    for item in (gloves, masks):
        world.move("receive", item, store, 30)
        world.set_levels(item, store, 20, 50)
    world.set_levels(gloves, cart, 5, 10)  # nothing there: low from the start
    world.move("use", masks, store, 11)
    assert low(world) == [(gloves, cart, 0), (masks, store, 19)]
    world.move("receive", masks, store, 1)  # back at the point: off the list
    world.move("receive", gloves, cart, 5)
    assert low(world) == []
    world.move("use", gloves, store, 25)
    assert low(world) == [(gloves, store, 5)]


def low(world) -> list[tuple[str, str, int]]:
    found, cursor = [], None
    while True:
        page, cursor = world.watch.below_reorder_point(PRACTICE, cursor, 1)
        found += [(lv.item_id, lv.location_id, lv.on_hand) for lv in page]
        if cursor is None:
            return found


def test_the_expiry_list_holds_dated_lots_with_stock_through_a_day(world):
    store = world.location("store")
    vaccine = world.item("vaccine", lot_tracked=True, expiry_tracked=True)
    gloves = world.item("gloves")
    world.move("receive", vaccine, store, 2, lot="A", expires_on=later(5))
    world.move("receive", vaccine, store, 2, lot="B", expires_on=later(40))
    world.move("receive", vaccine, store, 2, lot="C", expires_on=later(-3))
    world.move("receive", gloves, store, 9)
    assert [b.lot for b in world.watch.expiring(PRACTICE, later(30))] == ["C", "A"]
    world.move("use", vaccine, store, 2)  # uses A (C has expired)
    assert [b.lot for b in world.watch.expiring(PRACTICE, later(30))] == ["C"]
    assert [b.lot for b in world.watch.expiring(PRACTICE, later(60))] == ["C", "B"]


def test_the_history_is_the_whole_ledger_with_its_balances(world):
    store, cart, gloves = world.location("store"), world.location("cart"), world.item("gloves")
    world.move("receive", gloves, store, 10)
    world.move("transfer", gloves, store, 4, to_location_id=cart)
    levels, lots, movements = world.ledger.history(PRACTICE, gloves)
    assert sorted((lv.location_id, lv.on_hand) for lv in levels) == [(cart, 4), (store, 6)]
    assert sorted((b.location_id, b.on_hand) for b in lots) == [(cart, 4), (store, 6)]
    assert sorted(m.kind for m in movements) == ["receive", "transfer"]


def test_new_levels_over_a_moved_balance_are_refused(world):
    store, gloves = world.location("store"), world.item("gloves")
    before = world.ledger.level(PRACTICE, gloves, store)
    world.move("receive", gloves, store, 3)
    with pytest.raises(StockMoved):
        world.ledger.set_levels(before, before.model_copy(update={"reorder_point": 1, "par_level": 2, "version": 1,
                                                                  "seq": 1}), audit())
