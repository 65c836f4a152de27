"""Receiving against a purchase order: what arrived (all of it or part, with lots and expiry) goes into stock
through the ledger, and the order records it; the last of it closes the order and frees its items to be
ordered again."""

import hashlib
from collections.abc import Callable
from datetime import datetime

from functions.core import authz
from functions.core.auth import Caller
from functions.core.errors import Conflict, Invalid, NotFound, PreconditionFailed
from functions.core.idempotency import IdempotentRequest, run_once
from functions.core.ids import new_id
from functions.core.service import AreaService, AuditTrail
from functions.inventory.models.purchase_orders import PurchaseOrder, PurchaseOrderView, ReceiptIn
from functions.inventory.models.reorder import ReceiptLine
from functions.inventory.ordering import move
from functions.inventory.ports import PurchaseOrderBook, StockReceiving

RECEIVABLE = frozenset({"sent", "partially_received"})
ATTEMPTS = 4


def receipt_id_for(practice_id: str, order_id: str, key: str | None) -> str:
    """With an Idempotency-Key, the same receipt id on every retry, so the ledger posts it once even when the
    first try died between the stock and the order."""
    if key is None:
        return new_id()
    return "R" + hashlib.sha256(f"{practice_id}\x00{order_id}\x00{key}".encode()).hexdigest()[:31]


def apply_receipt(order: PurchaseOrder, body: ReceiptIn) -> PurchaseOrder:
    """The order with the receipt's units added to its lines. A line the order does not have, or more than is
    still outstanding, is refused (nothing is received)."""
    lines = {(line.item_id, line.location_id): line for line in order.lines}
    received: dict[tuple[str, str], int] = {}
    for arrived in body.lines:
        place = (arrived.item_id, arrived.location_id)
        if place not in lines:
            raise Invalid(f"item {arrived.item_id} at {arrived.location_id} is not on this order",
                          code="not_on_order")
        received[place] = received.get(place, 0) + arrived.quantity
    for place, units in received.items():
        if units > lines[place].outstanding:
            raise Conflict(f"{units} units of {place[0]} at {place[1]} is more than the "
                           f"{lines[place].outstanding} still outstanding", code="over_receipt")
    updated = [line.model_copy(update={"received_units": line.received_units
                                       + received.get((line.item_id, line.location_id), 0)})
               for line in order.lines]
    complete = all(line.outstanding == 0 for line in updated)
    return order.model_copy(update={"lines": updated,
                                    "state": move(order.state, "received" if complete else "partially_received"),
                                    "version": order.version + 1})


class OrderReceiving(AreaService):
    def __init__(self, book: PurchaseOrderBook, stock: Callable[[], StockReceiving], audit: AuditTrail,
                 now: Callable[[], datetime]) -> None:
        # the stock side is built on the first receipt that reaches it (like staff's solver): a receipt refused
        # before (no such order, not sent, more than outstanding) never loads the ledger's adapter
        self.book, self.stock, self.audit, self.now = book, stock, audit, now

    def receive(self, caller: Caller, order_id: str, body: ReceiptIn, key: str | None = None) -> PurchaseOrderView:
        authz.authorize(caller, "inventory.order.receive")

        def work(request: IdempotentRequest | None) -> PurchaseOrderView:
            receipt_id = receipt_id_for(caller.practice_id, order_id, key)
            for _ in range(ATTEMPTS):  # the workflow or another receipt may write the order meanwhile
                order = self.book.order(caller.practice_id, order_id)
                if order is None:
                    raise NotFound("no such purchase order")
                if receipt_id in order.receipt_ids:
                    return PurchaseOrderView.of(order)
                if order.state not in RECEIVABLE:
                    raise Conflict(f"a purchase order that is {order.state} receives nothing",
                                   code="purchase_order_state")
                updated = apply_receipt(order, body)
                updated = updated.model_copy(update={"receipt_ids": [*order.receipt_ids, receipt_id]})
                # stock first: the ledger is idempotent by receipt id, the order by its receipt ids
                self.stock().receive(caller.practice_id, receipt_id,
                                   [ReceiptLine(**line.model_dump()) for line in body.lines], caller,
                                   purchase_order_id=order.id)
                view = PurchaseOrderView.of(updated)
                try:
                    self.book.save(updated, self._draft(caller, "inventory.order.receive", "PURCHASE_ORDER",
                                                        order.id), claim=request.answered(view) if request else None)
                except PreconditionFailed:
                    continue
                return view
            raise Conflict("the purchase order is busy; try again", code="purchase_order_busy")

        return run_once(self.book, caller.practice_id, key, f"inventory.order.receive:{order_id}", body, work,
                        PurchaseOrderView.model_validate)
