"""Alarms reach somebody: they live in the monitoring stack, each one's action (and OK action) is the stage's
encrypted alarm topic, which the stage's addresses and chat webhook are subscribed to; every rule and schedule
target parks what EventBridge could not deliver on a dead-letter queue; and the list of alarms covers what goes
wrong, including a daily job that did not run."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from infra.catalog import CATALOG
from infra.heartbeats import allowance, heartbeats, watched_jobs
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
    assert len(found) >= 20
    for name, alarm in found.items():
        assert alarm["AlarmActions"] == [{"Ref": topic_id}], name
        assert alarm["OKActions"] == [{"Ref": topic_id}], name


def test_the_stages_addresses_and_webhook_are_subscribed_to_the_alarms(synthesized):
    subscriptions = [s["Properties"] for s in synthesized.resources("Monitoring", "AWS::SNS::Subscription").values()]
    assert sorted((s["Protocol"], s["Endpoint"]) for s in subscriptions) == sorted(
        [("email", e) for e in ALARM_EMAILS] + [("https", ALARM_WEBHOOK)])


def test_the_alarms_cover_functions_queues_api_table_workflows_and_the_business(synthesized):
    names = set(alarms(synthesized))
    assert {"functions-errors", "functions-throttles", "rules-not-delivered", "workflows-timed-out",
            "api-5xx", "api-latency-p99", "table-throttles", "table-system-errors", "audit-chain-broken",
            "timely-filing-missed", "leave-decision-overdue", "notifications-refused-by-provider",
            "notifications-failed", "email-bounce-rate", "email-complaint-rate", "sms-spend",
            "dead-letters-parked", "jobs-overdue"} <= names
    for spec in (f for f in CATALOG.functions if f.stream_kinds):
        assert f"{spec.name}-lag" in names
    for machine in CATALOG.state_machines:
        assert f"{machine.name}-failed" in names
        assert f"{machine.name}-timed-out" not in names  # one query watches every workflow's timeouts


def test_one_alarm_watches_every_functions_errors_and_one_its_throttles(synthesized):
    found = alarms(synthesized)
    assert not {f"{spec.name}-{what}" for spec in CATALOG.functions for what in ("errors", "throttles")} & set(found)
    for name, metric in (("functions-errors", "Errors"), ("functions-throttles", "Throttles")):
        alarm = found[name]
        # no FunctionName: Lambda's account-wide metric, so a function added later is watched too
        assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == ("AWS/Lambda", metric, "Sum")
        assert "Dimensions" not in alarm
        assert alarm["Threshold"] == 1 and alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"


@pytest.mark.parametrize(("name", "expression"), [
    ("rules-not-delivered", 'SELECT SUM(FailedInvocations) FROM "AWS/Events"'),
    ("workflows-timed-out", 'SELECT SUM(ExecutionsTimedOut) FROM "AWS/States"'),
])
def test_one_query_sums_a_metric_published_per_rule_or_workflow_only(synthesized, name, expression):
    """EventBridge has no account-wide FailedInvocations (RuleName, with EventBusName on a custom bus), nor Step
    Functions an account-wide ExecutionsTimedOut (StateMachineArn): a Metrics Insights query sums each, one alarm
    for every rule and schedule, one for every workflow (each has a timeout: its own or Standard's one year)."""
    found = alarms(synthesized)
    assert not any(n.endswith("-not-delivered") and n != "rules-not-delivered" for n in found)
    ((query,),) = [found[name]["Metrics"]]
    assert query["Expression"] == expression
    assert query["ReturnData"] is True and query["Period"] == 300
    assert found[name]["Threshold"] == 1 and found[name]["TreatMissingData"] == "notBreaching"


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
    assert queue_id in dead_letter_queues_watched(synthesized)


def watcher(synthesized) -> dict:
    (function,) = [f["Properties"] for f in synthesized.resources("Service", "AWS::Lambda::Function").values()
                   if f["Properties"]["FunctionName"] == f"practiceflow-{STAGE}-operations-jobs"]
    return function


def dead_letter_queues_watched(synthesized) -> dict[str, str]:
    """Queue logical id -> the name the watcher knows it by, from its DEAD_LETTER_QUEUES (a JSON object of URLs)."""
    parts = watcher(synthesized)["Environment"]["Variables"]["DEAD_LETTER_QUEUES"]["Fn::Join"][1]
    return {ref_id(part): parts[n - 1].split('"')[-3] for n, part in enumerate(parts) if isinstance(part, dict)}


def test_the_watcher_reads_every_dead_letter_queue_and_only_their_depths(synthesized):
    api = synthesized.templates["Service"]["Resources"]
    queues = {k for k, r in api.items() if r["Type"] == "AWS::SQS::Queue"}
    watched = dead_letter_queues_watched(synthesized)
    assert set(watched) == queues  # every queue in the stack is a dead-letter queue, and each is watched
    assert {"event-targets", "async-invocations", "outbox-publisher-stream"} == set(watched.values())
    policies = [p["Properties"] for p in synthesized.resources("Service", "AWS::IAM::ManagedPolicy").values()
                if "operations-jobs" in str(p["Properties"].get("Description"))]
    (depths,) = [s for p in policies for s in p["PolicyDocument"]["Statement"] if s.get("Sid") == "DeadLetterDepths"]
    assert depths["Action"] == "sqs:GetQueueAttributes"
    assert {ref_id(r) for r in depths["Resource"]} == queues


def test_the_watcher_expects_every_scheduled_job_within_its_interval_and_grace(synthesized):
    expected = heartbeats(CATALOG)
    assert expected["verify_audit_chains"] == timedelta(days=1)  # the nightly, not the weekly
    assert expected["send_appointment_reminders"] == timedelta(minutes=15)
    assert timedelta(days=27) < expected["accrue_pto"] <= timedelta(days=31)  # monthly: watched too now
    for job, every in expected.items():
        assert every < allowance(every) <= every + timedelta(hours=3), job
    variables = watcher(synthesized)["Environment"]["Variables"]
    assert json.loads(variables["WATCHED_JOBS"]) == watched_jobs(CATALOG)
    assert {s.input["job"] for s in CATALOG.schedules if "job" in s.input} == set(watched_jobs(CATALOG))


def test_parked_messages_and_overdue_jobs_alarm_and_so_does_a_watcher_that_stopped(synthesized):
    found = alarms(synthesized)
    for name, metric in (("dead-letters-parked", "ParkedMessages"), ("jobs-overdue", "JobsOverdue")):
        alarm = found[name]
        assert (alarm["Namespace"], alarm["MetricName"]) == ("PracticeFlow", metric)
        assert alarm["Dimensions"] == [{"Name": "service", "Value": "operations"}]
        assert alarm["TreatMissingData"] == "breaching"
        assert alarm["Threshold"] == 1 and alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        # the watcher runs every 15 minutes: one late run is not an alarm, two missing periods are
        assert (alarm["Period"], alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"]) == (900, 2, 2)
    assert CATALOG.schedule("watch-operations").expression == "rate(15 minutes)"
    assert not [name for name in found if name.endswith(("-parked", "-did-not-run")) and name != "dead-letters-parked"]


def test_the_api_stack_keeps_room_under_cloudformations_resource_limit(synthesized):
    for unit, template in synthesized.templates.items():
        assert len(template["Resources"]) <= STACK_RESOURCE_LIMIT - HEADROOM, unit
