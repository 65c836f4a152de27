"""A practice's purchase-order side wired on fakes, for the unit tests: the stock half's seam over its own fakes
(lines set up as a practice would), orders, settings, the workflow adapter and the coordinators."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from functions.core.auth import Caller, Role
from functions.inventory.models.reorder import ReorderLine, SupplierOffer
from functions.inventory.purchase_orders import PurchaseOrders
from functions.inventory.receiving import OrderReceiving
from functions.inventory.reordering import Reordering
from functions.inventory.staff_notices import OutboxStaffNotices
from functions.inventory.supplier_email import EmailSupplierOutbox
from tests.fakes.audit import FakeAuditTrail
from tests.fakes.inventory import (
    FakeCoordinators,
    FakeOrderingSettings,
    FakeOrderWorkflow,
    FakePurchaseOrderBook,
    FakeStockSeam,
)

PRACTICE = "practice-orders"


def caller(role: Role = Role.COORDINATOR, user: str = "cora", practice: str = PRACTICE) -> Caller:
    return Caller(user_id=user, practice_id=practice, roles=frozenset({role}), request_id="test")


def offer(supplier: str, price: int, lead: int = 3, preferred: bool = False) -> SupplierOffer:
    return SupplierOffer(supplier_id=supplier, pack_price_cents=price, lead_time_days=lead, preferred=preferred)


def low_line(item: str = "gloves", location: str = "main", on_hand: int = 10, reorder_point: int = 50,
             par: int = 200, pack: int = 100, offers: list[SupplierOffer] | None = None) -> ReorderLine:
    return ReorderLine(item_id=item, item_name=item.title(), location_id=location, on_hand=on_hand,
                       reorder_point=reorder_point, par_level=par, pack_size=pack,
                       offers=[offer("acme", 1200, preferred=True)] if offers is None else offers)


@dataclass
class World:
    audit: FakeAuditTrail = field(default_factory=FakeAuditTrail)
    stock: FakeStockSeam = field(default_factory=FakeStockSeam)
    workflow: FakeOrderWorkflow = field(default_factory=FakeOrderWorkflow)
    coordinators: FakeCoordinators = field(default_factory=lambda: FakeCoordinators({PRACTICE: ["cora"]}))
    practices: list[str] = field(default_factory=lambda: [PRACTICE])

    def __post_init__(self) -> None:
        self.book = FakePurchaseOrderBook(self.audit)
        self.settings = FakeOrderingSettings(self.audit)
        now = lambda: datetime(2026, 3, 2, 9, tzinfo=UTC)  # noqa: E731
        self.orders = PurchaseOrders(self.book, self.settings, self.workflow, EmailSupplierOutbox(), self.audit, now)
        self.receiving = OrderReceiving(self.book, lambda: self.stock, self.audit, now)
        self.reordering = Reordering(self.stock, self.book, self.settings, EmailSupplierOutbox(), self.coordinators,
                                     OutboxStaffNotices(), self.workflow, self.audit, now, lambda: self.practices)

    def run(self, run: str, trigger: str = "nightly", item: str | None = None, location: str | None = None,
            practice: str = PRACTICE) -> list[str]:
        """The workflow's first steps as the state machine chains them; the ids of the orders made."""
        gathered = self.reordering.gather(practice, item, location)
        planned = self.reordering.plan(practice, gathered["lines"])
        created = self.reordering.create(practice, run, trigger, planned)
        return [o["purchase_order_id"] for o in created["orders"]]

    def through_to_sent(self, order_id: str, practice: str = PRACTICE) -> str:
        """Route; when within the limit, send. The state the order ends in."""
        routed = self.reordering.route(practice, order_id)
        if routed["next"] == "send":
            self.reordering.send(practice, order_id)
        return self.book.order(practice, order_id).state
