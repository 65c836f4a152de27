"""A scheduled job's run that finishes is put on its run item (the watcher reads when each job last finished); a run
that fails leaves the last success where it was, so the job grows late; a schedule naming an unknown job fails."""

from datetime import UTC, datetime

import pytest

from functions.core import clock, jobs
from functions.core.clock import FixedClock
from tests.fakes.operations import FakeJobRuns
from tests.support import LambdaContext

AT = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


@pytest.fixture
def runs(monkeypatch):
    monkeypatch.setattr(jobs, "Table", lambda: "table")
    previous = clock.use(FixedClock(AT))
    yield FakeJobRuns()
    clock.use(previous)


@pytest.fixture
def handler(runs):
    def follow_up(table, days=30):
        assert table == "table"
        return {"followed_up": days}

    def broken(table):
        raise RuntimeError("the payer's gateway is down")

    return jobs.job_handler({"follow_up_claims": follow_up, "broken": broken}, runs=lambda: runs)


def test_a_finished_run_is_recorded_as_its_jobs_last_success(handler, runs):
    assert handler({"job": "follow_up_claims", "days": 7}, LambdaContext()) == {"followed_up": 7}
    assert runs.last_runs()["follow_up_claims"].succeeded_at == AT


def test_a_failed_run_records_nothing(handler, runs):
    with pytest.raises(RuntimeError):
        handler({"job": "broken"}, LambdaContext())
    assert runs.last_runs() == {}


def test_a_schedule_naming_an_unknown_job_fails_loudly(handler, runs):
    with pytest.raises(ValueError, match="unknown job"):
        handler({"job": "reorder"}, LambdaContext())
    assert runs.last_runs() == {}
