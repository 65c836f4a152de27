"""The scheduled jobs the operations watcher expects to finish, and how long each may go without a finished run
before it is overdue: from the catalogue's schedules (its longest gap between runs, and a grace). No CDK import:
the service stack and localcloud both set the watcher's WATCHED_JOBS from here."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta

from infra.catalog import Catalog, Schedule
from localcloud.schedules import parse

_SAMPLE_START = datetime(2026, 1, 1, tzinfo=UTC)
_SAMPLES = (timedelta(days=14), timedelta(days=400))  # a fortnight shows a daily job's gaps; a year, a monthly's
GRACE = timedelta(hours=2)  # a run may start late and take its time
WATCHED_JOBS = "WATCHED_JOBS"


def longest_gap(schedule: Schedule) -> timedelta:
    """The longest time between two runs of `schedule` (a rate's interval; a cron's widest gap)."""
    expression = parse(schedule.expression, created=_SAMPLE_START)
    for horizon in _SAMPLES:
        runs = [_SAMPLE_START]
        while runs[-1] < _SAMPLE_START + horizon:
            following = expression.next_after(runs[-1])
            if following is None:
                break
            runs.append(following)
        if len(runs) > 3:
            return max(later - earlier for earlier, later in zip(runs[1:], runs[2:], strict=False))
    return timedelta.max


def heartbeats(catalog: Catalog) -> dict[str, timedelta]:
    """job -> the longest time between its runs, for every scheduled function job (a job two schedules run, like
    the nightly and the weekly chain verification, by the more frequent)."""
    found: dict[str, timedelta] = {}
    for schedule in catalog.schedules:
        if schedule.target.function is None or "job" not in schedule.input:
            continue
        gap = longest_gap(schedule)
        if gap != timedelta.max:
            job = schedule.input["job"]
            found[job] = min(gap, found.get(job, gap))
    return found


def allowance(gap: timedelta) -> timedelta:
    """How long a job that runs every `gap` may go without a finished run: the gap in whole hours and the grace,
    at least two hours (what the per-job alarms this replaces allowed)."""
    return max(GRACE, timedelta(hours=math.ceil(gap / timedelta(hours=1))) + GRACE)


def watched_jobs(catalog: Catalog) -> dict[str, int]:
    """job -> the minutes it may go without a finished run."""
    return {job: int(allowance(gap) / timedelta(minutes=1)) for job, gap in sorted(heartbeats(catalog).items())}


def watch_environment(catalog: Catalog) -> dict[str, str]:
    return {WATCHED_JOBS: json.dumps(watched_jobs(catalog), separators=(",", ":"))}
