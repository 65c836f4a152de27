"""The watch: every dead-letter queue's parked messages and every scheduled job's lateness, added up into the two
numbers the stage's alarms read (parked messages, jobs overdue), so a new queue or job needs no alarm of its own."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from functions.operations.ports import DeadLetterQueues, JobRuns


@dataclass(frozen=True)
class WatchReport:
    parked: dict[str, int]  # queue name -> messages waiting
    overdue: tuple[str, ...]  # jobs with no finished run within their allowance

    @property
    def parked_messages(self) -> int:
        return sum(self.parked.values())

    def summary(self) -> dict[str, object]:
        """For the log: names and counts only (no message is read, so nothing of a patient's)."""
        return {"parked_messages": self.parked_messages,
                "queues_with_parked": sorted(name for name, count in self.parked.items() if count),
                "jobs_overdue": len(self.overdue), "overdue": list(self.overdue)}


class Watch:
    """`allowances`: each job the schedules run, with how long it may go without a finished run before it is
    overdue (its longest gap between runs and a grace: infra/heartbeats.py)."""

    def __init__(self, queues: DeadLetterQueues, runs: JobRuns, allowances: Mapping[str, timedelta],
                 now: Callable[[], datetime]) -> None:
        self.queues = queues
        self.runs = runs
        self.allowances = allowances
        self.now = now

    def look(self) -> WatchReport:
        now = self.now()
        last = self.runs.last_runs()
        overdue = []
        for job, allowance in sorted(self.allowances.items()):
            run = last.get(job)
            if run is None:  # new here (a first deploy, a new job): late only once its allowance passes from now
                self.runs.start_watching(job, now)
            elif now - run.since > allowance:
                overdue.append(job)
        return WatchReport(parked=self.queues.depths(), overdue=tuple(overdue))
