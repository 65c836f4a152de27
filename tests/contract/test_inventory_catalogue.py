"""ItemCatalogue, LocationBook, SupplierBook and CountSheets: the fakes and the DynamoDB adapters behave alike."""

import pytest

from functions.core.errors import Conflict, PreconditionFailed
from functions.inventory.models.counts import CountLine, CountSheet
from tests.contract.inventory_support import AT, PRACTICE, audit, stock_world


@pytest.fixture(params=["fake", "dynamo"])
def world(request):
    return stock_world(request)


def test_items_are_read_back_and_listed_by_name(world):
    world.item("i2", "Syringes")
    world.item("i1", "gauze")
    world.item("i3", "Alcohol swabs")
    assert world.items.item(PRACTICE, "i1").name == "gauze"
    assert world.items.item(PRACTICE, "nope") is None
    assert [i.name for i in world.items.items(PRACTICE)] == ["Alcohol swabs", "gauze", "Syringes"]
    assert world.items.items("another-practice") == []


def test_a_record_follows_the_version_it_was_read_at(world):
    world.item("i1")
    item = world.items.item(PRACTICE, "i1")
    with pytest.raises(Conflict):
        world.items.save(item, audit())  # version 1 again: someone else made it first
    world.items.save(item.model_copy(update={"version": 2, "pack_size": 5}), audit())
    with pytest.raises(PreconditionFailed):
        world.items.save(item.model_copy(update={"version": 2, "pack_size": 7}), audit())
    assert world.items.item(PRACTICE, "i1").pack_size == 5


def test_locations_and_suppliers_are_kept_like_items(world):
    world.location("l2", "Store room")
    world.location("l1", "Cart")
    world.supplier("s1")
    assert [loc.name for loc in world.locations.locations(PRACTICE)] == ["Cart", "Store room"]
    assert world.suppliers.supplier(PRACTICE, "s1").email == "s1@example.org"
    assert [s.id for s in world.suppliers.suppliers(PRACTICE)] == ["s1"]
    supplier = world.suppliers.supplier(PRACTICE, "s1")
    world.suppliers.save(supplier.model_copy(update={"version": 2, "email": "new@example.org"}), audit())
    with pytest.raises(PreconditionFailed):
        world.suppliers.save(supplier.model_copy(update={"version": 2}), audit())


def test_a_count_sheet_keeps_its_lines_and_versions(world):
    sheet = CountSheet(id="c1", practice_id=PRACTICE, location_id="l1", status="open", version=1, created_at=AT,
                       updated_at=AT, lines=[CountLine(item_id="i1", lot="untracked-stock", expected=4)])
    world.sheets.save(sheet, audit())
    stored = world.sheets.sheet(PRACTICE, "c1")
    assert stored.lines[0].expected == 4 and stored.lines[0].counted is None
    stored.lines[0].counted = 3
    world.sheets.save(stored.model_copy(update={"version": 2}), audit())
    assert world.sheets.sheet(PRACTICE, "c1").lines[0].counted == 3
    with pytest.raises(PreconditionFailed):
        world.sheets.save(stored.model_copy(update={"version": 2}), audit())
    assert world.sheets.sheet(PRACTICE, "nope") is None
