"""The dead-letter queues as SQS keeps them: how many messages each holds, from its approximate counts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Waiting to be read, being read (someone inspecting or redriving), and delayed: all parked until handled.
COUNTS = ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed")


class SqsDeadLetterQueues:
    """`queues`: each dead-letter queue's name in the stage -> its URL (the stack sets DEAD_LETTER_QUEUES)."""

    def __init__(self, queues: Mapping[str, str], sqs: Any) -> None:
        self.queues = dict(queues)
        self.sqs = sqs

    def depths(self) -> dict[str, int]:
        """Access pattern: GetQueueAttributes (the approximate counts) of each queue, one call per queue."""
        found = {}
        for name, url in sorted(self.queues.items()):
            attributes = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=list(COUNTS))["Attributes"]
            found[name] = sum(int(attributes.get(count, 0)) for count in COUNTS)
        return found
