"""ClaimsToFile over billing's claim ledger (`DynamoClaimLedger`): its sparse filing-deadline index."""

from datetime import date

from functions.billing.dynamo.claims import DynamoClaimLedger
from functions.compliance.ports.sources import ClaimToFile
from functions.core.table import Table


class BillingClaimsToFile:
    def __init__(self, table: Table) -> None:
        self.ledger = DynamoClaimLedger(table, audit=None)  # reads only: the audit store is never used

    def filing_due(self, practice_id: str, by: date) -> list[ClaimToFile]:
        """The claims the payer has not accepted whose filing deadline is on or before `by`: one Query of billing's
        sparse FILING_DUE index (every page), so the reads grow with the claims found, not the claims in work."""
        return [ClaimToFile(claim_id=m["claim_id"], state=m["state"], payer_id=m["payer_id"],
                            deadline=date.fromisoformat(m["deadline"]))
                for m in self.ledger.filing_due(practice_id, by)]
