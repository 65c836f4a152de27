"""The one entry point shape for scheduled jobs: the schedule's input names the job ("job") and may pass
keyword arguments; each job takes the table and returns a small summary for the logs."""

from collections.abc import Callable
from typing import Any

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
        return job(Table(), **{k: v for k, v in event.items() if k != "job"})

    return handler
