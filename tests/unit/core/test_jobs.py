"""A scheduled job's run that finishes counts its heartbeat, `JobSucceeded` by job (an alarm watches for it
missing); a run that fails counts nothing, so the alarm sees the job as not run."""

import json

import pytest

from functions.core import jobs
from tests.support import LambdaContext


@pytest.fixture
def handler(monkeypatch):
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "billing")  # what the function's environment sets
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")  # as deployed (the tests' default silences metrics)
    monkeypatch.setattr(jobs, "Table", lambda: "table")

    def follow_up(table, days=30):
        return {"followed_up": days}

    def broken(table):
        raise RuntimeError("the payer's gateway is down")

    return jobs.job_handler({"follow_up_claims": follow_up, "broken": broken})


def heartbeats(output: str) -> list[dict]:
    return [emf for emf in (json.loads(line) for line in output.splitlines() if '"_aws"' in line)
            if "JobSucceeded" in emf]


def test_a_finished_run_counts_its_heartbeat_under_its_job(handler, capsys):
    assert handler({"job": "follow_up_claims", "days": 7}, LambdaContext()) == {"followed_up": 7}
    (emf,) = heartbeats(capsys.readouterr().out)
    (directive,) = emf["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "PracticeFlow"
    assert directive["Dimensions"] == [["job", "service"]]
    assert (emf["job"], emf["service"], emf["JobSucceeded"]) == ("follow_up_claims", "billing", [1.0])


def test_a_failed_run_counts_no_heartbeat(handler, capsys):
    with pytest.raises(RuntimeError):
        handler({"job": "broken"}, LambdaContext())
    assert heartbeats(capsys.readouterr().out) == []


def test_with_metrics_switched_off_a_run_prints_no_heartbeat(handler, monkeypatch, capsys):
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")  # the local cloud's `practice job run`
    handler({"job": "follow_up_claims"}, LambdaContext())
    assert heartbeats(capsys.readouterr().out) == []
