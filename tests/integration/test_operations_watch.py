"""The watcher on moto, as deployed: a job's finished run lands on its run item in the table, the watcher reads it
and the stage's dead-letter queues (SQS), and counts what is parked and what is overdue; run on the local cloud,
the catalogue's schedule fires it with the jobs the catalogue schedules."""

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from functions.core import clock, container
from functions.core.clock import FixedClock
from infra.catalog import CATALOG
from infra.heartbeats import watch_environment
from tests.support import LambdaContext

START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


@pytest.fixture
def stage(cloud, monkeypatch):
    """The watcher's environment as the stack sets it (two dead-letter queues, every scheduled job), a fixed clock."""
    sqs = boto3.client("sqs", region_name="us-east-1")
    urls = {name: sqs.create_queue(QueueName=f"practiceflow-test-{name}")["QueueUrl"]
            for name in ("event-targets", "async-invocations")}
    monkeypatch.setenv("DEAD_LETTER_QUEUES", json.dumps(urls))
    for variable, value in watch_environment(CATALOG).items():
        monkeypatch.setenv(variable, value)
    container.reset()
    at = FixedClock(START)
    previous = clock.use(at)
    yield sqs, urls, at
    clock.use(previous)


def run(handler_path: str, event: dict) -> dict:
    module, name = handler_path.rsplit(".", 1)
    handler = getattr(__import__(module, fromlist=[name]), name)
    return handler(event, LambdaContext())


def watch() -> dict:
    return run("functions.operations.jobs.handler", {"job": "watch"})


def test_a_fresh_stage_is_all_clear_until_a_job_misses_its_interval(stage):
    _sqs, _urls, at = stage
    assert watch() == {"parked_messages": 0, "queues_with_parked": [], "jobs_overdue": 0, "overdue": []}
    run("functions.billing.jobs.handler", {"job": "follow_up_claims"})  # finishes: its run item is put
    at.advance(timedelta(hours=3, minutes=1))  # the 15-minute jobs never ran since the watcher began expecting them
    overdue = watch()["overdue"]
    assert {"send_appointment_reminders", "expire_waitlist_offers", "send_deferred_notifications"} <= set(overdue)
    assert "follow_up_claims" not in overdue  # daily: 26 hours' allowance
    at.advance(timedelta(hours=23))
    assert "follow_up_claims" in watch()["overdue"]


def test_messages_parked_on_any_dead_letter_queue_are_counted_by_queue(stage):
    sqs, urls, _at = stage
    for _ in range(2):
        sqs.send_message(QueueUrl=urls["event-targets"], MessageBody=json.dumps({"detail-type": "stock-low"}))
    sqs.send_message(QueueUrl=urls["async-invocations"], MessageBody="{}")
    summary = watch()
    assert (summary["parked_messages"], summary["queues_with_parked"]) == (3, ["async-invocations", "event-targets"])


def test_the_local_cloud_runs_the_watcher_with_the_jobs_the_catalogue_schedules(tmp_path):
    import os

    from localcloud.cloud import LocalCloud

    with LocalCloud(data_dir=tmp_path, persist=False) as local:
        assert os.environ["WATCHED_JOBS"] == watch_environment(CATALOG)["WATCHED_JOBS"]
        local.run_job("follow-up-claims")
        assert local.run_job("watch-operations") == {"parked_messages": 0, "queues_with_parked": [],
                                                     "jobs_overdue": 0, "overdue": []}
