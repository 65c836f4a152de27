"""Scheduled billing jobs. The schedule's input names the job; each returns a small summary.

follow_up_claims: claims with no answer from the payer after the practice's follow-up days get a claim
status inquiry, recorded on the claim and announced (billing.claim.no_answer) for a person to chase. It also
sends the day's days in A/R (functions/core/business.py).
It reads the sparse "awaiting an answer" index, so its cost follows the claims due, not the table."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from functions.billing import reports, wiring
from functions.billing.follow_up import ClaimFollowUp
from functions.core import business
from functions.core.jobs import job_handler
from functions.core.observability import logger, metrics
from functions.core.registry import practice_ids
from functions.core.table import Table


def follow_up_claims(table: Table, follow_up: ClaimFollowUp | None = None,
                     billing_reports: reports.Reports | None = None) -> dict[str, Any]:
    follow_up = follow_up or wiring.claim_follow_up()
    totals = {"practices": 0, "followed_up": 0, "skipped": 0}
    practices = practice_ids(table)
    for practice_id in practices:
        totals["practices"] += 1
        followed_up, skipped = follow_up.practice(practice_id)
        totals["followed_up"] += followed_up
        totals["skipped"] += skipped
    metrics.add_metric(name="ClaimsFollowedUp", unit=MetricUnit.Count, value=totals["followed_up"])
    # the day's level for the dashboard, while the job walks the practices anyway
    billing_reports = billing_reports or wiring.reports()
    business.send("DaysInAR", reports.days_in_ar(billing_reports.outstanding(p) for p in practices))
    logger.info("claims followed up", extra=totals)
    return totals


JOBS = {"follow_up_claims": follow_up_claims}

handler = job_handler(JOBS)
