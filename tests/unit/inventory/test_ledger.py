"""The stock ledger on fakes: balances kept with every movement, FEFO, never negative, write-off rules."""

from datetime import date, timedelta

import pytest

from functions.core.errors import Conflict, Invalid
from functions.inventory.models.stock import MovementIn
from tests.unit.inventory.support import COORDINATOR, NURSE, PRACTICE, TODAY, World, caller


@pytest.fixture
def world() -> World:
    return World()


def test_receive_then_use_keeps_the_running_balance(world):
    store, gloves = world.location(), world.item()
    world.receive(gloves, store, 100)
    world.use(gloves, store, 30)
    world.use(gloves, store, 5)
    assert world.on_hand(gloves, store) == 65
    assert world.lots(gloves, store) == {"untracked-stock": 65}
    assert world.drift.run(PRACTICE).drift == []


def test_use_larger_than_stock_is_409_and_changes_nothing(world):
    store, gloves = world.location(), world.item()
    world.receive(gloves, store, 10)
    movements_before = len(world.ledger.ledger[(PRACTICE, gloves)])
    with pytest.raises(Conflict) as refused:
        world.use(gloves, store, 11)
    assert refused.value.status == 409 and refused.value.code == "insufficient_stock"
    assert world.on_hand(gloves, store) == 10
    assert len(world.ledger.ledger[(PRACTICE, gloves)]) == movements_before


def test_use_takes_the_first_expiring_lot_first_and_may_span_lots(world):
    store = world.location()
    vaccine = world.item("Flu vaccine", lot_tracked=True, expiry_tracked=True)
    world.receive(vaccine, store, 5, lot="LATE", expires_on=TODAY + timedelta(days=90))
    world.receive(vaccine, store, 3, lot="SOON", expires_on=TODAY + timedelta(days=10))
    world.receive(vaccine, store, 4, lot="MID", expires_on=TODAY + timedelta(days=40))
    movement = world.use(vaccine, store, 5)
    assert [(leg.lot, leg.delta) for leg in movement.legs] == [("SOON", -3), ("MID", -2)]
    assert world.lots(vaccine, store) == {"LATE": 5, "MID": 2, "SOON": 0}
    assert world.on_hand(vaccine, store) == 7


def test_a_named_lot_is_used_instead_of_the_first_expiring(world):
    store = world.location()
    vaccine = world.item("Flu vaccine", lot_tracked=True, expiry_tracked=True)
    world.receive(vaccine, store, 5, lot="LATE", expires_on=TODAY + timedelta(days=90))
    world.receive(vaccine, store, 3, lot="SOON", expires_on=TODAY + timedelta(days=10))
    world.use(vaccine, store, 2, lot="LATE")
    assert world.lots(vaccine, store) == {"LATE": 3, "SOON": 3}
    with pytest.raises(Conflict):
        world.use(vaccine, store, 4, lot="SOON")


def test_use_passes_over_expired_lots(world):
    store = world.location()
    vaccine = world.item("Flu vaccine", lot_tracked=True, expiry_tracked=True)
    world.receive(vaccine, store, 5, lot="OLD", expires_on=TODAY - timedelta(days=1))
    world.receive(vaccine, store, 2, lot="NEW", expires_on=TODAY + timedelta(days=30))
    with pytest.raises(Conflict) as refused:
        world.use(vaccine, store, 3)
    assert refused.value.details == {"on_hand": 2, "asked": 3}
    with pytest.raises(Conflict) as expired:
        world.use(vaccine, store, 1, lot="OLD")
    assert expired.value.code == "lot_expired"


def test_lot_tracked_receipt_names_its_lot_and_expiry(world):
    store = world.location()
    vaccine = world.item("Flu vaccine", lot_tracked=True, expiry_tracked=True)
    with pytest.raises(Invalid) as no_lot:
        world.receive(vaccine, store, 5, expires_on=TODAY)
    assert no_lot.value.code == "lot_required"
    with pytest.raises(Invalid) as no_expiry:
        world.receive(vaccine, store, 5, lot="A1")
    assert no_expiry.value.code == "expiry_required"


def test_transfer_moves_lots_between_locations_in_one_movement(world):
    store, cart = world.location(), world.location("Exam cart 1", "exam_room_cart")
    vaccine = world.item("Flu vaccine", lot_tracked=True, expiry_tracked=True)
    world.receive(vaccine, store, 4, lot="A", expires_on=TODAY + timedelta(days=5))
    world.receive(vaccine, store, 4, lot="B", expires_on=TODAY + timedelta(days=50))
    world.movements.record(NURSE, MovementIn(kind="transfer", item_id=vaccine, location_id=store,
                                             to_location_id=cart, quantity=6))
    assert world.lots(vaccine, store) == {"A": 0, "B": 2}
    assert world.lots(vaccine, cart) == {"A": 4, "B": 2}
    assert (world.on_hand(vaccine, store), world.on_hand(vaccine, cart)) == (2, 6)
    assert world.drift.run(PRACTICE).drift == []


def test_adjustment_down_never_goes_below_zero(world):
    store, gloves = world.location(), world.item()
    world.receive(gloves, store, 3)
    with pytest.raises(Conflict):
        world.movements.record(COORDINATOR, MovementIn(kind="adjust", item_id=gloves, location_id=store, delta=-4,
                                                       reason="damaged"))
    world.movements.record(COORDINATOR, MovementIn(kind="adjust", item_id=gloves, location_id=store, delta=-3,
                                                   reason="damaged"))
    assert world.on_hand(gloves, store) == 0


def test_controlled_write_off_needs_another_staff_member_as_witness(world):
    store = world.location()
    morphine = world.item("Morphine 10mg", controlled=True, lot_tracked=True, expiry_tracked=True)
    world.receive(morphine, store, 10, lot="M1", expires_on=TODAY - timedelta(days=2))
    body = dict(kind="destroy", item_id=morphine, location_id=store, quantity=2, reason="expired")
    with pytest.raises(Invalid) as none:
        world.movements.record(COORDINATOR, MovementIn(**body))
    assert none.value.code == "witness_required"
    with pytest.raises(Invalid):
        world.movements.record(COORDINATOR, MovementIn(**body, witness_id=COORDINATOR.user_id))
    movement = world.movements.record(COORDINATOR, MovementIn(**body, witness_id="nurse-1"))
    assert movement.witness_id == "nurse-1" and world.lots(morphine, store) == {"M1": 8}


def test_the_same_idempotency_key_posts_once(world):
    store, gloves = world.location(), world.item()
    world.receive(gloves, store, 10)
    body = MovementIn(kind="use", item_id=gloves, location_id=store, quantity=4, appointment_id="appt-1")
    first = world.movements.record(NURSE, body, "use-key-0001")
    again = world.movements.record(NURSE, body, "use-key-0001")
    assert again.id == first.id and again.appointment_id == "appt-1"
    assert world.on_hand(gloves, store) == 6


def test_a_receipt_retried_posts_nothing_twice(world):
    from functions.inventory.models.reorder import ReceiptLine

    store, gloves = world.location(), world.item()
    lines = [ReceiptLine(item_id=gloves, location_id=store, quantity=100),
             ReceiptLine(item_id=gloves, location_id=store, quantity=50)]
    world.movements.receive(PRACTICE, "RECEIPT1", lines, COORDINATOR, purchase_order_id="PO1")
    world.movements.receive(PRACTICE, "RECEIPT1", lines, COORDINATOR, purchase_order_id="PO1")
    assert world.on_hand(gloves, store) == 150
    moved = world.ledger.ledger[(PRACTICE, gloves)]
    assert sorted(moved) == ["RECEIPT1-0", "RECEIPT1-1"]
    assert {m.purchase_order_id for m in moved.values()} == {"PO1"}


def test_a_lot_keeps_the_expiry_it_was_received_with(world):
    store = world.location()
    vaccine = world.item("Flu vaccine", lot_tracked=True, expiry_tracked=True)
    world.receive(vaccine, store, 5, lot="A", expires_on=date(2026, 6, 1))
    with pytest.raises(Conflict) as mismatch:
        world.receive(vaccine, store, 5, lot="A", expires_on=date(2026, 7, 1))
    assert mismatch.value.code == "lot_expiry_mismatch"


def test_a_movement_of_an_unknown_item_or_location_is_422(world):
    store = world.location()
    with pytest.raises(Invalid):
        world.receive("NOPE", store, 1)
    with pytest.raises(Invalid):
        world.receive(world.item(), "NOWHERE", 1)


def test_the_drift_check_finds_a_balance_written_outside_the_ledger(world):
    store, gloves = world.location(), world.item()
    world.receive(gloves, store, 10)
    level = world.ledger.levels[(PRACTICE, gloves, store)]
    world.ledger.levels[(PRACTICE, gloves, store)] = level.model_copy(update={"on_hand": 12})
    report = world.drift.run(PRACTICE)
    assert [(d.lot, d.recorded, d.derived) for d in report.drift] == [(None, 12, 10)]
    assert report.items_checked == 1 and report.movements_read == 1


def test_a_writer_that_lost_the_race_plans_again_from_the_new_balance(world):
    store, gloves = world.location(), world.item()
    world.receive(gloves, store, 5)
    real_level = world.ledger.level
    raced = {"done": False}

    def level_then_someone_uses_two(practice_id, item_id, location_id):
        read = real_level(practice_id, item_id, location_id)
        if not raced["done"]:
            raced["done"] = True
            world.use(gloves, store, 2, by=caller(user="other"))
        return read

    world.ledger.level = level_then_someone_uses_two
    with pytest.raises(Conflict):
        world.use(gloves, store, 4)  # planned on 5, retried on 3: refused, nothing written
    world.ledger.level = real_level
    assert world.on_hand(gloves, store) == 3


def test_a_receipt_with_a_bad_line_posts_none_of_its_lines(world):
    from functions.inventory.models.reorder import ReceiptLine

    store, gloves = world.location(), world.item()
    vaccine = world.item("Flu vaccine", lot_tracked=True, expiry_tracked=True)
    with pytest.raises(Invalid):
        world.movements.receive(PRACTICE, "R2", [ReceiptLine(item_id=gloves, location_id=store, quantity=5),
                                                 ReceiptLine(item_id=vaccine, location_id=store, quantity=5)],
                                COORDINATOR)
    with pytest.raises(Invalid) as zero:
        world.movements.receive(PRACTICE, "R3", [ReceiptLine(item_id=gloves, location_id=store, quantity=0)],
                                COORDINATOR)
    assert zero.value.code == "invalid_receipt_line"
    assert world.on_hand(gloves, store) == 0
