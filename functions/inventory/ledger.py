"""The stock ledger: every receipt, use, adjustment, transfer and write-off is a movement, posted with the
balances it moves in one transaction. On-hand never goes negative; a use takes first-expiring lots first; a
movement that takes an (item, location) below its reorder point announces `inventory.stock-low`."""

import random
import time
from collections.abc import Callable
from datetime import date, datetime

from pydantic import ValidationError

from functions.core import authz
from functions.core.auth import Caller
from functions.core.errors import Conflict, Invalid
from functions.core.events import DomainEvent
from functions.core.idempotency import IdempotencyClaim, run_once
from functions.core.ids import new_id
from functions.core.service import AreaService, AuditTrail
from functions.inventory import fefo
from functions.inventory.models.catalogue import Item
from functions.inventory.models.reorder import ReceiptLine
from functions.inventory.models.stock import Leg, Level, LotBalance, Movement, MovementIn, StockChange
from functions.inventory.ports import ItemCatalogue, LocationBook, StockLedger

ENTITY = "INVENTORY_MOVEMENT"
OPERATION = "inventory.movement.record"  # what an Idempotency-Key's fingerprint names
STOCK_LOW = "inventory.stock-low"
# Writers to one (item, location) are serialized on its level's `seq`; a loser re-reads and plans again, so
# the last units go to exactly as many uses as they cover. Enough attempts for a burst of ~30 at once.
ATTEMPTS = 30
ACTION = {"receive": "inventory.stock.receive", "use": "inventory.stock.use", "transfer": "inventory.stock.transfer",
          "adjust": "inventory.stock.adjust", "expire": "inventory.stock.write_off",
          "destroy": "inventory.stock.write_off"}


# the legs a movement makes, from each location's level and lots as just read, on a day
Plan = Callable[[dict[str, Level], dict[str, list[LotBalance]], date], list[Leg]]


class StockMoved(Conflict):
    """A balance changed between our read and our write: plan again from what is there now."""

    code = "stock_changed"


class AlreadyPosted(Conflict):
    """A movement with this id is in the ledger (a retried receipt or count): posting it again changes nothing."""

    code = "movement_exists"


def stock_low_event(practice_id: str, level: Level, at: str) -> DomainEvent:
    return DomainEvent(type=STOCK_LOW, practice_id=practice_id, entity_id=f"{level.item_id}:{level.location_id}",
                       data={"item_id": level.item_id, "location_id": level.location_id, "on_hand": level.on_hand,
                             "reorder_point": level.reorder_point}, occurred_at=at)


def crossings(practice_id: str, levels: list[tuple[Level, Level]], at: str) -> list[DomainEvent]:
    """One stock-low event per (item, location) this change takes from at-or-above to below its reorder point."""
    return [stock_low_event(practice_id, after, at) for before, after in levels if after.low and not before.low]


class StockMovements(AreaService):
    def __init__(self, items: ItemCatalogue, locations: LocationBook, ledger: StockLedger, audit: AuditTrail,
                 now: Callable[[], datetime]) -> None:
        self.items, self.locations, self.ledger, self.audit, self.now = items, locations, ledger, audit, now

    def record(self, caller: Caller, body: MovementIn, key: str | None = None) -> Movement:
        authz.authorize(caller, ACTION[body.kind])
        item = self._check(caller, body)

        def work(request):
            def claim(movement: Movement) -> IdempotencyClaim | None:
                return request.answered(movement) if request else None

            return self._post(caller, item, new_id(), claim, self._planner(item, body), body)

        return run_once(self.ledger, caller.practice_id, key, OPERATION, body, work,
                        Movement.model_validate)

    def receive(self, practice_id: str, receipt_id: str, lines: list[ReceiptLine], by: Caller,
                purchase_order_id: str | None = None) -> None:
        """A delivery: one receive per line, ids from (receipt, line), so a retried receipt posts nothing twice.
        Who may receive is the ordering use case's to decide; `by` is who the ledger records."""
        caller = Caller(user_id=by.user_id, practice_id=practice_id, roles=by.roles, request_id=by.request_id)
        try:
            bodies = [MovementIn(kind="receive", item_id=line.item_id, location_id=line.location_id,
                                 quantity=line.quantity, lot=line.lot, expires_on=line.expires_on) for line in lines]
        except ValidationError as error:
            raise Invalid("a receipt line is not valid", [e["msg"] for e in error.errors()],
                          code="invalid_receipt_line") from None
        checked = [self._check(caller, body) for body in bodies]  # a bad line refuses the receipt before any posts
        for index, (item, body) in enumerate(zip(checked, bodies, strict=True)):
            try:
                self._post(caller, item, f"{receipt_id}-{index}", lambda _: None, self._planner(item, body), body,
                           receipt_id=receipt_id, purchase_order_id=purchase_order_id)
            except AlreadyPosted:
                continue

    def post_variance(self, caller: Caller, movement_id: str, item_id: str, location_id: str, lot: str,
                      counted: int, count_id: str) -> Movement | None:
        """The adjustment that makes a lot's books say what was counted, from its balance at the moment of
        posting (None when they already agree). Its id comes from the count, so a retried posting adds nothing."""
        item = self.items.item(caller.practice_id, item_id)
        if item is None:
            raise Invalid("no such item in the catalogue", code="unknown_item")
        body = MovementIn(kind="adjust", item_id=item_id, location_id=location_id, delta=1,
                          reason=f"count {count_id}")

        def plan(before, lots, today) -> list[Leg]:
            known = next((b for b in lots[location_id] if b.lot == lot), None)
            delta = counted - (known.on_hand if known else 0)
            return [Leg(location_id=location_id, lot=lot, expires_on=known.expires_on if known else None,
                        delta=delta)] if delta else []

        try:
            return self._post(caller, item, movement_id, lambda _: None, plan, body, count_id=count_id)
        except AlreadyPosted:
            return None

    def _check(self, caller: Caller, body: MovementIn) -> Item:
        item = self.items.item(caller.practice_id, body.item_id)
        if item is None:
            raise Invalid("no such item in the catalogue", code="unknown_item")
        for location_id in filter(None, (body.location_id, body.to_location_id)):
            if self.locations.location(caller.practice_id, location_id) is None:
                raise Invalid(f"no such location: {location_id}", code="unknown_location")
        if body.kind in ("receive", "adjust") and (body.quantity or body.delta or 0) > 0:
            if item.lot_tracked and body.lot is None:
                raise Invalid("this item is lot-tracked: name the lot", code="lot_required")
            if item.expiry_tracked and body.expires_on is None and body.kind == "receive":
                raise Invalid("this item is expiry-tracked: give the expiry date", code="expiry_required")
        if body.kind in ("expire", "destroy") and item.controlled:
            if body.witness_id is None:
                raise Invalid("a controlled item's write-off needs a witness", code="witness_required")
            if body.witness_id == caller.user_id:
                raise Invalid("the witness is another staff member", code="witness_required")
        return item

    def _post(self, caller: Caller, item: Item, movement_id: str,
              claim: Callable[[Movement], IdempotencyClaim | None], plan: Plan, body: MovementIn,
              **origin: str | None) -> Movement | None:
        """Read the balances, plan the legs, post; on a lost race, read again and plan again. A plan of no legs
        (a count already in agreement) posts nothing."""
        locations = [body.location_id] + ([body.to_location_id] if body.to_location_id else [])
        for attempt in range(ATTEMPTS):
            at = self._at()
            today = self.now().date()
            before = {loc: self.ledger.level(caller.practice_id, item.id, loc) for loc in locations}
            lots = {loc: self.ledger.lots(caller.practice_id, item.id, loc) for loc in locations}
            legs = plan(before, lots, today)
            if not legs:
                return None
            movement = Movement(id=movement_id, practice_id=caller.practice_id, item_id=item.id, kind=body.kind,
                                legs=legs, reason=body.reason, witness_id=body.witness_id,
                                appointment_id=body.appointment_id, by=caller.user_id, at=at, **origin)
            change = self._change(movement, before, lots)
            try:
                self.ledger.post(change, self._draft(caller, f"inventory.movement.{body.kind}", ENTITY, movement_id,
                                                     at=at),
                                 crossings(caller.practice_id, change.levels, at), claim(movement))
                return movement
            except StockMoved:
                time.sleep(random.uniform(0, min(0.1, 0.002 * 2**attempt)))  # noqa: S311 - jitter, not crypto
        raise Conflict("the stock is busy; retry", code="stock_busy")

    @staticmethod
    def _change(movement: Movement, before: dict[str, Level], lots: dict[str, list[LotBalance]]) -> StockChange:
        change = StockChange(movement=movement)
        moved: dict[tuple[str, str], LotBalance] = {}
        for leg in movement.legs:
            known = moved.get((leg.location_id, leg.lot)) or next(
                (b for b in lots[leg.location_id] if b.lot == leg.lot), None)
            dated = known.expires_on if known else None
            if leg.delta > 0 and leg.expires_on and dated not in (None, leg.expires_on):
                raise Conflict(f"lot {leg.lot} is on file with expiry {known.expires_on.isoformat()}",
                               code="lot_expiry_mismatch")
            on_hand = (known.on_hand if known else 0) + leg.delta
            if on_hand < 0:
                raise fefo.shortage(-leg.delta, known.on_hand if known else 0, f"in lot {leg.lot}")
            moved[(leg.location_id, leg.lot)] = LotBalance(
                practice_id=movement.practice_id, item_id=movement.item_id, location_id=leg.location_id, lot=leg.lot,
                expires_on=(known.expires_on if known and known.expires_on else leg.expires_on), on_hand=on_hand)
        change.lots = list(moved.values())
        for location_id, level in before.items():
            delta = sum(leg.delta for leg in movement.legs if leg.location_id == location_id)
            if level.on_hand + delta < 0:
                raise fefo.shortage(-delta, level.on_hand, "at this location")
            change.levels.append((level, level.model_copy(update={"on_hand": level.on_hand + delta,
                                                                  "seq": level.seq + 1})))
        return change

    def _planner(self, item: Item, body: MovementIn) -> Plan:
        return lambda before, lots, today: self._plan(item, body, lots, today)

    @staticmethod
    def _plan(item: Item, body: MovementIn, lots: dict[str, list[LotBalance]], today: date) -> list[Leg]:
        here = lots[body.location_id]
        if body.kind == "receive" or (body.kind == "adjust" and body.delta > 0):
            units = body.quantity or body.delta
            return [Leg(location_id=body.location_id, lot=fefo.bucket(body.lot, body.expires_on),
                        expires_on=body.expires_on, delta=units)]
        if body.kind == "adjust":  # down, from the lot named (or the one it must be)
            lot = body.lot or (fefo.bucket(None, body.expires_on) if not item.lot_tracked else None)
            if lot is None:
                raise Invalid("this item is lot-tracked: name the lot to adjust", code="lot_required")
            return [Leg(location_id=body.location_id, lot=lot, delta=body.delta)]
        taken = fefo.take(here, body.quantity, today, body.lot, include_expired=body.kind in ("expire", "destroy"))
        legs = [Leg(location_id=body.location_id, lot=b.lot, expires_on=b.expires_on, delta=-units)
                for b, units in taken]
        if body.kind == "transfer":
            legs += [Leg(location_id=body.to_location_id, lot=b.lot, expires_on=b.expires_on, delta=units)
                     for b, units in taken]
        return legs
