"""The low-stock reorder workflow's steps (statemachines/low_stock_reorder.asl.json): find what is low, work out
how much to order from whom, make the orders (never a second open order for an item at a place), then per
order: approve by policy or ask the coordinator (a reminder when nobody answers; never approved by silence),
and send it to the supplier. Each step is idempotent: the state machine may retry any of them."""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

from functions.core import business
from functions.core.audit import AuditDraft
from functions.core.auth import Caller, Role
from functions.core.errors import NotFound
from functions.core.events import DomainEvent
from functions.core.ids import new_id
from functions.core.observability import logger, metrics
from functions.core.service import AreaService
from functions.inventory.models.purchase_orders import OrderLine, Plan, ProposedOrder, PurchaseOrder
from functions.inventory.models.reorder import ReorderLine
from functions.inventory.ordering import AlreadyOnOrder, move, plan
from functions.inventory.ports import (
    Coordinators,
    OrderingSettingsStore,
    OrderWorkflow,
    PurchaseOrderBook,
    ReorderNeeds,
    StaffNotices,
    SupplierOutbox,
)

ENTITY = "PURCHASE_ORDER"
STOCK_LOW = "inventory.stock-low"
MAX_LINES = 500  # one run's gathering per practice; the rest waits for the next night (logged)
PAGE = 100


class Commits(Protocol):
    def commit(self, entry: AuditDraft, writes: Sequence = (), events: Sequence[DomainEvent] = ()) -> Any: ...


def workflow_caller(practice_id: str) -> Caller:
    """Who the reorder workflow acts as in the audit trail."""
    return Caller(user_id="workflow:low-stock-reorder", practice_id=practice_id,
                  roles=frozenset({Role.COORDINATOR}), request_id="workflow")


def runs_of(event: dict[str, Any], practices: Callable[[], list[str]]) -> list[dict[str, Any]]:
    """What one execution works on, from how it was started: a stock-low event (one item at one place), a
    manual order (that order), or the nightly schedule (every practice's low lines). Every run has every key,
    so the state machine's paths always resolve."""
    def run(practice_id: str, trigger: str, item_id: str | None = None, location_id: str | None = None
            ) -> dict[str, Any]:
        return {"practice_id": practice_id, "trigger": trigger, "item_id": item_id, "location_id": location_id,
                "orders": None}

    detail = event.get("detail")
    if isinstance(detail, dict) and detail.get("type", event.get("detail-type")) == STOCK_LOW:
        data = detail.get("data") or {}
        return [run(detail["practice_id"], "stock-low", data["item_id"], data["location_id"])]
    if event.get("purchase_order_id"):
        order = {"practice_id": event["practice_id"], "purchase_order_id": event["purchase_order_id"]}
        return [{**run(event["practice_id"], "manual"), "orders": [order]}]  # made already: route and send it
    if event.get("practice_id"):
        return [run(event["practice_id"], "nightly")]
    return [run(practice, "nightly") for practice in practices()]


class Reordering(AreaService):
    def __init__(self, needs: ReorderNeeds, book: PurchaseOrderBook, settings: OrderingSettingsStore,
                 supplier: SupplierOutbox, coordinators: Coordinators, notices: StaffNotices, workflow: OrderWorkflow,
                 audit: Commits, now: Callable[[], datetime], practices: Callable[[], list[str]]) -> None:
        self.needs, self.book, self.settings, self.supplier = needs, book, settings, supplier
        self.workflow = workflow
        self.coordinators, self.notices, self.audit, self.now, self.practices = (coordinators, notices, audit, now,
                                                                                 practices)

    def scope(self, event: dict[str, Any]) -> dict[str, Any]:
        return {"runs": runs_of(event, self.practices)}

    def gather(self, practice_id: str, item_id: str | None = None, location_id: str | None = None) -> dict:
        """The low lines: the one the event named, as it stands now, or every line below its reorder point."""
        if item_id and location_id:
            line = self.needs.line(practice_id, item_id, location_id)
            return {"lines": [line.model_dump(mode="json")] if line else []}
        lines: list[ReorderLine] = []
        cursor: str | None = None
        while True:
            page, cursor = self.needs.below_reorder_point(practice_id, cursor, PAGE)
            lines.extend(page)
            if cursor is None or len(lines) >= MAX_LINES:
                break
        if cursor is not None:
            logger.warning("more low lines than one run orders", extra={"practice_id": practice_id})
        return {"lines": [line.model_dump(mode="json") for line in lines[:MAX_LINES]]}

    def plan(self, practice_id: str, lines: list[dict[str, Any]]) -> dict:
        """Quantities and suppliers; a line an open order holds already is counted, not ordered again."""
        low = [ReorderLine.model_validate(line) for line in lines]
        held = {(line.item_id, line.location_id) for line in low
                if self.book.holder(practice_id, line.item_id, line.location_id) is not None}
        return plan(low, held).model_dump(mode="json")

    def create(self, practice_id: str, run: str, trigger: str, proposed: dict[str, Any]) -> dict:
        """One order per proposed order, each holding its (item, location)s; a place another open order holds
        is left out (the event and the nightly run racing make one order). A retry finds the orders this run
        made already. Lines no supplier offers go to the coordinators."""
        planned = Plan.model_validate(proposed)
        made: list[str] = []
        for order in planned.orders:
            made.extend(self._create(practice_id, run, trigger, order))
        if planned.unresolved:
            self._report_unresolved(practice_id, run, planned)
        return {"orders": [{"practice_id": practice_id, "purchase_order_id": order_id}
                           for order_id in dict.fromkeys(made)],
                "unresolved": len(planned.unresolved)}

    def _create(self, practice_id: str, run: str, trigger: str, proposed: ProposedOrder) -> list[str]:
        lines = [OrderLine(**line.model_dump()) for line in proposed.lines]
        ours: list[str] = []
        while lines:
            order = PurchaseOrder(id=new_id(), practice_id=practice_id, supplier_id=proposed.supplier_id,
                                  lines=lines, trigger=trigger, run=run, created_at=self._at(),
                                  created_by=workflow_caller(practice_id).user_id)
            try:
                self.book.create(order, self._draft(workflow_caller(practice_id), "inventory.order.create",
                                                    ENTITY, order.id))
            except AlreadyOnOrder as held:
                holder_id = self.book.holder(practice_id, *held.place)
                holder = self.book.order(practice_id, holder_id) if holder_id else None
                if holder is not None and holder.run == run:
                    ours.append(holder.id)  # this run made it before a retry
                lines = [line for line in lines if (line.item_id, line.location_id) != held.place]
                continue
            business.send("PurchaseOrdersCreated", 1)  # made now, not found from before a retry
            ours.append(order.id)
            return ours
        return ours

    def _report_unresolved(self, practice_id: str, run: str, planned: Plan) -> None:
        names = ", ".join(f"{u.item_name} at {u.location_id} ({u.units} units)" for u in planned.unresolved[:20])
        caller = workflow_caller(practice_id)
        events = [self.notices.to_staff(practice_id, who, "Low stock with no supplier",
                                        f"These are low and no supplier offers them: {names}.",
                                        f"reorder-{run}-unresolved-{who}", ("reorder_run", run))
                  for who in self.coordinators.coordinator_ids(practice_id)]
        self.audit.commit(self._draft(caller, "inventory.order.unresolved", "REORDER_RUN", run[-64:]), events=events)

    # --- one order -------------------------------------------------------------------------------------

    def _order(self, practice_id: str, order_id: str) -> PurchaseOrder:
        order = self.book.order(practice_id, order_id)
        if order is None:
            raise NotFound("no such purchase order")
        return order

    def route(self, practice_id: str, order_id: str) -> dict:
        """Within the practice's spending limit: approved by policy, then sent. Above it: ask the coordinator,
        for as long as the practice's settings say, before a reminder."""
        order = self._order(practice_id, order_id)
        settings = self.settings.settings(practice_id)
        timeout = settings.approval_hours * 3600
        if order.state == "draft":
            if order.total_cents > settings.spending_limit_cents:
                return {"next": "ask", "timeout_s": timeout}
            caller = workflow_caller(practice_id)
            approved = order.model_copy(update={"state": move(order.state, "approved"), "decided_by": caller.user_id,
                                                "decided_at": self._at(), "reason": "within the spending limit",
                                                "version": order.version + 1})
            self.book.save(approved, self._draft(caller, "inventory.order.approve", ENTITY, order.id))
            return {"next": "send", "timeout_s": timeout}
        nexts = {"awaiting_approval": "ask", "approved": "send"}
        return {"next": nexts.get(order.state, "closed"), "timeout_s": timeout}

    def ask(self, practice_id: str, order_id: str, level: str, token: str) -> dict:
        """Keep the task token on the order and tell the coordinators (the second time, a reminder). An answer
        given before this wait began is handed on at once."""
        order = self._order(practice_id, order_id)
        if order.state not in ("draft", "awaiting_approval"):
            decision = "approve" if order.state == "approved" else "closed"
            self.workflow.resume(token, {"decision": decision, "by": order.decided_by})
            return {}
        late = level == "late"
        title = "Reminder: purchase order waiting for approval" if late else "Purchase order waiting for approval"
        details = (f"Order {order.id} to supplier {order.supplier_id}, {len(order.lines)} lines, "
                   f"{order.total_cents / 100:.2f} total, is over the spending limit and needs your approval.")
        events = [self.notices.to_staff(practice_id, who, title, details, f"po-{order.id}-{level}-{who}",
                                        ("purchase_order", order.id))
                  for who in self.coordinators.coordinator_ids(practice_id)]
        asked = order.model_copy(update={"state": move(order.state, "awaiting_approval"), "task_token": token,
                                         "reminded": order.reminded or late, "version": order.version + 1})
        caller = workflow_caller(practice_id)
        self.book.save(asked, self._draft(caller, f"inventory.order.ask_{level}", ENTITY, order.id), events)
        if late:  # visible as waiting, and an alarm; never approved by silence
            metrics.add_metric(name="PurchaseOrderApprovalOverdue", unit="Count", value=1)
            logger.warning("purchase order approval overdue", extra={"purchase_order_id": order.id})
        return {}

    def send(self, practice_id: str, order_id: str) -> dict:
        """The approved order to its supplier, with its move to sent; a retry sends nothing twice."""
        order = self._order(practice_id, order_id)
        if order.state != "approved":
            return {"status": order.state}
        sent = order.model_copy(update={"state": move(order.state, "sent"), "sent_at": self._at(),
                                        "version": order.version + 1})
        self.book.save(sent, self._draft(workflow_caller(practice_id), "inventory.order.send", ENTITY, order.id),
                       [self.supplier.order_message(sent)])
        return {"status": "sent"}
