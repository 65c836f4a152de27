"""When each scheduled job last finished a run: one item per job in one small partition (not a practice's), put by
core.jobs after every run that finishes and read by the operations watcher (functions/operations) in one Query, so
a job that stopped running is found without a metric or an alarm per job."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from botocore.exceptions import ClientError

from functions.core.clock import iso
from functions.core.table import Table

JOB_RUNS_PK = "JOB_RUNS"
KIND = "JOB_RUN"


@dataclass(frozen=True)
class JobRun:
    """A job's last finished run, or, before its first, when the watcher began expecting one."""

    job: str
    succeeded_at: datetime | None = None
    watched_since: datetime | None = None

    @property
    def since(self) -> datetime:
        """What the job's lateness counts from."""
        moment = self.succeeded_at or self.watched_since
        if moment is None:
            raise ValueError(f"{self.job}: a job run with neither a success nor a start of watching")
        return moment


class DynamoJobRuns:
    def __init__(self, table: Table) -> None:
        self.table = table

    def succeeded(self, job: str, at: datetime) -> None:
        """Access pattern: PutItem pk=JOB_RUNS sk=<job> (the run that finished last wins: it finished at `at`)."""
        self.table.put({"pk": JOB_RUNS_PK, "sk": job, "kind": KIND, "job": job, "succeeded_at": iso(at)})

    def start_watching(self, job: str, at: datetime) -> None:
        """Access pattern: PutItem pk=JOB_RUNS sk=<job> if absent: a job with no run yet is late from `at` on (a
        run that finished meanwhile is kept)."""
        try:
            self.table.put({"pk": JOB_RUNS_PK, "sk": job, "kind": KIND, "job": job, "watched_since": iso(at)},
                           condition="attribute_not_exists(pk)")
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise

    def last_runs(self) -> dict[str, JobRun]:
        """Access pattern: Query pk=JOB_RUNS, all pages (one item per scheduled job)."""
        return {item["job"]: JobRun(item["job"], _moment(item.get("succeeded_at")), _moment(item.get("watched_since")))
                for item in self.table.query_all(JOB_RUNS_PK)}


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
