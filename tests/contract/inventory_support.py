"""What the inventory contract suites share: every stock port built as the fakes or as the DynamoDB adapters on
moto (one world of each), and the use cases driven over them, so a suite states behaviour once for both."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from functions.core.audit import draft
from functions.core.auth import Caller, Role
from functions.core.clock import FixedClock
from functions.inventory.ledger import StockMovements
from functions.inventory.levels import ReorderLines, StockLevels
from functions.inventory.models.catalogue import Item, Location, OfferIn, Supplier
from functions.inventory.models.stock import LevelsIn, MovementIn

PRACTICE = "practice-contract"
AT = "2026-03-01T12:00:00.000Z"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
CALLER = Caller(user_id="coord-1", practice_id=PRACTICE, roles=frozenset({Role.COORDINATOR}), request_id="t")


def audit(action: str = "test.change", entity: str = "THING", entity_id: str = "x"):
    return draft(CALLER, action, entity, entity_id, AT)


@dataclass
class StockWorld:
    items: Any
    locations: Any
    suppliers: Any
    ledger: Any  # StockLedger and LedgerHistory
    watch: Any  # StockWatch
    sheets: Any
    audit: Any

    def __post_init__(self) -> None:
        now = FixedClock(NOW).now
        self.movements = StockMovements(self.items, self.locations, self.ledger, self.audit, now)
        self.levels = StockLevels(self.items, self.locations, self.ledger, self.watch, self.audit, now)
        self.reorder = ReorderLines(self.items, self.ledger, self.watch)

    def location(self, location_id: str, name: str | None = None) -> str:
        self.locations.save(Location(id=location_id, practice_id=PRACTICE, name=name or location_id, kind="clinic",
                                     version=1, created_at=AT, updated_at=AT), audit())
        return location_id

    def supplier(self, supplier_id: str) -> str:
        self.suppliers.save(Supplier(id=supplier_id, practice_id=PRACTICE, name=supplier_id,
                                     email=f"{supplier_id}@example.org", version=1, created_at=AT, updated_at=AT),
                            audit())
        return supplier_id

    def item(self, item_id: str, name: str | None = None, offers: list[OfferIn] = (), **flags) -> str:
        self.items.save(Item(id=item_id, practice_id=PRACTICE, name=name or item_id, category="c", unit_of_use="each",
                             pack_size=10, offers=list(offers), version=1, created_at=AT, updated_at=AT, **flags),
                        audit())
        return item_id

    def move(self, kind: str, item: str, location: str, quantity: int, **more):
        return self.movements.record(CALLER, MovementIn(kind=kind, item_id=item, location_id=location,
                                                        quantity=quantity, **more))

    def set_levels(self, item: str, location: str, reorder_point: int, par_level: int):
        version = self.ledger.level(PRACTICE, item, location).version
        return self.levels.set_levels(CALLER, item, location,
                                      LevelsIn(reorder_point=reorder_point, par_level=par_level), lambda: version)


def stock_world(request) -> StockWorld:
    """The fakes, or the DynamoDB adapters on a fresh moto table (by the fixture's param)."""
    if request.param == "fake":
        from tests.fakes.audit import FakeAuditTrail
        from tests.fakes.inventory import (
            FakeCountSheets,
            FakeItemCatalogue,
            FakeLocationBook,
            FakeStockLedger,
            FakeSupplierBook,
        )

        trail = FakeAuditTrail()
        ledger = FakeStockLedger(trail)
        return StockWorld(FakeItemCatalogue(trail), FakeLocationBook(trail), FakeSupplierBook(trail), ledger, ledger,
                          FakeCountSheets(trail), trail)
    request.getfixturevalue("cloud")
    from functions.core.audit_store import AuditStore
    from functions.core.table import Table
    from functions.inventory.dynamo.catalogue import (
        DynamoCountSheets,
        DynamoItemCatalogue,
        DynamoLocationBook,
        DynamoSupplierBook,
    )
    from functions.inventory.dynamo.stock import DynamoStockLedger, DynamoStockWatch

    table = Table()
    trail = AuditStore(table)
    return StockWorld(DynamoItemCatalogue(table, trail), DynamoLocationBook(table, trail),
                      DynamoSupplierBook(table, trail), DynamoStockLedger(table, trail), DynamoStockWatch(table),
                      DynamoCountSheets(table, trail), trail)


def later(days: int) -> date:
    from datetime import timedelta

    return TODAY + timedelta(days=days)
