"""Scheduled notifications jobs. The schedule's input names the job; each returns a small summary."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from functions.core.jobs import job_handler
from functions.core.observability import logger, metrics
from functions.core.registry import practice_ids
from functions.core.table import Table
from functions.notifications import wiring
from functions.notifications.delivery import Delivery


def send_deferred_notifications(table: Table, delivery: Delivery | None = None) -> dict[str, Any]:
    """Messages held back by quiet hours (or a provider outage) whose time has come: one Query of the
    sparse due index per practice, so the cost follows the messages due, not the table."""
    delivery = delivery or wiring.notifications().delivery
    totals = {"practices": 0, "due": 0, "sent": 0, "deferred": 0, "failed": 0, "errors": 0}
    for practice_id in practice_ids(table):
        run = delivery.send_due(practice_id)
        totals["practices"] += 1
        for name in ("due", "sent", "deferred", "failed", "errors"):
            totals[name] += getattr(run, name)
    metrics.add_metric(name="DeferredNotificationsSent", unit=MetricUnit.Count, value=totals["sent"])
    if totals["errors"]:
        logger.warning("deferred notifications left for the next run", extra={"errors": totals["errors"]})
    return totals


JOBS = {"send_deferred_notifications": send_deferred_notifications}

handler = job_handler(JOBS)
