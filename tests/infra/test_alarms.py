"""Alarms reach somebody: they live in the monitoring stack, each one's action (and OK action) is the stage's
encrypted alarm topic, which the stage's addresses and chat webhook are subscribed to; every rule and schedule
target parks what EventBridge could not deliver on a dead-letter queue; and the list of alarms covers what goes
wrong, including a daily job that did not run."""

from __future__ import annotations

from datetime import timedelta

import pytest

from infra.catalog import CATALOG
from infra.stacks.monitoring import heartbeats
from tests.infra.conftest import ALARM_EMAILS, ALARM_WEBHOOK, STAGE, ref_id

pytestmark = pytest.mark.xdist_group("infra")

# CloudFormation's limit per stack, and what a stack keeps free for a change to land
STACK_RESOURCE_LIMIT = 500
HEADROOM = 10


def alarms(synthesized) -> dict[str, dict]:
    return {a["Properties"]["AlarmName"].removeprefix(f"practiceflow-{STAGE}-"): a["Properties"]
            for a in synthesized.resources("Monitoring", "AWS::CloudWatch::Alarm").values()}


def test_every_alarm_is_in_the_monitoring_stack_and_tells_the_encrypted_topic(synthesized):
    assert not synthesized.resources("Service", "AWS::CloudWatch::Alarm")
    ((topic_id, topic),) = synthesized.resources("Monitoring", "AWS::SNS::Topic").items()
    assert topic["Properties"]["TopicName"] == f"practiceflow-{STAGE}-alarms"
    assert topic["Properties"]["KmsMasterKeyId"]
    found = alarms(synthesized)
    assert len(found) > 80
    for name, alarm in found.items():
        assert alarm["AlarmActions"] == [{"Ref": topic_id}], name
        assert alarm["OKActions"] == [{"Ref": topic_id}], name


def test_the_stages_addresses_and_webhook_are_subscribed_to_the_alarms(synthesized):
    subscriptions = [s["Properties"] for s in synthesized.resources("Monitoring", "AWS::SNS::Subscription").values()]
    assert sorted((s["Protocol"], s["Endpoint"]) for s in subscriptions) == sorted(
        [("email", e) for e in ALARM_EMAILS] + [("https", ALARM_WEBHOOK)])


def test_the_alarms_cover_functions_queues_api_table_workflows_and_the_business(synthesized):
    names = set(alarms(synthesized))
    for spec in CATALOG.functions:
        assert {f"{spec.name}-errors", f"{spec.name}-throttles"} <= names
    assert {"api-5xx", "api-latency-p99", "table-throttles", "table-system-errors", "audit-chain-broken",
            "timely-filing-missed", "leave-decision-overdue", "notifications-refused-by-provider",
            "notifications-failed", "email-bounce-rate", "email-complaint-rate", "sms-spend",
            "event-targets-parked", "async-invocations-parked"} <= names
    for spec in (f for f in CATALOG.functions if f.stream_kinds):
        assert {f"{spec.name}-stream-parked", f"{spec.name}-lag"} <= names
    for machine in CATALOG.state_machines:
        assert {f"{machine.name}-failed", f"{machine.name}-timed-out"} <= names
    for entry in (*CATALOG.rules, *CATALOG.schedules):
        assert f"{entry.name}-not-delivered" in names


def test_the_outbox_lag_is_the_stream_consumers_iterator_age(synthesized):
    lag = alarms(synthesized)["outbox-publisher-lag"]
    assert (lag["Namespace"], lag["MetricName"], lag["Statistic"]) == ("AWS/Lambda", "IteratorAge", "Maximum")
    ((dimension),) = lag["Dimensions"]
    assert dimension["Name"] == "FunctionName" and "Fn::ImportValue" in dimension["Value"]  # the service stack's
    assert lag["Threshold"] <= 5 * 60 * 1000


def test_a_rule_counts_failures_on_the_practice_bus_and_a_schedule_on_the_default_bus(synthesized):
    found = alarms(synthesized)
    rule = found[f"{CATALOG.rules[0].name}-not-delivered"]
    assert (rule["Namespace"], rule["MetricName"]) == ("AWS/Events", "FailedInvocations")
    assert {d["Name"] for d in rule["Dimensions"]} == {"RuleName", "EventBusName"}
    schedule = found[f"{CATALOG.schedules[0].name}-not-delivered"]
    name = f"practiceflow-{STAGE}-{CATALOG.schedules[0].name}"
    assert schedule["Dimensions"] == [{"Name": "RuleName", "Value": name}]


def test_every_rule_and_schedule_target_parks_undelivered_events_on_the_encrypted_queue(synthesized):
    api = synthesized.templates["Service"]["Resources"]
    rules = synthesized.resources("Service", "AWS::Events::Rule").values()
    queues = set()
    for rule in rules:
        for target in rule["Properties"]["Targets"]:
            queue_id = ref_id(target["DeadLetterConfig"]["Arn"])
            queues.add(queue_id)
            assert target["RetryPolicy"]["MaximumRetryAttempts"] > 0
    (queue_id,) = queues
    assert api[queue_id]["Properties"]["KmsMasterKeyId"]
    assert len(rules) == len(CATALOG.rules) + len(CATALOG.schedules)
    # EventBridge may use the ops key (the data stack's key) to write to it
    key = next(k for k in synthesized.resources("Data", "AWS::KMS::Key").values())
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    assert any(s["Principal"] == {"Service": "events.amazonaws.com"} and "kms:GenerateDataKey" in s["Action"]
               for s in statements)
    parked = alarms(synthesized)["event-targets-parked"]
    assert parked["MetricName"] == "ApproximateNumberOfMessagesVisible"


def test_each_job_run_at_least_daily_has_a_heartbeat_that_alarms_when_missing(synthesized):
    expected = heartbeats(CATALOG)
    assert ("compliance", "verify_audit_chains") in expected and ("billing", "follow_up_claims") in expected
    assert ("staff", "accrue_pto") not in expected  # monthly: no heartbeat
    assert expected[("compliance", "verify_audit_chains")] == timedelta(days=1)  # the nightly, not the weekly
    found = alarms(synthesized)
    for (area, job), every in expected.items():
        alarm = found[f"{job.replace('_', '-')}-did-not-run"]
        assert (alarm["Namespace"], alarm["MetricName"]) == ("PracticeFlow", "JobSucceeded")
        assert sorted((d["Name"], d["Value"]) for d in alarm["Dimensions"]) == [("job", job), ("service", area)]
        assert alarm["TreatMissingData"] == "breaching" and alarm["ComparisonOperator"] == "LessThanThreshold"
        window = timedelta(seconds=alarm["Period"] * alarm["EvaluationPeriods"])
        assert alarm["DatapointsToAlarm"] == alarm["EvaluationPeriods"]
        assert every < window <= every + timedelta(hours=3), job
        assert window <= timedelta(days=7)  # CloudWatch's longest evaluation range


def test_the_api_stack_keeps_room_under_cloudformations_resource_limit(synthesized):
    for unit, template in synthesized.templates.items():
        assert len(template["Resources"]) <= STACK_RESOURCE_LIMIT - HEADROOM, unit
