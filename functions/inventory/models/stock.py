"""Stock: movements in the ledger, the running balances they keep per (item, location) and lot, the levels
that say when to reorder, and the reports read from them."""

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from functions.core.dates import CalendarDate
from functions.core.models import Shape, Stored, Strict
from functions.core.types import Text, UserId
from functions.inventory.models.catalogue import Segment

MovementKind = Literal["receive", "use", "adjust", "transfer", "expire", "destroy"]
Lot = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,40}$")]
Quantity = Annotated[int, Field(ge=1, le=1_000_000, description="units of use")]
# the balance of stock with no lot and no expiry date; lots never take this name (it is not a valid Lot)
UNTRACKED = "untracked-stock"


class MovementIn(Strict):
    """One movement. receive/use/expire/destroy: `location_id` and `quantity`; transfer: from `location_id` to
    `to_location_id`; adjust: a signed `delta` and a `reason`. A use takes the first-expiring lots unless `lot`
    names one."""

    kind: MovementKind
    item_id: Segment
    location_id: Segment
    to_location_id: Segment | None = None
    quantity: Quantity | None = None
    delta: int | None = Field(default=None, ge=-1_000_000, le=1_000_000)
    lot: Lot | None = None
    expires_on: CalendarDate | None = None
    reason: Text(200) | None = None
    witness_id: UserId | None = Field(default=None, description="a second staff member (controlled items)")
    appointment_id: Segment | None = Field(default=None, description="the visit the stock was used for")

    @model_validator(mode="after")
    def _fields_of_kind(self) -> "MovementIn":
        if self.kind == "adjust":
            if not self.delta:
                raise ValueError("an adjustment names a non-zero delta")
            if self.quantity is not None:
                raise ValueError("an adjustment takes delta, not quantity")
        elif self.quantity is None or self.delta is not None:
            raise ValueError(f"a {self.kind} names a quantity (and no delta)")
        if (self.kind == "transfer") != (self.to_location_id is not None):
            raise ValueError("to_location_id is for transfers, and every transfer names one")
        if self.kind == "transfer" and self.to_location_id == self.location_id:
            raise ValueError("a transfer goes to another location")
        if self.kind in ("adjust", "expire", "destroy") and self.reason is None:
            raise ValueError(f"a {self.kind} gives a reason")
        if self.appointment_id is not None and self.kind != "use":
            raise ValueError("only a use is recorded against an appointment")
        if self.expires_on is not None and self.kind not in ("receive", "adjust"):
            raise ValueError("an expiry date comes with stock received (or found, by adjustment)")
        return self


class Leg(Shape):
    """What a movement did to one balance: `delta` units at a location, in a lot."""

    location_id: str
    lot: str
    expires_on: date | None = None
    delta: int


class Movement(Stored):
    id: str
    practice_id: str
    item_id: str
    kind: MovementKind
    legs: list[Leg]
    reason: str | None = None
    witness_id: str | None = None
    appointment_id: str | None = None
    receipt_id: str | None = None
    purchase_order_id: str | None = None
    count_id: str | None = None
    by: str
    at: str


class MovementList(Shape):
    movements: list[Movement]
    next_cursor: str | None = None


class Level(Stored):
    """One item at one location: on hand across lots, and the levels that say when and how much to reorder.
    `version` moves when the levels change (the ETag); `seq` moves with every change (it serializes writers)."""

    practice_id: str
    item_id: str
    location_id: str
    on_hand: int = 0
    reorder_point: int | None = None
    par_level: int | None = None
    version: int = 0
    seq: int = 0  # 0: nothing stored yet

    @property
    def low(self) -> bool:
        return self.reorder_point is not None and self.on_hand < self.reorder_point


class LotBalance(Stored):
    practice_id: str
    item_id: str
    location_id: str
    lot: str  # the lot number, the expiry date's bucket, or UNTRACKED
    expires_on: date | None = None
    on_hand: int = 0


class LevelsIn(Strict):
    reorder_point: int = Field(ge=0, le=1_000_000, description="below this, reorder")
    par_level: int = Field(ge=1, le=1_000_000, description="reorder up to this")

    @model_validator(mode="after")
    def _par_above_point(self) -> "LevelsIn":
        if self.par_level < self.reorder_point:
            raise ValueError("the par level is at least the reorder point")
        return self


class StockView(Shape):
    """An item at a location as it stands: totals, levels and lots (first-expiring first)."""

    item_id: str
    location_id: str
    on_hand: int
    reorder_point: int | None
    par_level: int | None
    low: bool
    version: int
    lots: list[LotBalance]


class LocationStock(Shape):
    location_id: str
    stock: list[StockView]


class LowStock(Shape):
    below_reorder_point: list[StockView]
    next_cursor: str | None = None


class ExpiringLot(Shape):
    item_id: str
    location_id: str
    lot: str
    expires_on: date
    on_hand: int


class ExpiryReport(Shape):
    as_of: date
    within_days: int
    expired: list[ExpiringLot]
    expiring: list[ExpiringLot]


@dataclass
class StockChange:
    """A movement with the balances it moves, for a port to write in one transaction: each level from the
    state it was read in (`seq`) to its new state, and each lot's new balance."""

    movement: Movement
    levels: list[tuple[Level, Level]] = field(default_factory=list)  # (as read, as written)
    lots: list[LotBalance] = field(default_factory=list)


class DriftLine(Shape):
    item_id: str
    location_id: str
    lot: str | None  # None: the (item, location) total
    recorded: int
    derived: int


class DriftReport(Shape):
    practice_id: str
    items_checked: int
    movements_read: int
    drift: list[DriftLine]
