"""The stage's dashboard: one, in the monitoring stack, graphing every function (by area), workflow and
dead-letter queue the service stack runs, the API (stage metrics and, per mount, the access log), the table and
the business numbers; and not one alarm of its own (the alarms are monitoring.py's, each reaching the topic)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from aws_cdk import aws_cloudwatch as cloudwatch

from functions.core.business import BUSINESS_METRICS
from infra.catalog import CATALOG
from tests.infra.conftest import STAGE

pytestmark = pytest.mark.xdist_group("infra")


def _token(part: Any) -> str:
    """A reference inside the body, as text: <<import name>> or <<logical id>>."""
    if "Fn::ImportValue" in part:
        return f"<<{part['Fn::ImportValue']}>>"
    if "Ref" in part:
        return f"<<{part['Ref']}>>"
    return f"<<{re.sub(r'[^A-Za-z0-9:.-]', '', json.dumps(part))}>>"


def dashboard(synthesized) -> tuple[str, dict]:
    ((_, resource),) = synthesized.resources("Monitoring", "AWS::CloudWatch::Dashboard").items()
    properties = resource["Properties"]
    parts = properties["DashboardBody"]["Fn::Join"][1]
    return properties["DashboardName"], json.loads("".join(p if isinstance(p, str) else _token(p) for p in parts))


def metrics_of(body: dict) -> list[list]:
    return [m for w in body["widgets"] if w["type"] == "metric" for m in w["properties"]["metrics"]
            if isinstance(m[0], str)]


def graphed(body: dict, namespace: str, metric: str) -> list[str]:
    """The dimension values graphed for `metric` (references shown as <<...>>)."""
    return [str(v) for m in metrics_of(body) if m[:2] == [namespace, metric]
            for v in m[2:] if isinstance(v, str)][1::2]


def headers(body: dict) -> str:
    return "\n".join(w["properties"]["markdown"] for w in body["widgets"] if w["type"] == "text")


def logical_ids(synthesized, unit: str, kind: str) -> set[str]:
    return set(synthesized.resources(unit, kind))


def test_one_dashboard_per_stage_in_the_monitoring_stack(synthesized):
    name, body = dashboard(synthesized)
    assert name == f"practiceflow-{STAGE}"
    assert not any(synthesized.resources(unit, "AWS::CloudWatch::Dashboard") for unit in ("Data", "Service", "Api"))
    assert len(body["widgets"]) <= 500  # CloudWatch's limit per dashboard


def test_the_dashboard_creates_no_alarm(synthesized):
    built = synthesized.built.monitoring
    made_here = [c for c in built.dashboard.node.find_all() if isinstance(c, cloudwatch.CfnAlarm)]
    assert made_here == []
    # every alarm in the stack is one the monitoring construct made (and sent to its topic)
    assert len(synthesized.resources("Monitoring", "AWS::CloudWatch::Alarm")) == len(built.monitoring.alarms)


def test_every_function_is_graphed_by_area_with_errors_throttles_duration_and_cold_starts(synthesized):
    _, body = dashboard(synthesized)
    functions = logical_ids(synthesized, "Service", "AWS::Lambda::Function")
    catalogued = {c.node.id: name for name, c in synthesized.built.service.functions.functions.items()}
    assert len(catalogued) == len(CATALOG.functions)
    for metric in ("Errors", "Throttles", "Duration", "Invocations"):
        shown = " ".join(graphed(body, "AWS/Lambda", metric))
        missing = [f for f in functions if f not in shown]
        assert not missing, f"{metric}: {missing}"
    text = headers(body)
    for area in {f.area for f in CATALOG.functions}:
        assert f"## {area}\n" in text + "\n", area
    for function in CATALOG.functions:
        assert f"**[{function.name}]" in text, function.name
    cold = [w for w in body["widgets"] if w["type"] == "log" and "@initDuration" in w["properties"]["query"]]
    assert len(cold) == len({f.area for f in CATALOG.functions})  # one table per area
    log_groups = logical_ids(synthesized, "Service", "AWS::Logs::LogGroup")
    queried = " ".join(w["properties"]["query"] for w in cold)
    function_groups = {g for g in log_groups if "Logs" in g and g.startswith("Functions")}
    assert function_groups and all(g in queried for g in function_groups)


def test_the_api_shows_requests_4xx_5xx_and_p90_p99_latency_and_per_mount_tables(synthesized):
    _, body = dashboard(synthesized)
    for metric in ("Count", "4XXError", "5XXError", "Latency"):
        assert graphed(body, "AWS/ApiGateway", metric), metric
    latency = [m[-1]["stat"] for m in metrics_of(body) if m[:2] == ["AWS/ApiGateway", "Latency"]]
    assert {"p90", "p99"} <= set(latency)
    tables = [w["properties"] for w in body["widgets"] if w["type"] == "log" and "mount" in w["properties"]["query"]]
    assert len(tables) == 2
    assert all("AccessLogs" in t["query"] for t in tables)  # SOURCE: the stage's access log group
    assert any("pct(responseLatency, 90)" in t["query"] and "pct(responseLatency, 99)" in t["query"]
               for t in tables)
    assert any("filter status like /^[45][0-9][0-9]$/" in t["query"] for t in tables)


def test_every_workflow_shows_started_succeeded_failed_and_timed_out(synthesized):
    _, body = dashboard(synthesized)
    machines = logical_ids(synthesized, "Service", "AWS::StepFunctions::StateMachine")
    assert len(machines) == len(CATALOG.state_machines)
    for metric in ("ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut"):
        shown = " ".join(graphed(body, "AWS/States", metric))
        assert all(m in shown for m in machines), metric
    for machine in CATALOG.state_machines:
        assert f"**[{machine.name}]" in headers(body)


def test_every_dead_letter_queue_shows_its_depth(synthesized):
    _, body = dashboard(synthesized)
    queues = logical_ids(synthesized, "Service", "AWS::SQS::Queue")
    shown = " ".join(graphed(body, "AWS/SQS", "ApproximateNumberOfMessagesVisible"))
    assert queues and all(q in shown for q in queues)


def test_the_table_shows_throttles_and_consumed_capacity(synthesized):
    _, body = dashboard(synthesized)
    for metric in ("ReadThrottleEvents", "WriteThrottleEvents", "ConsumedReadCapacityUnits",
                   "ConsumedWriteCapacityUnits", "SystemErrors"):
        assert graphed(body, "AWS/DynamoDB", metric), metric


def test_the_business_section_graphs_every_business_metric_without_a_practice_dimension(synthesized):
    _, body = dashboard(synthesized)
    business = [m for m in metrics_of(body) if m[0] == "PracticeFlow"]
    assert {m[1] for m in business} == {m.name for m in BUSINESS_METRICS}
    for metric in business:
        dimensions = [v for v in metric[2:] if isinstance(v, str)][::2]
        assert dimensions == ["service"], metric
    by_name = {m.name: m for m in BUSINESS_METRICS}
    for metric in business:
        assert metric[-1]["stat"] == ("Maximum" if by_name[metric[1]].gauge else "Sum"), metric[1]
