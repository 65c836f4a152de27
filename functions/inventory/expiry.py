"""The expiry watch: lots that expire within N days, per location, and stock already expired; reported on
request and sent to the practice's coordinators once a day."""

from collections.abc import Callable
from datetime import datetime, timedelta

from functions.core import authz
from functions.core.auth import Caller
from functions.core.service import AreaService
from functions.inventory.models.stock import ExpiringLot, ExpiryReport
from functions.inventory.ports import Coordinators, StaffNotices, StockWatch

ACTOR = "system:inventory-jobs"


class ExpiryWatch(AreaService):
    def __init__(self, watch: StockWatch, coordinators: Coordinators, notices: StaffNotices, audit,
                 now: Callable[[], datetime]) -> None:
        self.watch, self.coordinators, self.notices, self.audit, self.now = watch, coordinators, notices, audit, now

    def report(self, caller: Caller, within_days: int, location_id: str | None = None) -> ExpiryReport:
        authz.authorize(caller, "inventory.stock.read")
        return self._report(caller.practice_id, within_days, location_id)

    def notify(self, practice_id: str, within_days: int = 30) -> int:
        """One notice a day to each coordinator when anything has expired or expires within `within_days`
        (the key names the day, so a rerun sends nothing twice). The number of notices asked for."""
        report = self._report(practice_id, within_days)
        if not (report.expired or report.expiring):
            return 0
        coordinators = self.coordinators.coordinator_ids(practice_id)
        if not coordinators:
            return 0
        day = report.as_of.isoformat()
        details = (f"{len(report.expired)} lot(s) have expired and {len(report.expiring)} expire within "
                   f"{within_days} days. See GET /stock/expiring.")
        events = [self.notices.to_staff(practice_id, user_id, "Supplies expiring", details, f"expiry-{day}-{user_id}",
                                        about=("expiry_watch", day.replace("-", ""))) for user_id in coordinators]
        system = Caller(user_id=ACTOR, practice_id=practice_id, roles=frozenset(), request_id="expiry-watch")
        self.audit.commit(self._draft(system, "inventory.expiry.notify", "INVENTORY_EXPIRY", day.replace("-", "")),
                          events=events)
        return len(events)

    def _report(self, practice_id: str, within_days: int, location_id: str | None = None) -> ExpiryReport:
        today = self.now().date()
        lots = [b for b in self.watch.expiring(practice_id, today + timedelta(days=within_days))
                if b.on_hand > 0 and (location_id is None or b.location_id == location_id)]
        found = sorted((ExpiringLot(item_id=b.item_id, location_id=b.location_id, lot=b.lot, expires_on=b.expires_on,
                                    on_hand=b.on_hand) for b in lots),
                       key=lambda lot: (lot.location_id, lot.expires_on, lot.item_id, lot.lot))
        return ExpiryReport(as_of=today, within_days=within_days,
                            expired=[lot for lot in found if lot.expires_on < today],
                            expiring=[lot for lot in found if lot.expires_on >= today])
