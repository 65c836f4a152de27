"""The one entry point shape for scheduled jobs: the schedule's input names the job ("job") and may pass
keyword arguments; each job takes the table and returns a small summary for the logs. Each run that finishes
counts `JobSucceeded` for its job: the heartbeat whose absence alarms (infra/constructs/monitoring.py)."""

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.metrics.functions import is_metrics_disabled

from functions.core.observability import logger, metrics
from functions.core.table import Table

Job = Callable[..., dict[str, Any]]


def job_handler(jobs: dict[str, Job]) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    @logger.inject_lambda_context(log_event=False)
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        job = jobs.get(event.get("job", ""))
        if job is None:  # a schedule wired to a job this function does not have: fail loudly, alarm fires
            raise ValueError(f"unknown job {event.get('job')!r}; known: {sorted(jobs)}")
        summary = job(Table(), **{k: v for k, v in event.items() if k != "job"})
        if is_metrics_disabled():  # single_metric prints regardless; `practice job run` prints the summary alone
            return summary
        # its own dimensions (the job), so the function's other metrics keep theirs
        with single_metric(name="JobSucceeded", unit=MetricUnit.Count, value=1, namespace=metrics.namespace,
                           default_dimensions=metrics.default_dimensions) as metric:
            metric.add_dimension(name="job", value=event["job"])
        return summary

    return handler
