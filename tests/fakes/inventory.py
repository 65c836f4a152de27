"""In-memory fakes of every inventory port: stock (catalogue, ledger, sparse lists), the seam ordering reads and
writes through, and purchase orders. Each keeps state like its DynamoDB adapter and enforces the same
conditions (versions, a level's `seq`, movements written once, one open order per item and place,
Idempotency-Keys); tests/contract/test_inventory_*.py holds fakes and adapters to one behaviour."""

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from functions.core.audit import AuditDraft, draft
from functions.core.auth import Caller, Role
from functions.core.contacts import ContactCard
from functions.core.errors import Conflict, stale
from functions.core.events import DomainEvent
from functions.core.idempotency import IdempotencyClaim
from functions.inventory.ledger import AlreadyPosted, StockMoved, StockMovements
from functions.inventory.levels import ReorderLines, StockLevels
from functions.inventory.models.catalogue import Item, Location, OfferIn, Supplier
from functions.inventory.models.counts import CountSheet
from functions.inventory.models.purchase_orders import OrderingSettings, PurchaseOrder
from functions.inventory.models.reorder import ReceiptLine, ReorderLine
from functions.inventory.models.stock import Level, LevelsIn, LotBalance, Movement, MovementIn, StockChange
from functions.inventory.ordering import AlreadyOnOrder
from tests.fakes.audit import FakeAuditTrail
from tests.fakes.idempotency import FakeIdempotencyKeys


def _check_version(stored, new_version: int, what: str) -> None:
    if new_version == 1:
        if stored is not None:
            raise Conflict(f"the {what} changed meanwhile; read it again", code="conflict")
    elif stored is None or stored.version != new_version - 1:
        raise stale(what)


class _Versioned:
    what = "record"

    def __init__(self, audit: FakeAuditTrail) -> None:
        self.audit = audit
        self.stored: dict[tuple[str, str], object] = {}

    def _get(self, practice_id: str, entity_id: str):
        found = self.stored.get((practice_id, entity_id))
        return found.model_copy(deep=True) if found is not None else None

    def _save(self, record, audit, events=()) -> None:
        with self.audit.lock:
            _check_version(self.stored.get((record.practice_id, record.id)), record.version, self.what)
            self.stored[(record.practice_id, record.id)] = record.model_copy(deep=True)
            self.audit.commit(audit, events)

    def _all(self, practice_id: str) -> list:
        found = [r for (p, _), r in self.stored.items() if p == practice_id]
        return sorted(found, key=lambda r: (r.name.casefold(), r.id))


class FakeItemCatalogue(_Versioned):
    what = "item"

    def item(self, practice_id: str, item_id: str) -> Item | None:
        return self._get(practice_id, item_id)

    def items(self, practice_id: str) -> list[Item]:
        return self._all(practice_id)

    def save(self, item: Item, audit) -> None:
        self._save(item, audit)


class FakeLocationBook(_Versioned):
    what = "location"

    def location(self, practice_id: str, location_id: str) -> Location | None:
        return self._get(practice_id, location_id)

    def locations(self, practice_id: str) -> list[Location]:
        return self._all(practice_id)

    def save(self, location: Location, audit) -> None:
        self._save(location, audit)


class FakeSupplierBook(_Versioned):
    """Suppliers and, beside each, the contact card notifications reads."""

    what = "supplier"

    def __init__(self, audit: FakeAuditTrail) -> None:
        super().__init__(audit)
        self.cards: dict[tuple[str, str], ContactCard] = {}

    def supplier(self, practice_id: str, supplier_id: str) -> Supplier | None:
        return self._get(practice_id, supplier_id)

    def suppliers(self, practice_id: str) -> list[Supplier]:
        return self._all(practice_id)

    def save(self, supplier: Supplier, audit) -> None:
        with self.audit.lock:
            self._save(supplier, audit)
            self.cards[(supplier.practice_id, supplier.id)] = ContactCard(
                name=supplier.name, email=supplier.email, phone=supplier.phone, language=supplier.language,
                channels=["email"], owner="inventory.supplier", version=supplier.version)

    def card(self, practice_id: str, supplier_id: str) -> ContactCard | None:
        return self.cards.get((practice_id, supplier_id))


class FakeCountSheets(_Versioned):
    what = "count sheet"

    def sheet(self, practice_id: str, count_id: str) -> CountSheet | None:
        return self._get(practice_id, count_id)

    def save(self, sheet: CountSheet, audit) -> None:
        self._save(sheet, audit)


class FakeStockLedger(FakeIdempotencyKeys):
    """The ledger, its balances, and the two sparse lists (StockWatch) and history (LedgerHistory) read from
    them. A level written over a `seq` other than the stored one is StockMoved, as on DynamoDB."""

    def __init__(self, audit: FakeAuditTrail) -> None:
        super().__init__()
        self.audit = audit
        self.levels: dict[tuple[str, str, str], Level] = {}
        self.lot_balances: dict[tuple[str, str, str, str], LotBalance] = {}
        self.ledger: dict[tuple[str, str], dict[str, Movement]] = {}

    def level(self, practice_id: str, item_id: str, location_id: str) -> Level:
        found = self.levels.get((practice_id, item_id, location_id))
        return found.model_copy() if found else Level(practice_id=practice_id, item_id=item_id,
                                                      location_id=location_id)

    def lots(self, practice_id: str, item_id: str, location_id: str) -> list[LotBalance]:
        return [b.model_copy() for (p, i, loc, _), b in sorted(self.lot_balances.items())
                if (p, i, loc) == (practice_id, item_id, location_id)]

    def at_location(self, practice_id: str, location_id: str) -> tuple[list[Level], list[LotBalance]]:
        levels = [lv.model_copy() for (p, _, loc), lv in sorted(self.levels.items())
                  if (p, loc) == (practice_id, location_id)]
        lots = [b.model_copy() for (p, _, loc, _), b in sorted(self.lot_balances.items())
                if (p, loc) == (practice_id, location_id)]
        return levels, lots

    def _check_seq(self, before: Level) -> None:
        stored = self.levels.get((before.practice_id, before.item_id, before.location_id))
        if (stored.seq if stored else 0) != before.seq:
            raise StockMoved("the stock changed meanwhile")

    def post(self, change: StockChange, audit, events: Sequence[DomainEvent] = (),
             claim: IdempotencyClaim | None = None) -> None:
        movement = change.movement
        with self.audit.lock:
            if movement.id in self.ledger.get((movement.practice_id, movement.item_id), {}):
                raise AlreadyPosted("this movement is already in the ledger")
            for before, _ in change.levels:
                self._check_seq(before)
            self.check(movement.practice_id, claim)
            self.ledger.setdefault((movement.practice_id, movement.item_id), {})[movement.id] = movement
            for _, after in change.levels:
                self.levels[(after.practice_id, after.item_id, after.location_id)] = after.model_copy()
            for lot in change.lots:
                self.lot_balances[(lot.practice_id, lot.item_id, lot.location_id, lot.lot)] = lot.model_copy()
            self.keep(movement.practice_id, claim)
            self.audit.commit(audit, events)

    def set_levels(self, before: Level, after: Level, audit, events: Sequence[DomainEvent] = ()) -> None:
        with self.audit.lock:
            self._check_seq(before)
            self.levels[(after.practice_id, after.item_id, after.location_id)] = after.model_copy()
            self.audit.commit(audit, events)

    def movement(self, practice_id: str, item_id: str, movement_id: str) -> Movement | None:
        return self.ledger.get((practice_id, item_id), {}).get(movement_id)

    def movements(self, practice_id: str, item_id: str, cursor: str | None,
                  limit: int) -> tuple[list[Movement], str | None]:
        ordered = sorted(self.ledger.get((practice_id, item_id), {}).values(), key=lambda m: m.id, reverse=True)
        if cursor:
            ordered = [m for m in ordered if m.id < cursor]
        page = ordered[:limit]
        return page, (page[-1].id if len(ordered) > limit else None)

    # StockWatch
    def below_reorder_point(self, practice_id: str, cursor: str | None,
                            limit: int) -> tuple[list[Level], str | None]:
        low = sorted((lv for (p, _, _), lv in self.levels.items() if p == practice_id and lv.low),
                     key=lambda lv: f"{lv.item_id}#{lv.location_id}")
        if cursor:
            low = [lv for lv in low if f"{lv.item_id}#{lv.location_id}" > cursor]
        page = low[:limit]
        return [lv.model_copy() for lv in page], (
            f"{page[-1].item_id}#{page[-1].location_id}" if len(low) > limit else None)

    def expiring(self, practice_id: str, through: date) -> list[LotBalance]:
        found = [b for (p, *_), b in self.lot_balances.items()
                 if p == practice_id and b.expires_on is not None and b.on_hand > 0 and b.expires_on <= through]
        return sorted(found, key=lambda b: (b.expires_on, b.location_id, b.item_id, b.lot))

    # LedgerHistory
    def history(self, practice_id: str, item_id: str) -> tuple[list[Level], list[LotBalance], list[Movement]]:
        levels = [lv for (p, i, _), lv in self.levels.items() if (p, i) == (practice_id, item_id)]
        lots = [b for (p, i, *_), b in self.lot_balances.items() if (p, i) == (practice_id, item_id)]
        return levels, lots, sorted(self.ledger.get((practice_id, item_id), {}).values(), key=lambda m: m.id)


class FakeCoordinators:
    def __init__(self, ids: dict[str, list[str]] | None = None) -> None:
        self.ids = ids or {}

    def coordinator_ids(self, practice_id: str) -> list[str]:
        return list(self.ids.get(practice_id, []))


# --- the seam: ReorderNeeds and StockReceiving ------------------------------------------------------------


class FakeStockSeam:
    """ReorderNeeds and StockReceiving built over the fakes above exactly as functions/inventory/dynamo/seam.py
    builds them over DynamoDB (ReorderLines; StockMovements.receive), so ordering's tests see the behaviour
    tests/contract/test_inventory_reorder_seam.py holds the adapters to: a lot-tracked item's receipt names
    its lot, a retried receipt posts nothing twice, the low lines come from the ledger's sparse list."""

    def __init__(self, audit: FakeAuditTrail | None = None, items: FakeItemCatalogue | None = None,
                 locations: FakeLocationBook | None = None, ledger: FakeStockLedger | None = None,
                 now: Callable[[], datetime] = lambda: datetime(2026, 3, 2, 9, tzinfo=UTC)) -> None:
        self.audit = audit or FakeAuditTrail()
        self.items = items or FakeItemCatalogue(self.audit)
        self.locations = locations or FakeLocationBook(self.audit)
        self.ledger = ledger or FakeStockLedger(self.audit)
        self.needs = ReorderLines(self.items, self.ledger, self.ledger)
        self.movements = StockMovements(self.items, self.locations, self.ledger, self.audit, now)
        self.levels = StockLevels(self.items, self.locations, self.ledger, self.ledger, self.audit, now)

    def below_reorder_point(self, practice_id: str, cursor: str | None = None,
                            limit: int = 100) -> tuple[list[ReorderLine], str | None]:
        return self.needs.below_reorder_point(practice_id, cursor, limit)

    def line(self, practice_id: str, item_id: str, location_id: str) -> ReorderLine | None:
        return self.needs.line(practice_id, item_id, location_id)

    def receive(self, practice_id: str, receipt_id: str, lines: list[ReceiptLine], by: Caller,
                purchase_order_id: str | None = None) -> None:
        self.movements.receive(practice_id, receipt_id, lines, by, purchase_order_id)

    def put(self, practice_id: str, line: ReorderLine) -> None:
        """Set an (item, location) up to stand as `line` says; see `stock_line`."""
        stock_line(self, practice_id, line)

    def receipts(self, practice_id: str) -> set[str]:
        """The receipt ids the ledger has posted."""
        return {m.receipt_id for (p, _), posted in self.ledger.ledger.items() if p == practice_id
                for m in posted.values() if m.receipt_id}


def stock_line(stock: Any, practice_id: str, line: ReorderLine) -> None:
    """Make an (item, location) stand as a ReorderLine says, through the stock half's own use cases (`stock` has
    `items`, `locations`, `movements` and `levels`, over fakes or DynamoDB): the item (untracked) and location
    when new, the reorder point and par level, then a receipt or a use to the line's on-hand."""
    at = "2026-03-01T12:00:00.000Z"
    by = Caller(user_id="stock-set-up", practice_id=practice_id, roles=frozenset({Role.COORDINATOR}),
                request_id="set-up")
    if stock.locations.location(practice_id, line.location_id) is None:
        stock.locations.save(Location(id=line.location_id, practice_id=practice_id, name=line.location_id,
                                      kind="store_room", version=1, created_at=at, updated_at=at),
                             _set_up(by, "LOCATION", line.location_id, at))
    if stock.items.item(practice_id, line.item_id) is None:
        offers = [OfferIn(**offer.model_dump()) for offer in line.offers]
        stock.items.save(Item(id=line.item_id, practice_id=practice_id, name=line.item_name, category="supplies",
                              unit_of_use="each", pack_size=line.pack_size, offers=offers, version=1, created_at=at,
                              updated_at=at), _set_up(by, "ITEM", line.item_id, at))
    level = stock.ledger.level(practice_id, line.item_id, line.location_id)
    if (level.reorder_point, level.par_level) != (line.reorder_point, line.par_level):
        stock.levels.set_levels(by, line.item_id, line.location_id,
                                LevelsIn(reorder_point=line.reorder_point, par_level=line.par_level),
                                lambda: level.version)
    change = line.on_hand - level.on_hand
    if change:
        stock.movements.record(by, MovementIn(kind="receive" if change > 0 else "use", item_id=line.item_id,
                                              location_id=line.location_id, quantity=abs(change)))


def _set_up(by: Caller, entity: str, entity_id: str, at: str) -> AuditDraft:
    return draft(by, "inventory.test.set_up", entity, entity_id, at)


# --- purchase orders -------------------------------------------------------------------------------------


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
