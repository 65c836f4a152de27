"""The local cloud does what moto does not: carries outbox events from the table's stream to the
catalogue rules' targets, fires schedules when its clock passes them, and keeps data across restarts."""

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest

from functions.core import clock
from functions.core.clock import FixedClock
from functions.core.events import DomainEvent, outbox_put
from functions.core.table import Put, Table, serialize
from infra.catalog import CATALOG, Access, EventRule, Function, Schedule, StateMachine, Target, Topic
from localcloud.cloud import LocalCloud
from localcloud.store import TABLE_FILE, DataDir

received: list[tuple[str, dict]] = []  # (function name, event) for every probe invocation


def probe(event, context):
    received.append((context.function_name, event))
    return {"ok": True}


ASL = Path(__file__).resolve().parent.parent / "workflows" / "asl"
PROBE_CATALOG = CATALOG.extended(
    functions=(
        Function(name="probe", handler=f"{__name__}.probe", area="test", description="records its events",
                 access=frozenset({Access.TABLE_READ})),
        Function(name="probe-echo", handler="tests.workflows.handlers.echo", area="test", description="echo",
                 access=frozenset({Access.TABLE_READ})),
    ),
    state_machines=(
        StateMachine(name="probe-flow", definition=str(ASL / "echo.asl.json"),
                     functions={"EchoFunction": "probe-echo"}),
    ),
    rules=(
        EventRule(name="probe-patient-created", pattern={"source": ["practiceflow.records"],
                                                         "detail-type": ["records.patient.created"]},
                  target=Target(function="probe")),
        EventRule(name="probe-claim-denied", pattern={"detail-type": ["billing.claim.denied"]},
                  target=Target(state_machine="probe-flow")),
    ),
    topics=(
        Topic(name="probe-replies", subscribers=("probe",), publisher="sms-voice.amazonaws.com"),
    ),
    schedules=(
        Schedule(name="probe-nightly", expression="cron(30 2 * * ? *)", target=Target(function="probe"),
                 input={"job": "probe"}),
        Schedule(name="probe-hourly-flow", expression="rate(1 hour)", target=Target(state_machine="probe-flow")),
    ),
)
START = datetime(2026, 11, 26, 2, 29, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clear_probe():
    received.clear()
    yield
    received.clear()


@pytest.fixture
def local(tmp_path):
    with LocalCloud(PROBE_CATALOG, tmp_path, clock=FixedClock(START)) as cloud:
        yield cloud


def publish(event: DomainEvent, *writes: Put) -> None:
    """A change with its event, written as every service writes one: in one transaction."""
    Table().transact([*writes, outbox_put(event)])


def test_an_outbox_event_reaches_the_rule_that_matches_it(local):
    created = DomainEvent(type="records.patient.created", practice_id="p1", entity_id="pat-1")
    other = DomainEvent(type="records.patient.updated", practice_id="p1", entity_id="pat-1")
    publish(created, Put({"pk": "PRACTICE#p1#PATIENT#pat-1", "sk": "PATIENT", "kind": "PATIENT"}))
    publish(other)
    assert received == []  # nothing moves until the dispatcher runs
    local.drain()
    assert [(name, e["detail-type"], e["detail"]["id"]) for name, e in received] == [
        ("probe", "records.patient.created", created.id)]
    assert received[0][1]["source"] == "practiceflow.records"


def test_events_still_flow_after_a_cancelled_transaction(local):
    from functions.core.table import TransactionCancelled

    with pytest.raises(TransactionCancelled):  # moto rolls back by copying the table, stream shard included
        Table().transact([Put({"pk": "PRACTICE#p1#X#1", "sk": "X"}, condition="attribute_exists(pk)")])
    created = DomainEvent(type="records.patient.created", practice_id="p1", entity_id="pat-2")
    publish(created)
    local.drain()
    assert [e["detail"]["id"] for _, e in received] == [created.id]


def test_a_rule_with_a_state_machine_target_starts_an_execution(local):
    denied = DomainEvent(type="billing.claim.denied", practice_id="p1", entity_id="claim-1", data={"carc": "16"})
    publish(denied)
    local.drain()
    executions = boto3.client("stepfunctions").list_executions(
        stateMachineArn=local.state_machine_arns["probe-flow"])["executions"]
    assert len(executions) == 1
    done = local.wait_for_execution(executions[0]["executionArn"])
    assert done["status"] == "SUCCEEDED"
    assert json.loads(done["output"])["echoed"]["got"]["detail"]["data"] == {"carc": "16"}


def test_a_schedule_fires_when_the_clock_passes_it_and_only_then(local):
    assert clock.now() == START  # the cloud's clock is the functions' clock
    local.advance(timedelta(seconds=20))  # 02:29:50
    assert received == []
    local.advance(timedelta(seconds=20))  # 02:30:10
    assert received == [("probe", {"job": "probe"})]
    local.advance(timedelta(minutes=5))
    assert len(received) == 1
    local.advance(timedelta(days=1))
    assert len(received) == 2


def test_several_missed_occurrences_fire_once(local):
    local.advance(timedelta(days=3))
    assert received == [("probe", {"job": "probe"})]
    assert local.next_fire_times()["probe-nightly"] == datetime(2026, 11, 29, 2, 30, tzinfo=UTC)


def test_a_rate_schedule_with_no_input_gets_a_scheduled_event(local):
    local.advance(timedelta(minutes=61))
    executions = boto3.client("stepfunctions").list_executions(
        stateMachineArn=local.state_machine_arns["probe-flow"])["executions"]
    assert len(executions) == 1
    event = json.loads(local.wait_for_execution(executions[0]["executionArn"])["output"])["echoed"]["got"]
    assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.events"


def test_run_job_fires_a_schedule_now(local):
    assert local.run_job("probe-nightly") == {"ok": True}
    assert received == [("probe", {"job": "probe"})]
    with pytest.raises(KeyError):
        local.run_job("no-such-job")


def test_the_catalogue_audit_job_runs_on_demand(local):
    result = local.run_job("verify-audit-chains")
    assert result == {"practices": 0, "entries_checked": 0, "broken": 0}


def test_data_survives_a_restart_and_old_events_are_not_published_again(tmp_path):
    event = DomainEvent(type="records.patient.created", practice_id="p1", entity_id="pat-1")
    with LocalCloud(PROBE_CATALOG, tmp_path, clock=FixedClock(START)) as first:
        publish(event, Put({"pk": "PRACTICE#p1#PATIENT#pat-1", "sk": "PATIENT", "kind": "PATIENT",
                            "tags": {"a", "b"}, "photo": b"\x00\x01", "visits": 3}))
        first.drain()
        secret = boto3.client("secretsmanager").get_secret_value(
            SecretId=first.resources.page_token_secret_arn)["SecretString"]
        token_key = first.token_key()
    assert len(received) == 1
    saved = json.loads((tmp_path / TABLE_FILE).read_text())["items"]
    assert [i["kind"]["S"] for i in saved] == ["PATIENT"]  # the outbox item was in flight, not data
    # even a data file that holds an outbox item (say, one written by an older version) must not replay it
    stale = serialize(outbox_put(DomainEvent(type="records.patient.created", practice_id="p1",
                                             entity_id="pat-0")).item)
    DataDir(tmp_path).save_items([*DataDir(tmp_path).load_items(), stale])

    with LocalCloud(PROBE_CATALOG, tmp_path, clock=FixedClock(START)) as second:
        patient = Table().get("PRACTICE#p1#PATIENT#pat-1", "PATIENT")
        assert patient == {"pk": "PRACTICE#p1#PATIENT#pat-1", "sk": "PATIENT", "kind": "PATIENT",
                           "tags": {"a", "b"}, "photo": b"\x00\x01", "visits": 3}
        assert second.loaded == 1
        second.drain()
        assert len(received) == 1  # loading did not publish the old event again
        assert boto3.client("secretsmanager").get_secret_value(
            SecretId=second.resources.page_token_secret_arn)["SecretString"] == secret
        assert second.token_key() == token_key
        publish(DomainEvent(type="records.patient.created", practice_id="p1", entity_id="pat-2"))
        second.drain()
        assert len(received) == 2  # and new events still flow


def test_a_cloud_that_does_not_persist_leaves_the_data_dir_alone(tmp_path):
    with LocalCloud(PROBE_CATALOG, tmp_path, persist=False):
        Table().put({"pk": "PRACTICE#p1#THING#1", "sk": "THING"})
    assert not (tmp_path / TABLE_FILE).exists()


def test_close_puts_the_process_back_as_it_was(tmp_path, monkeypatch):
    monkeypatch.delenv("TABLE_NAME", raising=False)
    mine = clock.SystemClock()
    previous = clock.use(mine)
    try:
        with LocalCloud(PROBE_CATALOG, tmp_path, clock=FixedClock(START), persist=False) as cloud:
            assert clock.now() == START
            assert os.environ["TABLE_NAME"] == cloud.resources.table_name
        assert "TABLE_NAME" not in os.environ
        assert clock.use(mine) is mine  # the clock in use again is the one from before the cloud
    finally:
        clock.use(previous)


def test_a_message_published_to_a_catalogue_topic_reaches_its_subscribers(tmp_path):
    with LocalCloud(PROBE_CATALOG, tmp_path, persist=False) as cloud:
        cloud.publish("probe-replies", {"originationNumber": "+14155550123", "messageBody": "STOP"})
    [(function, event)] = [r for r in received if "Records" in r[1]]
    assert function == "probe"
    assert json.loads(event["Records"][0]["Sns"]["Message"])["messageBody"] == "STOP"
