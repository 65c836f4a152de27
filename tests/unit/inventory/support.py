"""The inventory use cases wired to the fakes, with a fixed clock, and callers of each kind."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from functions.core.auth import Caller, Role
from functions.core.clock import FixedClock
from functions.inventory.catalogue import Catalogue
from functions.inventory.counts import Counts
from functions.inventory.drift import DriftCheck
from functions.inventory.expiry import ExpiryWatch
from functions.inventory.ledger import StockMovements
from functions.inventory.levels import ReorderLines, StockLevels
from functions.inventory.models.catalogue import ItemIn, LocationIn, OfferIn, SupplierIn
from functions.inventory.models.stock import LevelsIn, MovementIn
from functions.inventory.staff_notices import OutboxStaffNotices
from functions.inventory.suppliers import Suppliers
from tests.fakes.audit import FakeAuditTrail
from tests.fakes.inventory import (
    FakeCoordinators,
    FakeCountSheets,
    FakeItemCatalogue,
    FakeLocationBook,
    FakeStockLedger,
    FakeSupplierBook,
)

PRACTICE = "practice-unit"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


def caller(role: Role = Role.COORDINATOR, user: str = "coord-1") -> Caller:
    return Caller(user_id=user, practice_id=PRACTICE, roles=frozenset({role}), request_id="t")


COORDINATOR = caller()
NURSE = caller(Role.STAFF, "nurse-1")
PATIENT = Caller(user_id="pat-1", practice_id=PRACTICE, roles=frozenset({Role.PATIENT}), patient_id="p-1")


@dataclass
class World:
    clock: FixedClock = field(default_factory=lambda: FixedClock(NOW))
    audit: FakeAuditTrail = field(default_factory=FakeAuditTrail)

    def __post_init__(self) -> None:
        a, now = self.audit, self.clock.now
        self.items, self.locations = FakeItemCatalogue(a), FakeLocationBook(a)
        self.supplier_book, self.ledger, self.sheets = FakeSupplierBook(a), FakeStockLedger(a), FakeCountSheets(a)
        self.coordinators = FakeCoordinators({PRACTICE: ["coord-1", "coord-2"]})
        self.catalogue = Catalogue(self.items, self.locations, self.supplier_book, a, now)
        self.suppliers = Suppliers(self.supplier_book, a, now)
        self.movements = StockMovements(self.items, self.locations, self.ledger, a, now)
        self.levels = StockLevels(self.items, self.locations, self.ledger, self.ledger, a, now)
        self.counts = Counts(self.locations, self.ledger, self.sheets, self.movements, a, now)
        self.expiry = ExpiryWatch(self.ledger, self.coordinators, OutboxStaffNotices(), a, now)
        self.drift = DriftCheck(self.items, self.ledger)
        self.reorder = ReorderLines(self.items, self.ledger, self.ledger)

    # --- set-up in the practice's words ---
    def location(self, name: str = "Store room", kind: str = "store_room") -> str:
        return self.catalogue.add_location(COORDINATOR, LocationIn(name=name, kind=kind)).id

    def supplier(self, name: str = "MedSupply") -> str:
        return self.suppliers.add(COORDINATOR, SupplierIn(name=name, email="orders@medsupply.example")).id

    def item(self, name: str = "Gloves", offers: list[OfferIn] | None = None, **flags) -> str:
        body = ItemIn(name=name, category="consumables", unit_of_use="each", pack_size=100, offers=offers or [],
                      **flags)
        return self.catalogue.add_item(COORDINATOR, body).id

    def receive(self, item: str, location: str, quantity: int, lot: str | None = None,
                expires_on: date | None = None, by: Caller = COORDINATOR):
        return self.movements.record(by, MovementIn(kind="receive", item_id=item, location_id=location,
                                                    quantity=quantity, lot=lot, expires_on=expires_on))

    def use(self, item: str, location: str, quantity: int, lot: str | None = None, by: Caller = NURSE, **more):
        return self.movements.record(by, MovementIn(kind="use", item_id=item, location_id=location,
                                                    quantity=quantity, lot=lot, **more))

    def set_levels(self, item: str, location: str, reorder_point: int, par_level: int):
        version = self.ledger.level(PRACTICE, item, location).version
        return self.levels.set_levels(COORDINATOR, item, location,
                                      LevelsIn(reorder_point=reorder_point, par_level=par_level), lambda: version)

    def on_hand(self, item: str, location: str) -> int:
        return self.ledger.level(PRACTICE, item, location).on_hand

    def lots(self, item: str, location: str) -> dict[str, int]:
        return {b.lot: b.on_hand for b in self.ledger.lots(PRACTICE, item, location)}
