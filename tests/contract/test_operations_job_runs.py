"""JobRuns: the fake and the table's job-run items (core.job_runs) behave alike."""

from datetime import UTC, datetime, timedelta

import pytest

from functions.core.job_runs import JobRun

AT = datetime(2026, 3, 2, 3, 15, tzinfo=UTC)


@pytest.fixture(params=["fake", "dynamo"])
def runs(request):
    if request.param == "fake":
        from tests.fakes.operations import FakeJobRuns

        return FakeJobRuns()
    from functions.core.job_runs import DynamoJobRuns
    from functions.core.table import Table

    request.getfixturevalue("cloud")
    return DynamoJobRuns(Table())


def test_a_finished_run_is_the_jobs_last_and_a_later_one_replaces_it(runs):
    runs.succeeded("verify_audit_chains", AT)
    runs.succeeded("follow_up_claims", AT)
    runs.succeeded("verify_audit_chains", AT + timedelta(days=1))
    assert runs.last_runs() == {"verify_audit_chains": JobRun("verify_audit_chains", AT + timedelta(days=1)),
                                "follow_up_claims": JobRun("follow_up_claims", AT)}


def test_watching_starts_once_and_never_hides_a_finished_run(runs):
    runs.start_watching("watch_expiry", AT)
    runs.start_watching("watch_expiry", AT + timedelta(hours=5))  # the watcher's next look keeps the first
    assert runs.last_runs()["watch_expiry"] == JobRun("watch_expiry", watched_since=AT)
    runs.succeeded("watch_expiry", AT + timedelta(hours=6))
    runs.start_watching("watch_expiry", AT + timedelta(hours=7))
    assert runs.last_runs()["watch_expiry"].since == AT + timedelta(hours=6)


def test_no_job_has_run_yet(runs):
    assert runs.last_runs() == {}
