"""Who may do what in inventory: staff record use and receipts and read stock; the coordinator keeps the
catalogue, adjusts, writes off and sets levels; a patient reaches nothing."""

import pytest

from functions.core.auth import Role
from functions.core.errors import Forbidden
from functions.inventory.models.catalogue import ItemIn, LocationIn, SupplierIn
from functions.inventory.models.stock import MovementIn
from tests.unit.inventory.support import COORDINATOR, PATIENT, World, caller

STAFF_ROLES = [Role.STAFF, Role.PRACTITIONER, Role.FRONT_DESK]


@pytest.fixture
def world() -> World:
    return World()


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_record_receipts_and_use_and_read_stock(world, role):
    store, gloves = world.location(), world.item()
    who = caller(role, f"{role.value}-1")
    world.receive(gloves, store, 5, by=who)
    world.use(gloves, store, 2, by=who)
    assert world.levels.stock(who, gloves, store).on_hand == 3
    assert world.catalogue.all_items(who).items[0].id == gloves


@pytest.mark.parametrize("role", STAFF_ROLES + [Role.BILLING, Role.PRIVACY_OFFICER])
def test_only_the_coordinator_keeps_the_catalogue_and_adjusts(world, role):
    store, gloves = world.location(), world.item()
    who = caller(role, f"{role.value}-1")
    with pytest.raises(Forbidden):
        world.catalogue.add_item(who, ItemIn(name="X", category="c", unit_of_use="each", pack_size=1))
    with pytest.raises(Forbidden):
        world.catalogue.add_location(who, LocationIn(name="X", kind="clinic"))
    with pytest.raises(Forbidden):
        world.suppliers.add(who, SupplierIn(name="X", email="x@example.org"))
    with pytest.raises(Forbidden):
        world.movements.record(who, MovementIn(kind="adjust", item_id=gloves, location_id=store, delta=1,
                                               reason="found"))
    with pytest.raises(Forbidden):
        world.movements.record(who, MovementIn(kind="expire", item_id=gloves, location_id=store, quantity=1,
                                               reason="expired"))


@pytest.mark.parametrize("role", [Role.PATIENT, Role.PRIVACY_OFFICER])
def test_a_patient_and_the_privacy_officer_reach_nothing(world, role):
    store, gloves = world.location(), world.item()
    who = PATIENT if role is Role.PATIENT else caller(role, "po-1")
    for attempt in (lambda: world.catalogue.all_items(who), lambda: world.levels.stock(who, gloves, store),
                    lambda: world.use(gloves, store, 1, by=who), lambda: world.suppliers.everyone(who)):
        with pytest.raises(Forbidden):
            attempt()


def test_every_change_is_audited(world):
    store, gloves = world.location(), world.item()
    world.receive(gloves, store, 5)
    assert world.audit.actions() == ["inventory.location.create", "inventory.item.create",
                                     "inventory.movement.receive"]
    assert world.audit.entries[-1].actor == COORDINATOR.user_id


def test_a_supplier_carries_its_contact_card(world):
    supplier = world.supplier()
    card = world.supplier_book.card("practice-unit", supplier)
    assert card.email == "orders@medsupply.example" and card.channels == ["email"]
    assert card.owner == "inventory.supplier"
