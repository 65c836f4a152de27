"""Stock as it stands: an item at a location, a location's shelves, what is below its reorder point, and the
reorder point and par level the coordinator sets for each (item, location)."""

from collections.abc import Callable
from datetime import datetime

from functions.core import authz
from functions.core.auth import Caller
from functions.core.errors import Conflict, NotFound, stale
from functions.core.service import AreaService, AuditTrail
from functions.core.types import ExpectedVersion
from functions.inventory import fefo
from functions.inventory.ledger import crossings
from functions.inventory.models.reorder import ReorderLine, SupplierOffer
from functions.inventory.models.stock import (
    Level,
    LevelsIn,
    LocationStock,
    LotBalance,
    LowStock,
    Movement,
    MovementList,
    StockView,
)
from functions.inventory.ports import ItemCatalogue, LocationBook, StockLedger, StockWatch

ENTITY = "INVENTORY_LEVEL"


def view(level: Level, lots: list[LotBalance]) -> StockView:
    return StockView(item_id=level.item_id, location_id=level.location_id, on_hand=level.on_hand,
                     reorder_point=level.reorder_point, par_level=level.par_level, low=level.low,
                     version=level.version, lots=[b for b in fefo.first_expiring(lots) if b.on_hand > 0])


class StockLevels(AreaService):
    def __init__(self, items: ItemCatalogue, locations: LocationBook, ledger: StockLedger, watch: StockWatch,
                 audit: AuditTrail, now: Callable[[], datetime]) -> None:
        self.items, self.locations, self.ledger, self.watch = items, locations, ledger, watch
        self.audit, self.now = audit, now

    def stock(self, caller: Caller, item_id: str, location_id: str) -> StockView:
        authz.authorize(caller, "inventory.stock.read")
        self._known(caller.practice_id, item_id, location_id)
        return view(self.ledger.level(caller.practice_id, item_id, location_id),
                    self.ledger.lots(caller.practice_id, item_id, location_id))

    def at_location(self, caller: Caller, location_id: str) -> LocationStock:
        authz.authorize(caller, "inventory.stock.read")
        if self.locations.location(caller.practice_id, location_id) is None:
            raise NotFound("no such location")
        levels, lots = self.ledger.at_location(caller.practice_id, location_id)
        return LocationStock(location_id=location_id, stock=[
            view(level, [b for b in lots if b.item_id == level.item_id]) for level in levels])

    def low(self, caller: Caller, cursor: str | None = None, limit: int = 100) -> LowStock:
        authz.authorize(caller, "inventory.stock.read")
        levels, next_cursor = self.watch.below_reorder_point(caller.practice_id, cursor, limit)
        return LowStock(below_reorder_point=[view(level, []) for level in levels], next_cursor=next_cursor)

    def ledger_page(self, caller: Caller, item_id: str, cursor: str | None = None, limit: int = 50) -> MovementList:
        authz.authorize(caller, "inventory.stock.read")
        if self.items.item(caller.practice_id, item_id) is None:
            raise NotFound("no such item")
        movements, next_cursor = self.ledger.movements(caller.practice_id, item_id, cursor, limit)
        return MovementList(movements=movements, next_cursor=next_cursor)

    def movement(self, caller: Caller, item_id: str, movement_id: str) -> Movement:
        authz.authorize(caller, "inventory.stock.read")
        movement = self.ledger.movement(caller.practice_id, item_id, movement_id)
        if movement is None:
            raise NotFound("no such movement")
        return movement

    def set_levels(self, caller: Caller, item_id: str, location_id: str, body: LevelsIn,
                   expected: ExpectedVersion) -> StockView:
        """The coordinator's reorder point and par level. Crossing below the new point announces stock-low,
        as a movement would."""
        authz.authorize(caller, "inventory.stock.set_levels")
        version = expected()
        self._known(caller.practice_id, item_id, location_id)
        for _ in range(10):
            before = self.ledger.level(caller.practice_id, item_id, location_id)
            if before.version != version:
                raise stale("stock levels")
            after = before.model_copy(update={**body.model_dump(), "version": version + 1, "seq": before.seq + 1})
            at = self._at()
            try:
                self.ledger.set_levels(before, after, self._draft(caller, "inventory.levels.set", ENTITY,
                                                                  f"{item_id}:{location_id}", at=at),
                                       crossings(caller.practice_id, [(before, after)], at))
            except Conflict as moved:
                if moved.code == "stock_changed":
                    continue
                raise
            return view(after, self.ledger.lots(caller.practice_id, item_id, location_id))
        raise Conflict("the stock is busy; retry", code="stock_busy")

    def _known(self, practice_id: str, item_id: str, location_id: str) -> None:
        if self.items.item(practice_id, item_id) is None:
            raise NotFound("no such item")
        if self.locations.location(practice_id, location_id) is None:
            raise NotFound("no such location")


class ReorderLines:
    """The ReorderNeeds seam over any item catalogue and stock ports: what ordering reads."""

    def __init__(self, items: ItemCatalogue, ledger: StockLedger, watch: StockWatch) -> None:
        self.items, self.ledger, self.watch = items, ledger, watch

    def below_reorder_point(self, practice_id: str, cursor: str | None = None,
                            limit: int = 100) -> tuple[list[ReorderLine], str | None]:
        levels, next_cursor = self.watch.below_reorder_point(practice_id, cursor, limit)
        items = {}
        lines = []
        for level in levels:
            if level.item_id not in items:
                items[level.item_id] = self.items.item(practice_id, level.item_id)
            if (line := self._line(items[level.item_id], level)) is not None:
                lines.append(line)
        return lines, next_cursor

    def line(self, practice_id: str, item_id: str, location_id: str) -> ReorderLine | None:
        return self._line(self.items.item(practice_id, item_id), self.ledger.level(practice_id, item_id, location_id))

    @staticmethod
    def _line(item, level: Level) -> ReorderLine | None:
        if item is None or level.par_level is None or level.reorder_point is None:
            return None
        offers = sorted(item.offers, key=lambda o: not o.preferred)
        return ReorderLine(item_id=item.id, item_name=item.name, location_id=level.location_id,
                           on_hand=level.on_hand, reorder_point=level.reorder_point, par_level=level.par_level,
                           pack_size=item.pack_size,
                           offers=[SupplierOffer(supplier_id=o.supplier_id, pack_price_cents=o.pack_price_cents,
                                                 lead_time_days=o.lead_time_days, preferred=o.preferred)
                                   for o in offers])


