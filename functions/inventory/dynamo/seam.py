"""The seam ordering reads and writes through, on DynamoDB: ReorderNeeds and StockReceiving."""

from functions.core import clock
from functions.core.audit_store import AuditStore
from functions.core.auth import Caller
from functions.core.table import Table
from functions.inventory.dynamo.catalogue import DynamoItemCatalogue, DynamoLocationBook
from functions.inventory.dynamo.stock import DynamoStockLedger, DynamoStockWatch
from functions.inventory.ledger import StockMovements
from functions.inventory.levels import ReorderLines
from functions.inventory.models.reorder import ReceiptLine


class DynamoReorderNeeds(ReorderLines):
    """below_reorder_point: Query gsi2 LOW_STOCK (a page), then GetItem of each item named (its offers, pack);
    line: GetItem of the item and of its level."""

    def __init__(self, table: Table, audit: AuditStore) -> None:
        super().__init__(DynamoItemCatalogue(table, audit), DynamoStockLedger(table, audit), DynamoStockWatch(table))


class DynamoStockReceiving:
    """receive: per line, GetItem item and location, Query the lots, GetItem the level, then one
    TransactWriteItems (movement `<receipt>-<n>` attribute_not_exists, level over its seq, lot, audit)."""

    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.movements = StockMovements(DynamoItemCatalogue(table, audit), DynamoLocationBook(table, audit),
                                        DynamoStockLedger(table, audit), audit, clock.now)

    def receive(self, practice_id: str, receipt_id: str, lines: list[ReceiptLine], by: Caller,
                purchase_order_id: str | None = None) -> None:
        self.movements.receive(practice_id, receipt_id, lines, by, purchase_order_id)
