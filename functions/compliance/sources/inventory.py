"""ExpiredStock over inventory's stock watch (`DynamoStockWatch`): its sparse expiry index."""

from datetime import date, timedelta

from functions.compliance.ports.sources import ExpiredLot
from functions.core.table import Table
from functions.inventory.dynamo.stock import DynamoStockWatch


class InventoryExpiredStock:
    def __init__(self, table: Table) -> None:
        self.watch = DynamoStockWatch(table)

    def expired(self, practice_id: str, before: date) -> list[ExpiredLot]:
        """Query gsi3 INV_EXPIRY through the day before `before` (sparse: dated lots with stock), every page."""
        return [ExpiredLot(item_id=lot.item_id, location_id=lot.location_id, lot=lot.lot, expires_on=lot.expires_on,
                           on_hand=lot.on_hand)
                for lot in self.watch.expiring(practice_id, before - timedelta(days=1))
                if lot.on_hand > 0 and lot.expires_on is not None and lot.expires_on < before]
