"""The nightly drift check: re-derive every balance from the ledger and compare it with the running balance
kept beside it. A difference means a write bypassed the ledger; it is reported, never silently fixed.

Cost: it reads every movement of every item, so it grows with the ledger (items + movements / ~4 KB per read
unit), not with the work due; a per-item checkpoint of verified balances would bound it to the day's movements."""

from collections import defaultdict

from functions.inventory.models.stock import DriftLine, DriftReport
from functions.inventory.ports import ItemCatalogue, LedgerHistory


class DriftCheck:
    def __init__(self, items: ItemCatalogue, history: LedgerHistory) -> None:
        self.items, self.history = items, history

    def run(self, practice_id: str) -> DriftReport:
        drift: list[DriftLine] = []
        read = 0
        items = self.items.items(practice_id)
        for item in items:
            levels, lots, movements = self.history.history(practice_id, item.id)
            read += len(movements)
            by_lot: dict[tuple[str, str], int] = defaultdict(int)
            for movement in movements:
                for leg in movement.legs:
                    by_lot[(leg.location_id, leg.lot)] += leg.delta
            recorded_lots = {(b.location_id, b.lot): b.on_hand for b in lots}
            for key in sorted(by_lot.keys() | recorded_lots.keys()):
                if by_lot.get(key, 0) != recorded_lots.get(key, 0):
                    drift.append(DriftLine(item_id=item.id, location_id=key[0], lot=key[1],
                                           recorded=recorded_lots.get(key, 0), derived=by_lot.get(key, 0)))
            by_location: dict[str, int] = defaultdict(int)
            for (location_id, _), units in by_lot.items():
                by_location[location_id] += units
            recorded = {level.location_id: level.on_hand for level in levels}
            for location_id in sorted(by_location.keys() | recorded.keys()):
                if by_location.get(location_id, 0) != recorded.get(location_id, 0):
                    drift.append(DriftLine(item_id=item.id, location_id=location_id, lot=None,
                                           recorded=recorded.get(location_id, 0),
                                           derived=by_location.get(location_id, 0)))
        return DriftReport(practice_id=practice_id, items_checked=len(items), movements_read=read, drift=drift)
