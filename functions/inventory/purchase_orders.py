"""Purchase orders as people handle them: list and read, a manual order, the coordinator's approval or
rejection, cancelling, and the ordering settings (the spending limit above which the coordinator approves)."""

from collections.abc import Callable
from datetime import datetime

from functions.core import authz, business
from functions.core.auth import Caller
from functions.core.errors import Conflict, NotFound, stale
from functions.core.idempotency import IdempotentRequest, run_once
from functions.core.ids import new_id
from functions.core.service import AreaService, AuditTrail
from functions.core.types import ExpectedVersion
from functions.inventory.models.purchase_orders import (
    OrderingSettings,
    OrderingSettingsIn,
    OrderingSettingsView,
    OrderLine,
    PurchaseOrder,
    PurchaseOrderIn,
    PurchaseOrderList,
    PurchaseOrderView,
)
from functions.inventory.ordering import move
from functions.inventory.ports import (
    OrderingSettingsStore,
    OrderWorkflow,
    PurchaseOrderBook,
    SupplierOutbox,
)

ENTITY = "PURCHASE_ORDER"


class PurchaseOrders(AreaService):
    def __init__(self, book: PurchaseOrderBook, settings: OrderingSettingsStore, workflow: OrderWorkflow,
                 supplier: SupplierOutbox, audit: AuditTrail, now: Callable[[], datetime]) -> None:
        self.book, self.settings_store, self.workflow, self.supplier = book, settings, workflow, supplier
        self.audit, self.now = audit, now

    def _order(self, caller: Caller, order_id: str) -> PurchaseOrder:
        order = self.book.order(caller.practice_id, order_id)
        if order is None:
            raise NotFound("no such purchase order")
        return order

    @staticmethod
    def _current(order: PurchaseOrder, expected: ExpectedVersion) -> None:
        if expected() != order.version:
            raise stale("purchase order")

    def list(self, caller: Caller, state: str) -> PurchaseOrderList:
        authz.authorize(caller, "inventory.order.read")
        return PurchaseOrderList(purchase_orders=[PurchaseOrderView.of(o)
                                                  for o in self.book.orders(caller.practice_id, state)])

    def read(self, caller: Caller, order_id: str) -> PurchaseOrderView:
        authz.authorize(caller, "inventory.order.read")
        return PurchaseOrderView.of(self._order(caller, order_id))

    def create(self, caller: Caller, body: PurchaseOrderIn, key: str | None = None) -> PurchaseOrderView:
        """A manual order: held like any other (409 when an open order has one of its items at that place),
        then run through approval and sending like the ones the reorder run makes."""
        authz.authorize(caller, "inventory.order.create")

        def work(request: IdempotentRequest | None) -> PurchaseOrderView:
            order_id = new_id()
            order = PurchaseOrder(
                id=order_id, practice_id=caller.practice_id, supplier_id=body.supplier_id, trigger="manual",
                run=f"manual-{order_id}", lines=[OrderLine(**line.model_dump()) for line in body.lines],
                created_at=self._at(), created_by=caller.user_id)
            view = PurchaseOrderView.of(order)
            self.book.create(order, self._draft(caller, "inventory.order.create", ENTITY, order.id),
                             claim=request.answered(view) if request else None)
            business.send("PurchaseOrdersCreated", 1)  # here, not on a replay
            self.workflow.start(caller.practice_id, order.id, order.version)
            return view

        def replayed(stored: dict) -> PurchaseOrderView:
            view = PurchaseOrderView.model_validate(stored)
            self.workflow.start(caller.practice_id, view.id, view.version)  # started, unless the first try died
            return view

        return run_once(self.book, caller.practice_id, key, "inventory.order.create", body, work, replayed)

    def approve(self, caller: Caller, order_id: str, expected: ExpectedVersion,
                reason: str | None = None) -> PurchaseOrderView:
        """The coordinator's yes: recorded on the order, then handed to the run waiting on it, which sends it."""
        authz.authorize(caller, "inventory.order.approve")
        order = self._order(caller, order_id)
        self._current(order, expected)
        approved = self._decided(caller, order, move(self._waiting(order), "approved"), reason)
        self.book.save(approved, self._draft(caller, "inventory.order.approve", ENTITY, order.id))
        if not self._resume(order, "approve", caller):
            # no run waits (it failed, or its token timed out into the reminder): a new run sends the order; the
            # reminder's wait, if there is one, finds it approved and sent, and sends nothing twice
            self.workflow.start(caller.practice_id, approved.id, approved.version)
        return PurchaseOrderView.of(approved)

    def reject(self, caller: Caller, order_id: str, expected: ExpectedVersion,
               reason: str | None = None) -> PurchaseOrderView:
        """The coordinator's no: the order is cancelled and its items may be ordered again."""
        authz.authorize(caller, "inventory.order.approve")
        order = self._order(caller, order_id)
        self._current(order, expected)
        rejected = self._decided(caller, order, move(self._waiting(order), "cancelled"), reason or "rejected")
        self.book.save(rejected, self._draft(caller, "inventory.order.reject", ENTITY, order.id))
        self._resume(order, "reject", caller)
        return PurchaseOrderView.of(rejected)

    def cancel(self, caller: Caller, order_id: str, expected: ExpectedVersion,
               reason: str | None = None) -> PurchaseOrderView:
        """Any open order; what it held may be ordered again. A supplier who has the order is told."""
        authz.authorize(caller, "inventory.order.cancel")
        order = self._order(caller, order_id)
        self._current(order, expected)
        cancelled = self._decided(caller, order, move(order.state, "cancelled"), reason or "cancelled")
        told = [self.supplier.cancel_message(order)] if order.state in ("sent", "partially_received") else []
        self.book.save(cancelled, self._draft(caller, "inventory.order.cancel", ENTITY, order.id), told)
        self._resume(order, "cancel", caller)
        return PurchaseOrderView.of(cancelled)

    @staticmethod
    def _waiting(order: PurchaseOrder) -> str:
        """Only an order waiting for the coordinator is decided (a draft is still being routed: 409 until then)."""
        if order.state != "awaiting_approval":
            raise Conflict(f"the purchase order is {order.state}, not awaiting approval",
                           code="not_awaiting_approval")
        return order.state

    def _decided(self, caller: Caller, order: PurchaseOrder, state: str, reason: str | None) -> PurchaseOrder:
        return order.model_copy(update={"state": state, "decided_by": caller.user_id, "decided_at": self._at(),
                                        "reason": reason, "task_token": None, "version": order.version + 1})

    def _resume(self, order: PurchaseOrder, decision: str, caller: Caller) -> bool:
        """Whether a run waiting on the order took the answer."""
        if not order.task_token:
            return False
        return self.workflow.resume(order.task_token, {"decision": decision, "by": caller.user_id})

    # --- settings ----------------------------------------------------------------------------------------

    def ordering_settings(self, caller: Caller) -> OrderingSettingsView:
        authz.authorize(caller, "inventory.order.read")
        return OrderingSettingsView(**self.settings_store.settings(caller.practice_id).model_dump())

    def set_ordering_settings(self, caller: Caller, body: OrderingSettingsIn,
                              expected: ExpectedVersion) -> OrderingSettingsView:
        authz.authorize(caller, "inventory.order.configure")
        current = self.settings_store.settings(caller.practice_id)
        if expected() != current.version:
            raise stale("ordering settings")
        changed = OrderingSettings(**body.model_dump(), version=current.version + 1)
        self.settings_store.save(caller.practice_id, changed,
                                 self._draft(caller, "inventory.order.configure", "ORDERING_SETTINGS", "ordering"))
        return OrderingSettingsView(**changed.model_dump())
