"""What the inventory use cases need from the world, each named for its role. DynamoDB adapters are in
`dynamo/`; tests use `tests/fakes/inventory.py` (stock) and `tests/fakes/inventory_orders.py` (orders)."""

from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol

from functions.core.audit import AuditDraft
from functions.core.auth import Caller
from functions.core.events import DomainEvent
from functions.core.idempotency import IdempotencyClaim, IdempotentRequest
from functions.inventory.models.catalogue import Item, Location, Supplier
from functions.inventory.models.counts import CountSheet
from functions.inventory.models.reorder import ReceiptLine, ReorderLine
from functions.inventory.models.stock import Level, LotBalance, Movement, StockChange

# --- stock (invstock) ------------------------------------------------------------------------------------


class ItemCatalogue(Protocol):
    """The practice's supply items, each versioned (first written at 1)."""

    def item(self, practice_id: str, item_id: str) -> Item | None: ...
    def items(self, practice_id: str) -> list[Item]: ...
    def save(self, item: Item, audit: AuditDraft) -> None: ...


class LocationBook(Protocol):
    """Where stock is kept: the clinic, a store room, an exam-room cart."""

    def location(self, practice_id: str, location_id: str) -> Location | None: ...
    def locations(self, practice_id: str) -> list[Location]: ...
    def save(self, location: Location, audit: AuditDraft) -> None: ...


class SupplierBook(Protocol):
    """Suppliers; each carries its contact card (how notifications reach it) in the same write."""

    def supplier(self, practice_id: str, supplier_id: str) -> Supplier | None: ...
    def suppliers(self, practice_id: str) -> list[Supplier]: ...
    def save(self, supplier: Supplier, audit: AuditDraft) -> None: ...


class StockLedger(Protocol):
    """Movements (append-only) and the balances they keep, written together. `post` refuses with StockMoved
    when a level it read has changed since (its `seq`), so nothing is written from a stale balance."""

    def level(self, practice_id: str, item_id: str, location_id: str) -> Level: ...
    def lots(self, practice_id: str, item_id: str, location_id: str) -> list[LotBalance]: ...
    def at_location(self, practice_id: str, location_id: str) -> tuple[list[Level], list[LotBalance]]: ...
    def post(self, change: StockChange, audit: AuditDraft, events: Sequence[DomainEvent] = (),
             claim: IdempotencyClaim | None = None) -> None: ...
    def set_levels(self, before: Level, after: Level, audit: AuditDraft,
                   events: Sequence[DomainEvent] = ()) -> None: ...
    def movement(self, practice_id: str, item_id: str, movement_id: str) -> Movement | None: ...
    def movements(self, practice_id: str, item_id: str, cursor: str | None,
                  limit: int) -> tuple[list[Movement], str | None]: ...
    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None: ...


class StockWatch(Protocol):
    """The two sparse lists jobs read: (item, location)s below their reorder point, and lots with stock that
    expire on or before a day. Each costs what it returns, not what the catalogue holds."""

    def below_reorder_point(self, practice_id: str, cursor: str | None,
                            limit: int) -> tuple[list[Level], str | None]: ...
    def expiring(self, practice_id: str, through: date) -> list[LotBalance]: ...


class LedgerHistory(Protocol):
    """An item's whole ledger and its recorded balances, for the nightly drift check."""

    def history(self, practice_id: str, item_id: str) -> tuple[list[Level], list[LotBalance], list[Movement]]: ...


class CountSheets(Protocol):
    def sheet(self, practice_id: str, count_id: str) -> CountSheet | None: ...
    def save(self, sheet: CountSheet, audit: AuditDraft) -> None: ...


class Coordinators(Protocol):
    """Who hears about low and expiring stock: the practice's coordinators (the staff area's members)."""

    def coordinator_ids(self, practice_id: str) -> list[str]: ...


# --- the seam: invorders' use cases depend on these two only ----------------------------------------------


class ReorderNeeds(Protocol):
    def below_reorder_point(self, practice_id: str, cursor: str | None = None,
                            limit: int = 100) -> tuple[list[ReorderLine], str | None]:
        """Every (item, location) whose on-hand is below its reorder point, from the sparse LOW_STOCK index."""
        ...

    def line(self, practice_id: str, item_id: str, location_id: str) -> ReorderLine | None:
        """One (item, location) as it stands now (None when the item or its par level is unknown)."""
        ...


class StockReceiving(Protocol):
    def receive(self, practice_id: str, receipt_id: str, lines: list[ReceiptLine], by: Caller,
                purchase_order_id: str | None = None) -> None:
        """Post one `receive` movement per line, balances updated in the same transaction. Idempotent by
        receipt_id: movement ids derive from (receipt_id, line index), so a retry posts nothing twice."""
        ...
