"""DeadLetterQueues: the fake and SQS's approximate counts (on moto) behave alike."""

import pytest


@pytest.fixture(params=["fake", "sqs"])
def parked(request):
    """(the port, park(queue, messages)) over two empty queues."""
    if request.param == "fake":
        from tests.fakes.operations import FakeDeadLetterQueues

        queues = FakeDeadLetterQueues({"event-targets": 0, "async-invocations": 0})
        return queues, queues.park
    import boto3

    from functions.operations.sqs import SqsDeadLetterQueues

    request.getfixturevalue("cloud")
    sqs = boto3.client("sqs", region_name="us-east-1")
    urls = {name: sqs.create_queue(QueueName=f"practiceflow-test-{name}")["QueueUrl"]
            for name in ("event-targets", "async-invocations")}

    def park(queue: str, messages: int = 1) -> None:
        for n in range(messages):
            sqs.send_message(QueueUrl=urls[queue], MessageBody=f"failed event {n}")

    return SqsDeadLetterQueues(urls, sqs), park


def test_empty_queues_have_nothing_parked(parked):
    queues, _park = parked
    assert queues.depths() == {"async-invocations": 0, "event-targets": 0}


def test_each_queue_counts_its_own_parked_messages(parked):
    queues, park = parked
    park("event-targets", 2)
    park("async-invocations")
    assert queues.depths() == {"async-invocations": 1, "event-targets": 2}
