"""Physical counts: a sheet per location lists what the books hold; staff fill in what is on the shelf; the
coordinator posts it, which adjusts each counted lot to its count (the variance, as an adjustment)."""

from collections.abc import Callable
from datetime import datetime

from functions.core import authz
from functions.core.auth import Caller
from functions.core.errors import Conflict, Invalid, NotFound, stale
from functions.core.ids import new_id
from functions.core.service import AreaService, AuditTrail
from functions.core.types import ExpectedVersion
from functions.inventory import fefo
from functions.inventory.ledger import StockMovements
from functions.inventory.models.counts import CountedIn, CountIn, CountLine, CountSheet
from functions.inventory.ports import CountSheets, LocationBook, StockLedger

ENTITY = "INVENTORY_COUNT"


class Counts(AreaService):
    def __init__(self, locations: LocationBook, ledger: StockLedger, sheets: CountSheets, movements: StockMovements,
                 audit: AuditTrail, now: Callable[[], datetime]) -> None:
        self.locations, self.ledger, self.sheets, self.movements = locations, ledger, sheets, movements
        self.audit, self.now = audit, now

    def open(self, caller: Caller, body: CountIn) -> CountSheet:
        """A sheet of every lot the books hold at the location, first-expiring first, nothing counted yet."""
        authz.authorize(caller, "inventory.count.create")
        if self.locations.location(caller.practice_id, body.location_id) is None:
            raise Invalid("no such location", code="unknown_location")
        _, lots = self.ledger.at_location(caller.practice_id, body.location_id)
        at = self._at()
        lines = [CountLine(item_id=b.item_id, lot=b.lot, expires_on=b.expires_on, expected=b.on_hand)
                 for b in sorted(fefo.first_expiring(lots), key=lambda b: b.item_id) if b.on_hand > 0]
        sheet = CountSheet(id=new_id(), practice_id=caller.practice_id, location_id=body.location_id, status="open",
                           lines=lines, version=1, created_at=at, updated_at=at)
        self.sheets.save(sheet, self._draft(caller, "inventory.count.create", ENTITY, sheet.id, at=at))
        return sheet

    def sheet(self, caller: Caller, count_id: str) -> CountSheet:
        authz.authorize(caller, "inventory.count.read")
        sheet = self.sheets.sheet(caller.practice_id, count_id)
        if sheet is None:
            raise NotFound("no such count")
        return sheet

    def record(self, caller: Caller, count_id: str, body: CountedIn, expected: ExpectedVersion) -> CountSheet:
        """What was counted. A lot found on the shelf but not on the sheet is added (expected 0)."""
        authz.authorize(caller, "inventory.count.record")
        sheet = self._open(caller, count_id, expected())
        lines = {(line.item_id, line.lot): line for line in sheet.lines}
        for counted in body.lines:
            line = lines.get((counted.item_id, counted.lot))
            if line is None:
                line = lines[(counted.item_id, counted.lot)] = CountLine(item_id=counted.item_id, lot=counted.lot,
                                                                        expected=0)
            line.counted = counted.counted
        at = self._at()
        updated = sheet.model_copy(update={"lines": list(lines.values()), "version": sheet.version + 1,
                                           "updated_at": at})
        self.sheets.save(updated, self._draft(caller, "inventory.count.record", ENTITY, count_id, at=at))
        return updated

    def post(self, caller: Caller, count_id: str, expected: ExpectedVersion) -> CountSheet:
        """Each counted lot adjusted to its count, then the sheet closed. Lines left blank change nothing."""
        authz.authorize(caller, "inventory.count.post")
        sheet = self._open(caller, count_id, expected())
        counted = [line for line in sheet.lines if line.counted is not None]
        if not counted:
            raise Invalid("nothing on this sheet has been counted", code="nothing_counted")
        posted = 0
        for index, line in enumerate(counted):
            movement = self.movements.post_variance(caller, f"{count_id}-{index}", line.item_id, sheet.location_id,
                                                    line.lot, line.counted, count_id)
            posted += movement is not None
        at = self._at()
        closed = sheet.model_copy(update={"status": "posted", "posted_at": at, "adjustments": posted,
                                          "version": sheet.version + 1, "updated_at": at})
        self.sheets.save(closed, self._draft(caller, "inventory.count.post", ENTITY, count_id, at=at))
        return closed

    def _open(self, caller: Caller, count_id: str, version: int) -> CountSheet:
        sheet = self.sheet(caller, count_id)
        if sheet.version != version:
            raise stale("count sheet")
        if sheet.status != "open":
            raise Conflict("this count has been posted", code="count_posted")
        return sheet
