"""What the inventory use cases need from the world, each named for its role. DynamoDB adapters are in
`dynamo/`; tests use the fakes in `tests/fakes/inventory.py`."""

from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol

from functions.core.audit import AuditDraft
from functions.core.auth import Caller
from functions.core.events import DomainEvent
from functions.core.idempotency import IdempotencyClaim, IdempotentRequest
from functions.inventory.models.catalogue import Item, Location, Supplier
from functions.inventory.models.counts import CountSheet
from functions.inventory.models.purchase_orders import OrderingSettings, PurchaseOrder
from functions.inventory.models.reorder import ReceiptLine, ReorderLine
from functions.inventory.models.stock import Level, LotBalance, Movement, StockChange

# --- stock ------------------------------------------------------------------------------------------------


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


# --- the seam: ordering's use cases depend on these two only ----------------------------------------------


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


# --- purchase orders ---------------------------------------------------------------------------------------


class PurchaseOrderBook(Protocol):
    """The practice's purchase orders, and which (item, location) each open one holds."""

    def order(self, practice_id: str, order_id: str) -> PurchaseOrder | None: ...

    def orders(self, practice_id: str, state: str, limit: int = 100) -> list[PurchaseOrder]:
        """The orders in `state`, newest first."""

    def holder(self, practice_id: str, item_id: str, location_id: str) -> str | None:
        """The open order holding (item, location), if one does."""

    def create(self, order: PurchaseOrder, audit: AuditDraft, events: Sequence[DomainEvent] = (),
               claim: IdempotencyClaim | None = None) -> None:
        """The order and one hold per line, all or nothing: AlreadyOnOrder (naming the place) when another open
        order holds one of its (item, location)s."""

    def save(self, order: PurchaseOrder, audit: AuditDraft, events: Sequence[DomainEvent] = (),
             claim: IdempotencyClaim | None = None) -> None:
        """The order over the version before it (PreconditionFailed when it moved); a closed order (received,
        cancelled) releases its holds in the same write."""

    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None: ...


class OrderingSettingsStore(Protocol):
    def settings(self, practice_id: str) -> OrderingSettings: ...

    def save(self, practice_id: str, settings: OrderingSettings, audit: AuditDraft) -> None:
        """Over the version before it (0: none yet); PreconditionFailed when it moved."""


class SupplierOutbox(Protocol):
    """How an order reaches its supplier: the message to write with the order's move to sent."""

    def order_message(self, order: PurchaseOrder) -> DomainEvent: ...

    def cancel_message(self, order: PurchaseOrder) -> DomainEvent:
        """Tells a supplier who has the order that it is cancelled."""


class StaffNotices(Protocol):
    def to_staff(self, practice_id: str, user_id: str, title: str, details: str, key: str,
                 about: tuple[str, str]) -> DomainEvent:
        """A work notice about (entity, id); the same `key` is one message however often it is asked for."""


class OrderWorkflow(Protocol):
    def start(self, practice_id: str, order_id: str, version: int) -> None:
        """Run one order (at this version: a later start is a new run) through approval and sending."""

    def resume(self, task_token: str, outcome: dict[str, Any]) -> bool:
        """Hand the coordinator's answer to the run waiting on it; False when no run waits on the token."""
