"""In-memory fakes of the purchase-order half of inventory's ports, and of the seam it codes against
(ReorderNeeds, StockReceiving). Each keeps state like its adapter and enforces the same conditions (versions,
one open order per item and place, idempotency keys, a receipt posted once); tests/contract/ holds the fakes
and the DynamoDB adapters to one behaviour."""

import threading
from collections.abc import Sequence
from typing import Any

from functions.core.auth import Caller
from functions.core.errors import Conflict, Invalid, stale
from functions.core.events import DomainEvent
from functions.core.idempotency import IdempotencyClaim
from functions.inventory.models.purchase_orders import OrderingSettings, PurchaseOrder
from functions.inventory.models.reorder import ReceiptLine, ReorderLine
from functions.inventory.ordering import AlreadyOnOrder
from tests.fakes.audit import FakeAuditTrail
from tests.fakes.idempotency import FakeIdempotencyKeys


class FakePurchaseOrderBook(FakeIdempotencyKeys):
    def __init__(self, audit: FakeAuditTrail) -> None:
        super().__init__()
        self.audit = audit
        self.stored: dict[tuple[str, str], PurchaseOrder] = {}
        self.holds: dict[tuple[str, str, str], str] = {}

    def order(self, practice_id: str, order_id: str) -> PurchaseOrder | None:
        return self.stored.get((practice_id, order_id))

    def orders(self, practice_id: str, state: str, limit: int = 100) -> list[PurchaseOrder]:
        found = [o for (p, _), o in self.stored.items() if p == practice_id and o.state == state]
        return sorted(found, key=lambda o: (o.created_at, o.id), reverse=True)[:limit]

    def holder(self, practice_id: str, item_id: str, location_id: str) -> str | None:
        return self.holds.get((practice_id, item_id, location_id))

    def create(self, order: PurchaseOrder, audit, events: Sequence[DomainEvent] = (),
               claim: IdempotencyClaim | None = None) -> None:
        with self.audit.lock:
            if (order.practice_id, order.id) in self.stored:
                raise Conflict("the purchase order exists already", code="conflict")
            for line in order.lines:
                if (order.practice_id, line.item_id, line.location_id) in self.holds:
                    raise AlreadyOnOrder(line.item_id, line.location_id)
            self.check(order.practice_id, claim)
            self.stored[(order.practice_id, order.id)] = order
            for line in order.lines:
                self.holds[(order.practice_id, line.item_id, line.location_id)] = order.id
            self.keep(order.practice_id, claim)
            self.audit.commit(audit, events)

    def save(self, order: PurchaseOrder, audit, events: Sequence[DomainEvent] = (),
             claim: IdempotencyClaim | None = None) -> None:
        with self.audit.lock:
            before = self.stored.get((order.practice_id, order.id))
            if before is None or before.version != order.version - 1:
                raise stale("purchase order")
            self.check(order.practice_id, claim)
            self.stored[(order.practice_id, order.id)] = order
            if not order.open:
                for line in order.lines:
                    place = (order.practice_id, line.item_id, line.location_id)
                    if self.holds.get(place) == order.id:
                        del self.holds[place]
            self.keep(order.practice_id, claim)
            self.audit.commit(audit, events)


class FakeOrderingSettings:
    def __init__(self, audit: FakeAuditTrail) -> None:
        self.audit = audit
        self.stored: dict[str, OrderingSettings] = {}

    def settings(self, practice_id: str) -> OrderingSettings:
        return self.stored.get(practice_id, OrderingSettings())

    def save(self, practice_id: str, settings: OrderingSettings, audit) -> None:
        with self.audit.lock:
            if self.settings(practice_id).version != settings.version - 1:
                raise stale("ordering settings")
            self.stored[practice_id] = settings
            self.audit.commit(audit)


class FakeOrderWorkflow:
    """What the Step Functions adapter would be asked: starts (one per order and version, like an execution
    name) and answers handed to waiting tokens; a token in `gone` is one no run waits on."""

    def __init__(self) -> None:
        self.started: list[tuple[str, str, int]] = []
        self.resumed: list[tuple[str, dict[str, Any]]] = []
        self.gone: set[str] = set()

    def start(self, practice_id: str, order_id: str, version: int) -> None:
        if (practice_id, order_id, version) not in self.started:
            self.started.append((practice_id, order_id, version))

    def resume(self, task_token: str, outcome: dict[str, Any]) -> bool:
        if task_token in self.gone:
            return False
        self.resumed.append((task_token, outcome))
        return True


class FakeCoordinators:
    def __init__(self, by_practice: dict[str, list[str]] | None = None) -> None:
        self.by_practice = by_practice or {}

    def coordinator_ids(self, practice_id: str) -> list[str]:
        return list(self.by_practice.get(practice_id, []))


# --- the seam: what invstock's adapters do, as far as ordering sees it ------------------------------------------

class FakeStock:
    """ReorderNeeds and StockReceiving over one in-memory stock: each (item, location)'s line, a receipt adding
    to on-hand once per receipt id, and the low lines found as the sparse LOW_STOCK index would (below the
    reorder point only, in (item, location) order, paged by an opaque cursor)."""

    def __init__(self) -> None:
        self.lines: dict[tuple[str, str, str], ReorderLine] = {}
        self.receipts: dict[tuple[str, str], list[ReceiptLine]] = {}
        self.lock = threading.RLock()

    def put(self, practice_id: str, line: ReorderLine) -> None:
        self.lines[(practice_id, line.item_id, line.location_id)] = line

    def below_reorder_point(self, practice_id: str, cursor: str | None = None,
                            limit: int = 100) -> tuple[list[ReorderLine], str | None]:
        low = sorted((line for (p, _, _), line in self.lines.items()
                      if p == practice_id and line.on_hand < line.reorder_point),
                     key=lambda line: (line.item_id, line.location_id))
        start = int(cursor) if cursor else 0
        page = low[start:start + limit]
        more = start + limit < len(low)
        return page, (str(start + limit) if more else None)

    def line(self, practice_id: str, item_id: str, location_id: str) -> ReorderLine | None:
        return self.lines.get((practice_id, item_id, location_id))

    def receive(self, practice_id: str, receipt_id: str, lines: list[ReceiptLine], by: Caller,
                purchase_order_id: str | None = None) -> None:
        with self.lock:
            if (practice_id, receipt_id) in self.receipts:
                return
            for received in lines:
                if received.quantity <= 0:
                    raise Invalid("a receipt line receives at least one unit", code="invalid_quantity")
                if (practice_id, received.item_id, received.location_id) not in self.lines:
                    raise Invalid(f"no item {received.item_id} at {received.location_id}", code="unknown_item")
            for received in lines:
                key = (practice_id, received.item_id, received.location_id)
                line = self.lines[key]
                self.lines[key] = line.model_copy(update={"on_hand": line.on_hand + received.quantity})
            self.receipts[(practice_id, receipt_id)] = list(lines)
