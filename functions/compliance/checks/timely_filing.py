"""`timely_filing`: claims the payer has not accepted yet whose filing deadline is near or past."""

from collections.abc import Iterator
from datetime import date, timedelta

from functions.compliance.checks.base import Raised, Severity
from functions.compliance.checks.finding_keys import finding_key
from functions.compliance.ports.sources import ClaimsToFile


class TimelyFiling:
    """A claim not yet accepted is raised `warn_days` before its payer's filing deadline (medium), as high
    within `urgent_days`, and critical once the deadline has passed: the payer will deny it (CARC 29)."""

    name = "timely_filing"

    def __init__(self, claims: ClaimsToFile, warn_days: int = 14, urgent_days: int = 3) -> None:
        self.claims, self.warn_days, self.urgent_days = claims, warn_days, urgent_days

    def find(self, practice_id: str, today: date) -> Iterator[Raised]:
        for claim in self.claims.filing_due(practice_id, today + timedelta(days=self.warn_days)):
            if claim.deadline < today:
                severity, when = Severity.CRITICAL, f"passed on {claim.deadline}"
            else:
                urgent = claim.deadline <= today + timedelta(days=self.urgent_days)
                severity, when = (Severity.HIGH if urgent else Severity.MEDIUM), f"is {claim.deadline}"
            yield Raised(check=self.name, key=finding_key("claim", claim.claim_id), severity=severity,
                         owner="role:billing", due_on=claim.deadline,
                         title=f"Claim {claim.claim_id} ({claim.state}): payer {claim.payer_id}'s filing deadline "
                               f"{when}",
                         link=f"/claims/{claim.claim_id}")
