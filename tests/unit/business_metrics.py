"""Capturing the business metrics a unit test's code sends: Powertools prints each as an EMF blob on stdout."""

import json

import pytest


@pytest.fixture
def sent_metrics(monkeypatch, capsys):
    """Switch metrics on (the tests' default silences them) and return a reader of what was sent since:
    {(metric name, service): total value}."""
    from functions.core.observability import metrics

    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    metrics.clear_metrics()  # what an earlier test left unflushed in the shared buffer
    capsys.readouterr()

    def read() -> dict[tuple[str, str], float]:
        totals: dict[tuple[str, str], float] = {}
        for line in capsys.readouterr().out.splitlines():
            if '"_aws"' not in line:
                continue
            blob = json.loads(line)
            for directive in blob["_aws"]["CloudWatchMetrics"]:
                assert directive["Namespace"] == "PracticeFlow"
                assert all("practice_id" not in dimensions for dimensions in directive["Dimensions"])
                for metric in directive["Metrics"]:
                    values = blob[metric["Name"]]
                    key = (metric["Name"], blob.get("service", ""))
                    totals[key] = totals.get(key, 0) + sum(values if isinstance(values, list) else [values])
        return totals

    return read
