"""Counts and the expiry watch on fakes: a count posts its variances as adjustments (once), the watch reports
per location and tells each coordinator once a day."""

from datetime import timedelta

import pytest

from functions.core.errors import Conflict, Forbidden, Invalid
from functions.inventory.models.counts import CountedIn, CountIn
from tests.unit.inventory.support import COORDINATOR, NURSE, PATIENT, PRACTICE, TODAY, World


@pytest.fixture
def world() -> World:
    return World()


def test_a_posted_count_adjusts_each_counted_lot_to_what_was_on_the_shelf(world):
    store = world.location()
    gloves = world.item()
    vaccine = world.item("Flu vaccine", lot_tracked=True, expiry_tracked=True)
    world.receive(gloves, store, 40)
    world.receive(vaccine, store, 10, lot="V1", expires_on=TODAY + timedelta(days=30))
    sheet = world.counts.open(NURSE, CountIn(location_id=store))
    assert [(line.item_id, line.lot, line.expected) for line in sheet.lines] == sorted(
        [(gloves, "untracked-stock", 40), (vaccine, "V1", 10)])
    sheet = world.counts.record(NURSE, sheet.id, CountedIn(lines=[
        {"item_id": gloves, "lot": "untracked-stock", "counted": 37},
        {"item_id": vaccine, "lot": "V1", "counted": 10}]), lambda: 1)
    with pytest.raises(Forbidden):
        world.counts.post(NURSE, sheet.id, lambda: 2)
    posted = world.counts.post(COORDINATOR, sheet.id, lambda: 2)
    assert posted.status == "posted" and posted.adjustments == 1
    assert world.on_hand(gloves, store) == 37 and world.on_hand(vaccine, store) == 10
    [adjustment] = [m for m in world.ledger.ledger[(PRACTICE, gloves)].values() if m.kind == "adjust"]
    assert adjustment.legs[0].delta == -3 and adjustment.count_id == sheet.id
    with pytest.raises(Conflict):
        world.counts.post(COORDINATOR, sheet.id, lambda: 3)
    assert world.drift.run(PRACTICE).drift == []


def test_a_count_with_nothing_counted_cannot_be_posted(world):
    store = world.location()
    sheet = world.counts.open(NURSE, CountIn(location_id=store))
    with pytest.raises(Invalid):
        world.counts.post(COORDINATOR, sheet.id, lambda: 1)


def test_stock_found_on_the_shelf_is_added_by_the_count(world):
    store, gloves = world.location(), world.item()
    sheet = world.counts.open(NURSE, CountIn(location_id=store))
    world.counts.record(NURSE, sheet.id, CountedIn(lines=[{"item_id": gloves, "lot": "untracked-stock",
                                                           "counted": 12}]), lambda: 1)
    world.counts.post(COORDINATOR, sheet.id, lambda: 2)
    assert world.on_hand(gloves, store) == 12


def test_the_expiry_watch_reports_expired_and_expiring_per_location(world):
    store, cart = world.location(), world.location("Cart", "exam_room_cart")
    vaccine = world.item("Flu vaccine", lot_tracked=True, expiry_tracked=True)
    world.receive(vaccine, store, 5, lot="OLD", expires_on=TODAY - timedelta(days=3))
    world.receive(vaccine, cart, 5, lot="SOON", expires_on=TODAY + timedelta(days=10))
    world.receive(vaccine, store, 5, lot="LATER", expires_on=TODAY + timedelta(days=200))
    report = world.expiry.report(NURSE, within_days=30)
    assert [(lot.lot, lot.location_id) for lot in report.expired] == [("OLD", store)]
    assert [(lot.lot, lot.location_id) for lot in report.expiring] == [("SOON", cart)]
    assert world.expiry.report(NURSE, 30, location_id=cart).expired == []
    with pytest.raises(Forbidden):
        world.expiry.report(PATIENT, 30)


def test_the_daily_expiry_notice_goes_to_each_coordinator_once_a_day(world):
    store = world.location()
    vaccine = world.item("Flu vaccine", lot_tracked=True, expiry_tracked=True)
    assert world.expiry.notify(PRACTICE) == 0
    world.receive(vaccine, store, 5, lot="SOON", expires_on=TODAY + timedelta(days=10))
    assert world.expiry.notify(PRACTICE) == 2
    requests = [e.data["request"] for e in world.audit.events if e.type == "notification.requested"]
    assert sorted(r["recipient"]["user_id"] for r in requests) == ["coord-1", "coord-2"]
    assert {r["idempotency_key"] for r in requests} == {f"inventory-expiry-{TODAY}-coord-1",
                                                        f"inventory-expiry-{TODAY}-coord-2"}


def test_used_up_lots_leave_the_expiry_watch(world):
    store = world.location()
    vaccine = world.item("Flu vaccine", lot_tracked=True, expiry_tracked=True)
    world.receive(vaccine, store, 2, lot="SOON", expires_on=TODAY + timedelta(days=10))
    world.use(vaccine, store, 2)
    assert world.expiry.report(NURSE, 30).expiring == []
