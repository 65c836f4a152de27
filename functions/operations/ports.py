"""What the watcher reads: how many messages wait on each dead-letter queue, and when each job last finished."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from functions.core.job_runs import JobRun


class DeadLetterQueues(Protocol):
    def depths(self) -> dict[str, int]:
        """Messages parked on each dead-letter queue, by the queue's name in the stage."""
        ...


class JobRuns(Protocol):
    def last_runs(self) -> dict[str, JobRun]:
        """Each job's last finished run (or when watching it began), by job name."""
        ...

    def start_watching(self, job: str, at: datetime) -> None:
        """Expect `job` from `at` on, unless a run is already recorded."""
        ...
