"""The daily follow-up of claims with no answer: after the practice's follow-up days, a claim status inquiry,
recorded on the claim and announced (billing.claim.no_answer) for a person to chase, and the next date set."""

from collections.abc import Callable
from datetime import datetime, timedelta

from functions.billing.claim_moves import ClaimMoves, workflow_caller
from functions.billing.clearinghouse import Clearinghouse
from functions.billing.ports import BillingSetup, ClaimLedger
from functions.core import clock
from functions.core.errors import Conflict
from functions.core.service import AuditTrail

DEFAULT_FOLLOW_UP_DAYS = 30


class ClaimFollowUp(ClaimMoves):
    def __init__(self, claims: ClaimLedger, setup: BillingSetup, clearinghouse: Clearinghouse, audit: AuditTrail,
                 now: Callable[[], datetime] = clock.now) -> None:
        super().__init__(claims, setup, audit, now)
        self.clearinghouse = clearinghouse

    def practice(self, practice_id: str) -> tuple[int, int]:
        """Follow up every claim of the practice that is due: (followed up, skipped because an answer came)."""
        settings = self.setup.settings(practice_id)
        days = settings.follow_up_days if settings else DEFAULT_FOLLOW_UP_DAYS
        followed_up = skipped = 0
        for claim in self.claims.awaiting_answer(practice_id, self._today()):
            status = self.clearinghouse.status_inquiry(practice_id, claim.submission_id or "")
            try:
                self._move(workflow_caller(practice_id, "follow-up-claims"), claim, claim.state,
                           f"no answer yet; status inquiry: {status}", "followed_up", followed_up_at=self._at(),
                           follow_up_on=self._today() + timedelta(days=days), event_type="billing.claim.no_answer")
                followed_up += 1
            except Conflict:  # the workflow moved it meanwhile: an answer came, nothing to chase
                skipped += 1
        return followed_up, skipped
