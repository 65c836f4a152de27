"""DynamoDB adapters of the stock ports: the ledger with its running balances, and the two sparse indexes
(LOW_STOCK, INV_EXPIRY) kept in the same transaction as every movement."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from functions.core import idempotency
from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.events import DomainEvent
from functions.core.idempotency import IdempotencyClaim, IdempotentRequest
from functions.core.table import Item as Row
from functions.core.table import Operation, Put, Table
from functions.inventory.dynamo import keys
from functions.inventory.ledger import AlreadyPosted, StockMoved
from functions.inventory.models.stock import Level, LotBalance, Movement, StockChange

MOVED = "the stock changed meanwhile"


def level_row(level: Level) -> Row:
    """A level with its index entries: on the location's shelf list always; on LOW_STOCK only while low."""
    row: Row = {"pk": keys.item_pk(level.practice_id, level.item_id), "sk": keys.level_sk(level.location_id),
                "kind": "INVENTORY_LEVEL", **level.model_dump(mode="json", exclude_none=True),
                "gsi4pk": keys.stock_at_index(level.practice_id, level.location_id), "gsi4sk": f"{level.item_id}#"}
    if level.low:
        row |= {"gsi2pk": keys.low_stock_index(level.practice_id), "gsi2sk": f"{level.item_id}#{level.location_id}"}
    return row


def lot_row(lot: LotBalance) -> Row:
    """A lot's balance: on the location's shelf list; on INV_EXPIRY only while it is dated and has stock."""
    row: Row = {"pk": keys.item_pk(lot.practice_id, lot.item_id), "sk": keys.lot_sk(lot.location_id, lot.lot),
                "kind": "INVENTORY_LOT", **lot.model_dump(mode="json", exclude_none=True),
                "gsi4pk": keys.stock_at_index(lot.practice_id, lot.location_id),
                "gsi4sk": f"{lot.item_id}#LOT#{lot.lot}"}
    if lot.expires_on is not None and lot.on_hand > 0:
        row |= {"gsi3pk": keys.expiry_index(lot.practice_id),
                "gsi3sk": f"{lot.expires_on.isoformat()}#{lot.location_id}#{lot.item_id}#{lot.lot}"}
    return row


def level_put(before: Level, after: Level) -> Put:
    """The level over the state it was read in (`seq`): every writer to an (item, location) is serialized here,
    so no two movements both spend the same units."""
    if before.seq == 0:
        return Put(level_row(after), "attribute_not_exists(pk)", on_conflict=StockMoved(MOVED))
    return Put(level_row(after), "#seq = :seq", names={"#seq": "seq"}, values={":seq": before.seq},
               on_conflict=StockMoved(MOVED))


class DynamoStockLedger:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table, self.audit = table, audit

    def level(self, practice_id: str, item_id: str, location_id: str) -> Level:
        """GetItem INV_ITEM#<item>/STOCK#<loc>#LEVEL (consistent); an empty level (seq 0) when none is stored."""
        row = self.table.get(keys.item_pk(practice_id, item_id), keys.level_sk(location_id), consistent=True)
        if row is None:
            return Level(practice_id=practice_id, item_id=item_id, location_id=location_id)
        return Level.model_validate(row)

    def lots(self, practice_id: str, item_id: str, location_id: str) -> list[LotBalance]:
        """Query INV_ITEM#<item> sk begins_with STOCK#<loc>#LOT# (consistent), every page."""
        rows = self.table.query_all(keys.item_pk(practice_id, item_id),
                                    sk_prefix=keys.location_stock_prefix(location_id) + "LOT#", consistent=True)
        return [LotBalance.model_validate(row) for row in rows]

    def at_location(self, practice_id: str, location_id: str) -> tuple[list[Level], list[LotBalance]]:
        """Query gsi4 INV_STOCK_AT#<loc> (every item's level and lots there, by item), every page."""
        rows = self.table.query_all(keys.stock_at_index(practice_id, location_id), index=keys.STOCK_AT_INDEX)
        return ([Level.model_validate(r) for r in rows if r["sk"].endswith("#LEVEL")],
                [LotBalance.model_validate(r) for r in rows if "#LOT#" in r["sk"]])

    def post(self, change: StockChange, audit: AuditDraft, events: Sequence[DomainEvent] = (),
             claim: IdempotencyClaim | None = None) -> None:
        """TransactWriteItems: the movement (attribute_not_exists: AlreadyPosted), each level over its `seq`
        (else StockMoved) with its LOW_STOCK entry set or removed, each lot's balance with its INV_EXPIRY entry,
        [the Idempotency-Key], the stock-low events (outbox), audit."""
        movement = change.movement
        writes: list[Operation] = [Put(
            {"pk": keys.item_pk(movement.practice_id, movement.item_id), "sk": keys.movement_sk(movement.id),
             **movement.model_dump(mode="json", exclude_none=True)},
            "attribute_not_exists(pk)", on_conflict=AlreadyPosted("this movement is already in the ledger"))]
        writes += [level_put(before, after) for before, after in change.levels]
        writes += [Put(lot_row(lot)) for lot in change.lots]
        if claim is not None:
            writes.append(idempotency.claim_put(movement.practice_id, claim))
        self.audit.commit(audit, writes, events)

    def set_levels(self, before: Level, after: Level, audit: AuditDraft, events: Sequence[DomainEvent] = ()) -> None:
        """TransactWriteItems: the level over its `seq` (else StockMoved), LOW_STOCK entry per the new point,
        the stock-low event when it crosses, audit."""
        self.audit.commit(audit, [level_put(before, after)], events)

    def movement(self, practice_id: str, item_id: str, movement_id: str) -> Movement | None:
        """GetItem INV_ITEM#<item>/MOVE#<id>."""
        row = self.table.get(keys.item_pk(practice_id, item_id), keys.movement_sk(movement_id))
        return Movement.model_validate(row) if row else None

    def movements(self, practice_id: str, item_id: str, cursor: str | None,
                  limit: int) -> tuple[list[Movement], str | None]:
        """Query INV_ITEM#<item> sk begins_with MOVE#, newest first, a page of `limit` after `cursor` (an id)."""
        pk = keys.item_pk(practice_id, item_id)
        start = {"pk": pk, "sk": keys.movement_sk(cursor)} if cursor else None
        page = self.table.query(pk, sk_prefix="MOVE#", forward=False, limit=limit, start_key=start)
        next_cursor = page.last_key["sk"].removeprefix("MOVE#") if page.last_key else None
        return [Movement.model_validate(row) for row in page.items], next_cursor

    def history(self, practice_id: str, item_id: str) -> tuple[list[Level], list[LotBalance], list[Movement]]:
        """Query INV_ITEM#<item> (consistent), every page: its levels, lots and whole ledger."""
        rows = self.table.query_all(keys.item_pk(practice_id, item_id), consistent=True)
        levels = [Level.model_validate(r) for r in rows if r["sk"].endswith("#LEVEL")]
        lots = [LotBalance.model_validate(r) for r in rows if r["sk"].startswith("STOCK#") and "#LOT#" in r["sk"]]
        return levels, lots, [Movement.model_validate(r) for r in rows if r["sk"].startswith("MOVE#")]

    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None:
        """GetItem (consistent) of the Idempotency-Key's record."""
        return idempotency.stored_response(self.table, practice_id, request)


class DynamoStockWatch:
    def __init__(self, table: Table) -> None:
        self.table = table

    def below_reorder_point(self, practice_id: str, cursor: str | None,
                            limit: int) -> tuple[list[Level], str | None]:
        """Query gsi2 LOW_STOCK (sparse: only levels below their reorder point), a page of `limit` after
        `cursor` ("<item>#<location>")."""
        start = None
        if cursor:
            item_id, _, location_id = cursor.partition("#")
            start = {"pk": keys.item_pk(practice_id, item_id), "sk": keys.level_sk(location_id),
                     "gsi2pk": keys.low_stock_index(practice_id), "gsi2sk": cursor}
        page = self.table.query(keys.low_stock_index(practice_id), index=keys.LOW_STOCK_INDEX, limit=limit,
                                start_key=start)
        next_cursor = page.last_key["gsi2sk"] if page.last_key else None
        return [Level.model_validate(row) for row in page.items], next_cursor

    def expiring(self, practice_id: str, through: date) -> list[LotBalance]:
        """Query gsi3 INV_EXPIRY sk <= <through>~ (sparse: dated lots with stock), every page."""
        rows = self.table.query_all(keys.expiry_index(practice_id), index=keys.EXPIRY_INDEX,
                                    sk_between=("0", f"{through.isoformat()}#~"))
        return [LotBalance.model_validate(row) for row in rows]
