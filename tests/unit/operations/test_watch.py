"""The watch: messages parked on any dead-letter queue add up, a job with no finished run within its allowance is
overdue, a job seen for the first time is given its allowance from then; and the watcher's job sends both numbers
every run, zeros too (a missing point is what the alarms read as a stopped watcher)."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from functions.core.clock import FixedClock
from functions.operations import jobs
from functions.operations.watch import Watch
from tests.fakes.operations import FakeDeadLetterQueues, FakeJobRuns
from tests.support import LambdaContext

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
DAILY = timedelta(hours=26)
EVERY_15_MINUTES = timedelta(hours=3)


@pytest.fixture
def world():
    queues = FakeDeadLetterQueues({"event-targets": 0, "async-invocations": 0, "outbox-publisher-stream": 0})
    runs = FakeJobRuns()
    clock = FixedClock(NOW)
    watch = Watch(queues, runs, {"follow_up_claims": DAILY, "send_appointment_reminders": EVERY_15_MINUTES},
                  clock.now)
    return watch, queues, runs, clock


def test_nothing_parked_and_every_job_recent_is_all_clear(world):
    watch, _queues, runs, _clock = world
    runs.succeeded("follow_up_claims", NOW - timedelta(hours=20))
    runs.succeeded("send_appointment_reminders", NOW - timedelta(minutes=14))
    report = watch.look()
    assert (report.parked_messages, report.overdue) == (0, ())


def test_messages_parked_on_any_queue_add_up_and_the_summary_names_the_queues(world):
    watch, queues, _runs, _clock = world
    queues.park("event-targets", 2)
    queues.park("outbox-publisher-stream")
    report = watch.look()
    assert report.parked_messages == 3
    assert report.summary()["queues_with_parked"] == ["event-targets", "outbox-publisher-stream"]


def test_a_job_with_no_finished_run_within_its_allowance_is_overdue(world):
    watch, _queues, runs, _clock = world
    runs.succeeded("follow_up_claims", NOW - DAILY - timedelta(minutes=1))
    runs.succeeded("send_appointment_reminders", NOW - EVERY_15_MINUTES)  # exactly its allowance: not yet
    assert watch.look().overdue == ("follow_up_claims",)


def test_a_job_seen_for_the_first_time_is_late_only_once_its_allowance_passes_from_then(world):
    watch, _queues, runs, clock = world
    runs.succeeded("follow_up_claims", NOW)
    assert watch.look().overdue == ()  # a first deploy: the reminders job has not run yet
    clock.advance(EVERY_15_MINUTES)
    assert watch.look().overdue == ()
    clock.advance(timedelta(minutes=1))
    assert watch.look().overdue == ("send_appointment_reminders",)


def test_a_job_no_schedule_runs_any_more_is_not_watched(world):
    watch, _queues, runs, _clock = world
    runs.succeeded("follow_up_claims", NOW)
    runs.succeeded("send_appointment_reminders", NOW)
    runs.succeeded("retired_job", NOW - timedelta(days=90))
    assert watch.look().overdue == ()


def emf(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if '"_aws"' in line]


@pytest.mark.parametrize("parked", [0, 4])
def test_the_watchers_job_sends_both_numbers_every_run_zeros_too(world, monkeypatch, capsys, parked):
    # as deployed: the function's POWERTOOLS_SERVICE_NAME (read when the container imports), metrics on
    monkeypatch.setattr(jobs.metrics.provider, "service", "operations")
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    watch, queues, runs, _clock = world
    queues.park("event-targets", parked)
    runs.succeeded("follow_up_claims", NOW - timedelta(days=3))
    handler = jobs.job_handler({"watch": lambda table: jobs.watch(table, watch)}, runs=lambda: runs)
    monkeypatch.setattr("functions.core.jobs.Table", lambda: "table")
    summary = handler({"job": "watch"}, LambdaContext())
    (metrics,) = emf(capsys.readouterr().out)
    (directive,) = metrics["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "PracticeFlow" and directive["Dimensions"] == [["service"]]
    assert metrics["service"] == "operations"
    assert (metrics["ParkedMessages"], metrics["JobsOverdue"]) == ([float(parked)], [1.0])
    assert summary["overdue"] == ["follow_up_claims"]
    assert "watch" in runs.last_runs()  # the watcher's own run is recorded like any job's
