"""The reach report of a workshop's promotion: invited, delivered, registered, waitlisted, attended, surveyed,
answered and the mean rating, as the promotion's last step (or the step that saw it end) wrote it."""

from functions.core import authz
from functions.core.auth import Caller
from functions.core.errors import NotFound
from functions.core.keys import segment
from functions.outreach.models.promotion import ReachReport
from functions.outreach.ports import PromotionLedger


class Reach:
    def __init__(self, ledger: PromotionLedger) -> None:
        self.ledger = ledger

    def report(self, caller: Caller, workshop_id: str) -> ReachReport:
        authz.authorize(caller, "outreach.reach.read")
        report = self.ledger.report(caller.practice_id, segment(workshop_id, "workshop id"))
        if report is None:
            raise NotFound("no reach report yet: it is written when the promotion ends", code="reach_not_written")
        return report
