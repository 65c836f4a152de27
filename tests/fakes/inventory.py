"""In-memory fakes of the inventory stock ports. Each keeps state like the DynamoDB adapters and enforces the
same conditions (versions, a level's `seq`, movements written once, Idempotency-Keys); the sparse lists are
derived from state, and tests/contract/test_inventory_*.py holds the adapters' indexes to the same answers."""

from collections.abc import Sequence
from datetime import date

from functions.core.contacts import ContactCard
from functions.core.errors import Conflict, stale
from functions.core.events import DomainEvent
from functions.core.idempotency import IdempotencyClaim
from functions.inventory.ledger import AlreadyPosted, StockMoved
from functions.inventory.models.catalogue import Item, Location, Supplier
from functions.inventory.models.counts import CountSheet
from functions.inventory.models.stock import Level, LotBalance, Movement, StockChange
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
