"""The one entry point shape for scheduled jobs: the schedule's input names the job ("job") and may pass
keyword arguments; each job takes the table and returns a small summary for the logs. Each run that finishes
is put on the job's run item (core.job_runs): the operations watcher counts a job whose last success is too old
as overdue, and one alarm watches that count (infra/constructs/monitoring.py)."""

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from functions.core import clock
from functions.core.job_runs import DynamoJobRuns
from functions.core.observability import logger, metrics
from functions.core.table import Table

Job = Callable[..., dict[str, Any]]


class JobRunLedger(Protocol):
    def succeeded(self, job: str, at: datetime) -> None: ...


def job_handler(jobs: dict[str, Job], runs: Callable[[], JobRunLedger] | None = None,
                ) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """`runs`: where finished runs are put (tests pass a fake); the table's job-run items by default."""

    @logger.inject_lambda_context(log_event=False)
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        job = jobs.get(event.get("job", ""))
        if job is None:  # a schedule wired to a job this function does not have: fail loudly, alarm fires
            raise ValueError(f"unknown job {event.get('job')!r}; known: {sorted(jobs)}")
        summary = job(Table(), **{k: v for k, v in event.items() if k != "job"})
        # only a run that finished: a failed one leaves the last success where it was, so lateness grows
        (runs or _table_runs)().succeeded(event["job"], clock.now())
        return summary

    return handler


def _table_runs() -> JobRunLedger:
    return DynamoJobRuns(Table())
