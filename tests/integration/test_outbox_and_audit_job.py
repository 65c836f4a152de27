"""The outbox reaches EventBridge from the stream; the nightly job verifies every practice's chain."""

import json

import boto3

from functions.compliance import jobs, wiring
from functions.core import outbox
from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore, entry_sk
from functions.core.events import DomainEvent
from functions.core.keys import collection_pk
from functions.core.registry import practice_ids
from functions.core.table import Put, Table

STREAMS_ENDPOINT = "https://streams.dynamodb.us-east-1.amazonaws.com"


def _draft(practice: str, n: int) -> AuditDraft:
    return AuditDraft(practice_id=practice, actor="u1", role="coordinator", action="thing.create",
                      entity="THING", entity_id=str(n), request_id="r", at="2026-11-26T10:00:00.000Z")


def _stream_records(stream_arn: str) -> list[dict]:
    streams = boto3.client("dynamodbstreams", endpoint_url=STREAMS_ENDPOINT)
    shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard,
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    return streams.get_records(ShardIterator=iterator)["Records"]


def _bus_queue(bus_name: str) -> str:
    sqs = boto3.client("sqs")
    queue = sqs.create_queue(QueueName="probe")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events = boto3.client("events")
    events.put_rule(Name="all", EventBusName=bus_name,
                    EventPattern=json.dumps({"source": [{"prefix": "practiceflow"}]}))
    events.put_targets(Rule="all", EventBusName=bus_name, Targets=[{"Id": "q", "Arn": arn}])
    return queue


def test_event_written_with_a_change_reaches_the_bus(cloud, lambda_context):
    queue = _bus_queue(cloud.bus_name)
    event = DomainEvent(type="records.thing.created", practice_id="p1", entity_id="t1", data={"n": 1})
    AuditStore(Table()).commit(_draft("p1", 1), writes=[Put({"pk": "PRACTICE#p1#THING#1", "sk": "THING"})],
                               events=[event])
    result = outbox.handler({"Records": _stream_records(cloud.stream_arn)}, lambda_context)
    assert result == {"batchItemFailures": []}
    messages = boto3.client("sqs").receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    delivered = [json.loads(m["Body"]) for m in messages]
    assert [(d["detail-type"], d["detail"]["id"]) for d in delivered] == [("records.thing.created", event.id)]
    assert delivered[0]["source"] == "practiceflow.records"


def test_refused_events_are_reported_for_retry_from_the_first_failure():
    class RefusingBus:
        def put_events(self, Entries):  # noqa: N803 - boto3's name
            return {"FailedEntryCount": 1, "Entries": [{"EventId": "1"}, {"ErrorCode": "InternalFailure"}]}

    events = [(str(i), DomainEvent(type="a.b.c", practice_id="p", entity_id=str(i))) for i in range(3)]
    assert outbox.publish(events, "bus", RefusingBus()) == ["1", "2"]


def test_only_inserted_outbox_items_are_published():
    record = {"eventName": "MODIFY", "dynamodb": {"SequenceNumber": "1", "NewImage": {"kind": {"S": "OUTBOX_EVENT"}}}}
    other = {"eventName": "INSERT", "dynamodb": {"SequenceNumber": "2", "NewImage": {"kind": {"S": "PATIENT"}}}}
    assert outbox.outbox_events([record, other]) == []


def test_first_audit_entry_registers_the_practice(cloud):
    store = AuditStore(Table())
    store.record(_draft("p1", 1))
    store.record(_draft("p1", 2))
    store.record(_draft("p2", 1))
    assert sorted(practice_ids(Table())) == ["p1", "p2"]


def test_the_registry_entry_is_in_the_practices_own_partition_and_old_entries_are_still_walked(cloud):
    from functions.core.keys import PRACTICES_PK, practice_sk, tenant_prefix

    AuditStore(Table()).record(_draft("p1", 1))
    (entry,) = Table().query(PRACTICES_PK, index="gsi1").items
    assert entry["pk"].startswith(tenant_prefix("p1"))  # a request scoped to p1 in IAM may write it
    assert Table().query(PRACTICES_PK).items == []
    # registered before the registry moved to gsi1: pk=PRACTICES, still walked by the jobs
    Table().put({"pk": PRACTICES_PK, "sk": practice_sk("p0"), "kind": "PRACTICE", "practice_id": "p0"})
    assert sorted(practice_ids(Table())) == ["p0", "p1"]


def test_nightly_job_checks_only_new_entries_and_finds_tampering(cloud, lambda_context):
    table = Table()
    store = AuditStore(table)
    for n in range(3):
        store.record(_draft("p1", n))
    store.record(_draft("p2", 0))
    first = jobs.handler({"job": "verify_audit_chains"}, lambda_context)
    assert first == {"practices": 2, "entries_checked": 4, "broken": 0}

    store.record(_draft("p1", 9))
    second = jobs.handler({"job": "verify_audit_chains"}, lambda_context)
    assert second["entries_checked"] == 1  # the checkpoint means yesterday's entries are not re-read

    old = table.get(collection_pk("p1", "AUDIT"), entry_sk(2))
    table.put({**old, "actor": "someone-else"})
    assert jobs.handler({"job": "verify_audit_chains"}, lambda_context)["broken"] == 0  # nightly: not re-read
    weekly = jobs.handler({"job": "verify_audit_chains", "full": True}, lambda_context)
    assert weekly["broken"] == 1 and weekly["entries_checked"] == 5


def test_nightly_job_notices_the_checkpoint_entry_changing(cloud, lambda_context):
    table = Table()
    store = AuditStore(table)
    for n in range(3):
        store.record(_draft("p1", n))
    jobs.handler({"job": "verify_audit_chains"}, lambda_context)
    anchor = table.get(collection_pk("p1", "AUDIT"), entry_sk(3))
    table.put({**anchor, "action": "patient.delete"})
    assert not wiring.audit_verification().verify_practice("p1").intact
