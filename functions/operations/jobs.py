"""The watcher's scheduled job, every 15 minutes: looks at every dead-letter queue and every job's last finished
run, and sends the two EMF metrics the alarms read, ParkedMessages and JobsOverdue, EVERY run (zeros too): the
alarms treat a missing point as breaching, so a watcher that stopped running alarms as well."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from functions.core.jobs import job_handler
from functions.core.observability import logger, metrics
from functions.core.table import Table
from functions.operations import wiring
from functions.operations.watch import Watch


def watch(table: Table, watcher: Watch | None = None) -> dict[str, Any]:
    report = (watcher or wiring.watch()).look()
    metrics.add_metric(name="ParkedMessages", unit=MetricUnit.Count, value=report.parked_messages)
    metrics.add_metric(name="JobsOverdue", unit=MetricUnit.Count, value=len(report.overdue))
    summary = report.summary()
    if report.parked_messages or report.overdue:
        logger.warning("operations need a person", extra=summary)
    return summary


JOBS = {"watch": watch}

handler = job_handler(JOBS)
