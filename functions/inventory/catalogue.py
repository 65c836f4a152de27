"""The supplies catalogue: items and where stock is kept. Any staff member reads it; the coordinator keeps it."""

from collections.abc import Callable
from datetime import datetime

from functions.core import authz
from functions.core.auth import Caller
from functions.core.errors import Invalid, NotFound, stale
from functions.core.ids import new_id
from functions.core.service import AreaService, AuditTrail
from functions.core.types import ExpectedVersion
from functions.inventory.models.catalogue import (
    Item,
    ItemIn,
    ItemList,
    ItemPatch,
    Location,
    LocationIn,
    LocationList,
    LocationPatch,
    OfferIn,
)
from functions.inventory.ports import ItemCatalogue, LocationBook, SupplierBook

REQUIRED = frozenset({"name", "category", "unit_of_use", "pack_size", "offers"})  # a patch may not clear these


class Catalogue(AreaService):
    def __init__(self, items: ItemCatalogue, locations: LocationBook, suppliers: SupplierBook, audit: AuditTrail,
                 now: Callable[[], datetime]) -> None:
        self.items, self.locations, self.suppliers, self.audit, self.now = items, locations, suppliers, audit, now

    # --- items ---------------------------------------------------------------------------------------------

    def add_item(self, caller: Caller, body: ItemIn) -> Item:
        authz.authorize(caller, "inventory.item.create")
        self._check_offers(caller.practice_id, body.offers)
        at = self._at()
        item = Item(id=new_id(), practice_id=caller.practice_id, **body.model_dump(), version=1, created_at=at,
                    updated_at=at)
        self.items.save(item, self._draft(caller, "inventory.item.create", "INVENTORY_ITEM", item.id, at=at))
        return item

    def item(self, caller: Caller, item_id: str) -> Item:
        authz.authorize(caller, "inventory.item.read")
        item = self.items.item(caller.practice_id, item_id)
        if item is None:
            raise NotFound("no such item")
        return item

    def all_items(self, caller: Caller) -> ItemList:
        authz.authorize(caller, "inventory.item.read")
        return ItemList(items=self.items.items(caller.practice_id))

    def update_item(self, caller: Caller, item_id: str, patch: ItemPatch, expected: ExpectedVersion) -> Item:
        authz.authorize(caller, "inventory.item.update")
        version = expected()
        item = self.item(caller, item_id)
        if item.version != version:
            raise stale("item")
        changes = patch.model_dump(exclude_unset=True)
        if cleared := sorted(k for k, v in changes.items() if v is None and k in REQUIRED):
            raise Invalid(f"{', '.join(cleared)} cannot be cleared", {"fields": cleared}, code="required_field")
        if patch.offers is not None:
            self._check_offers(caller.practice_id, patch.offers)
        at = self._at()
        updated = Item.model_validate({**item.model_dump(), **changes, "version": item.version + 1,
                                       "updated_at": at})
        self.items.save(updated, self._draft(caller, "inventory.item.update", "INVENTORY_ITEM", item_id, at=at))
        return updated

    def _check_offers(self, practice_id: str, offers: list[OfferIn]) -> None:
        unknown = sorted(o.supplier_id for o in offers if self.suppliers.supplier(practice_id, o.supplier_id) is None)
        if unknown:
            raise Invalid("an offer names a supplier the practice does not have", {"suppliers": unknown},
                          code="unknown_supplier")

    # --- locations -----------------------------------------------------------------------------------------

    def add_location(self, caller: Caller, body: LocationIn) -> Location:
        authz.authorize(caller, "inventory.location.create")
        at = self._at()
        location = Location(id=new_id(), practice_id=caller.practice_id, **body.model_dump(), version=1,
                            created_at=at, updated_at=at)
        self.locations.save(location, self._draft(caller, "inventory.location.create", "INVENTORY_LOCATION",
                                                  location.id, at=at))
        return location

    def location(self, caller: Caller, location_id: str) -> Location:
        authz.authorize(caller, "inventory.location.read")
        location = self.locations.location(caller.practice_id, location_id)
        if location is None:
            raise NotFound("no such location")
        return location

    def all_locations(self, caller: Caller) -> LocationList:
        authz.authorize(caller, "inventory.location.read")
        return LocationList(locations=self.locations.locations(caller.practice_id))

    def update_location(self, caller: Caller, location_id: str, patch: LocationPatch,
                        expected: ExpectedVersion) -> Location:
        authz.authorize(caller, "inventory.location.update")
        version = expected()
        location = self.location(caller, location_id)
        if location.version != version:
            raise stale("location")
        changes = {k: v for k, v in patch.model_dump(exclude_unset=True).items() if v is not None}
        at = self._at()
        updated = location.model_copy(update={**changes, "version": location.version + 1, "updated_at": at})
        self.locations.save(updated, self._draft(caller, "inventory.location.update", "INVENTORY_LOCATION",
                                                 location_id, at=at))
        return updated
