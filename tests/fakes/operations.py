"""Fakes of operations' ports: dead-letter queues with messages parked on them, and the jobs' run items."""

from __future__ import annotations

from datetime import datetime

from functions.core.job_runs import JobRun


class FakeDeadLetterQueues:
    """`queues`: each queue's name -> messages parked on it."""

    def __init__(self, queues: dict[str, int] | None = None) -> None:
        self.queues = dict(queues or {})

    def park(self, queue: str, messages: int = 1) -> None:
        self.queues[queue] = self.queues.get(queue, 0) + messages

    def depths(self) -> dict[str, int]:
        return dict(sorted(self.queues.items()))


class FakeJobRuns:
    """One run item per job, like the table's: a finished run replaces it; watching starts only where none is."""

    def __init__(self) -> None:
        self.runs: dict[str, JobRun] = {}

    def succeeded(self, job: str, at: datetime) -> None:
        self.runs[job] = JobRun(job, succeeded_at=at)

    def start_watching(self, job: str, at: datetime) -> None:
        self.runs.setdefault(job, JobRun(job, watched_since=at))

    def last_runs(self) -> dict[str, JobRun]:
        return dict(self.runs)
