"""`stock_expired`: lots past their expiry date that still have stock on a shelf."""

from collections.abc import Iterator
from datetime import date

from functions.compliance.checks.base import Raised, Severity
from functions.compliance.checks.finding_keys import finding_key
from functions.compliance.ports.sources import ExpiredStock


class StockExpired:
    """An expired lot with units on hand could be used on a patient: high, for the coordinators, until it is
    written off or used up (its on-hand reaches zero)."""

    name = "stock_expired"

    def __init__(self, stock: ExpiredStock) -> None:
        self.stock = stock

    def find(self, practice_id: str, today: date) -> Iterator[Raised]:
        for lot in self.stock.expired(practice_id, today):
            if lot.on_hand <= 0:  # the index holds only lots with stock; a lot at zero is never a finding
                continue
            yield Raised(check=self.name, key=finding_key("lot", lot.item_id, lot.location_id, lot.lot),
                         severity=Severity.HIGH, owner="role:coordinator", due_on=lot.expires_on,
                         title=f"Lot {lot.lot} of item {lot.item_id} at {lot.location_id} expired on "
                               f"{lot.expires_on}: {lot.on_hand} unit(s) on hand",
                         link=f"/stock/expiring?location_id={lot.location_id}")
