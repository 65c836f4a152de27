"""Purchase orders: what a practice orders from one supplier, its lines, its state, the receipts against it,
and the ordering settings (the spending limit above which the coordinator approves)."""

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, model_validator

from functions.core.models import Shape, Stored, Strict
from functions.core.types import Cents, PositiveCents, Text

Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
State = Literal["draft", "awaiting_approval", "approved", "sent", "partially_received", "received", "cancelled"]
OPEN: frozenset[str] = frozenset({"draft", "awaiting_approval", "approved", "sent", "partially_received"})
# where each state may go; anything else is a 409 (see ordering.move)
MOVES: dict[str, frozenset[str]] = {
    "draft": frozenset({"awaiting_approval", "approved", "cancelled"}),
    "awaiting_approval": frozenset({"awaiting_approval", "approved", "cancelled"}),
    "approved": frozenset({"sent", "cancelled"}),
    "sent": frozenset({"partially_received", "received", "cancelled"}),
    "partially_received": frozenset({"partially_received", "received", "cancelled"}),
    "received": frozenset(),
    "cancelled": frozenset(),
}
Trigger = Literal["stock-low", "nightly", "manual"]


class OrderLine(Shape):
    item_id: Id
    item_name: str
    location_id: Id
    packs: int = Field(gt=0)
    pack_size: int = Field(gt=0)
    pack_price_cents: Cents
    received_units: int = 0

    @property
    def units(self) -> int:
        return self.packs * self.pack_size

    @property
    def outstanding(self) -> int:
        return max(0, self.units - self.received_units)

    @property
    def total_cents(self) -> int:
        return self.packs * self.pack_price_cents


class PurchaseOrder(Stored):
    id: str
    practice_id: str
    supplier_id: str
    state: State = "draft"
    lines: list[OrderLine]
    trigger: Trigger
    run: str  # the workflow run (or request) that created it: a retried create finds its own order
    created_at: str
    created_by: str
    task_token: str | None = None
    reminded: bool = False
    decided_by: str | None = None
    decided_at: str | None = None
    sent_at: str | None = None
    receipt_ids: list[str] = Field(default_factory=list)
    reason: str | None = None
    version: int = 1

    @property
    def total_cents(self) -> int:
        return sum(line.total_cents for line in self.lines)

    @property
    def open(self) -> bool:
        return self.state in OPEN


class OrderLineView(Shape):
    item_id: str
    item_name: str
    location_id: str
    packs: int
    pack_size: int
    units: int
    pack_price_cents: int
    received_units: int
    total_cents: int


class PurchaseOrderView(Shape):
    id: str
    supplier_id: str
    state: State
    lines: list[OrderLineView]
    total_cents: int
    trigger: Trigger
    created_at: str
    created_by: str
    awaiting_approval: bool
    decided_by: str | None = None
    decided_at: str | None = None
    sent_at: str | None = None
    receipt_ids: list[str]
    reason: str | None = None
    version: int

    @classmethod
    def of(cls, order: PurchaseOrder) -> "PurchaseOrderView":
        lines = [OrderLineView(**line.model_dump(), units=line.units, total_cents=line.total_cents)
                 for line in order.lines]
        return cls(**order.model_dump(exclude={"lines", "practice_id", "run", "task_token", "reminded"}),
                   lines=lines, total_cents=order.total_cents, awaiting_approval=order.state == "awaiting_approval")


class PurchaseOrderList(Shape):
    purchase_orders: list[PurchaseOrderView]


# --- requests ---------------------------------------------------------------------------------------------

class OrderLineIn(Strict):
    item_id: Id
    item_name: Text(200)
    location_id: Id
    packs: int = Field(gt=0, le=100_000)
    pack_size: int = Field(gt=0, le=100_000)
    pack_price_cents: Cents


class PurchaseOrderIn(Strict):
    """A manual order: the coordinator names the supplier, the lines and the price agreed."""

    supplier_id: Id
    lines: list[OrderLineIn] = Field(min_length=1, max_length=25)  # ordering.MAX_ORDER_LINES

    @model_validator(mode="after")
    def _one_line_per_place(self) -> "PurchaseOrderIn":
        places = [(line.item_id, line.location_id) for line in self.lines]
        if len(places) != len(set(places)):
            raise ValueError("an order has one line per item and location")
        return self


class DecisionIn(Strict):
    reason: Text(500) | None = None


class ReceiptLineIn(Strict):
    item_id: Id
    location_id: Id
    quantity: int = Field(gt=0, le=1_000_000, description="units of use received")
    lot: Text(64) | None = None
    expires_on: date | None = None


class ReceiptIn(Strict):
    lines: list[ReceiptLineIn] = Field(min_length=1, max_length=100)


class OrderingSettings(Stored):
    spending_limit_cents: int = 50_000  # an order above it waits for the coordinator
    approval_hours: int = 48  # then a reminder; the order stays awaiting approval
    version: int = 0


class OrderingSettingsIn(Strict):
    spending_limit_cents: PositiveCents
    approval_hours: int = Field(default=48, ge=1, le=24 * 30)


class OrderingSettingsView(Shape):
    spending_limit_cents: int
    approval_hours: int
    version: int  # 0 until the coordinator first sets them (then If-None-Match: *)


# --- what the reorder run passes between its steps --------------------------------------------------------

class ProposedLine(Shape):
    item_id: str
    item_name: str
    location_id: str
    packs: int
    pack_size: int
    pack_price_cents: int


class ProposedOrder(Shape):
    supplier_id: str
    lines: list[ProposedLine]


class Unresolved(Shape):
    """A line the coordinator must resolve: low, but no supplier offers it."""

    item_id: str
    item_name: str
    location_id: str
    units: int
    reason: str


class Plan(Shape):
    orders: list[ProposedOrder]
    unresolved: list[Unresolved]
    on_order: int = 0  # low lines already covered by an open order
