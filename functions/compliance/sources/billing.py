"""ClaimsToFile over billing's claim ledger (`DynamoClaimLedger`): the state index, bounded by date of service."""

from datetime import date

from functions.billing.dynamo.claims import DynamoClaimLedger
from functions.compliance.ports import ClaimToFile
from functions.core.table import Table

# The states before the payer has accepted a claim: its filing deadline still matters. (`submitted`: the
# clearinghouse has it, the payer has not acknowledged it; a rejection there means filing again.)
NOT_ACCEPTED = ("draft", "scrubbed", "submitted", "rejected", "denied", "corrected", "needs_review", "failed")
PAGE = 500


class BillingClaimsToFile:
    def __init__(self, table: Table) -> None:
        self.ledger = DynamoClaimLedger(table, audit=None)  # reads only: the audit store is never used

    def filing_due(self, practice_id: str, by: date) -> list[ClaimToFile]:
        """Per state not yet accepted, Query gsi1 CLAIM_STATE#<state> with date of service <= `by` (a payer allows
        at least a day, so no claim due by then was seen later), every page; kept where the deadline is <= `by`.
        The reads grow with the claims still in those states (work in progress), never with paid or closed ones."""
        found: list[ClaimToFile] = []
        for state in NOT_ACCEPTED:
            start = None
            while True:
                claims, start = self.ledger.page(practice_id, state=state, patient_id=None, payer_id=None, first=None,
                                                 last=by, limit=PAGE, start=start)
                found += [ClaimToFile(claim_id=c.id, state=c.state, payer_id=c.payer_id,
                                      deadline=c.timely_filing_deadline)
                          for c in claims if c.timely_filing_deadline <= by]
                if start is None:
                    break
        return sorted(found, key=lambda c: (c.deadline, c.claim_id))
