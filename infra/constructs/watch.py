"""What the operations watcher needs from the service stack, given once every queue exists: each dead-letter queue
of the stage by name (its URL in DEAD_LETTER_QUEUES, GetQueueAttributes on its ARN) and the jobs it expects
(WATCHED_JOBS, from the catalogue's schedules: infra/heartbeats.py)."""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_sqs as sqs

from infra.catalog import Access, Catalog
from infra.constructs.functions import FunctionsConstruct
from infra.constructs.workflow import WorkflowConstruct
from infra.heartbeats import watch_environment
from infra.iam import dead_letter_depths

DEAD_LETTER_QUEUES = "DEAD_LETTER_QUEUES"


def dead_letter_queues(functions: FunctionsConstruct, workflows: WorkflowConstruct) -> dict[str, sqs.IQueue]:
    """Every queue where the stage parks what failed for good, by the name the watcher's log gives it."""
    queues: dict[str, sqs.IQueue] = {}
    if functions.dead_letter_queue is not None:
        queues["async-invocations"] = functions.dead_letter_queue  # rule and schedule targets' invocations
    for name, queue in sorted(functions.failure_queues.items()):
        queues[f"{name}-stream"] = queue  # stream batches a consumer could not process
    queues["event-targets"] = workflows.dead_letter_queue  # events EventBridge could not deliver
    return queues


def equip_watchers(catalog: Catalog, functions: FunctionsConstruct, queues: dict[str, sqs.IQueue]) -> None:
    """The functions whose access reads dead-letter depths get the queues and the jobs to watch."""
    for name, built in functions.functions.items():
        if Access.DEAD_LETTER_DEPTHS not in catalog.function(name).access:
            continue
        built.function.add_environment(DEAD_LETTER_QUEUES, Stack.of(built).to_json_string(
            {queue_name: queue.queue_url for queue_name, queue in queues.items()}))
        for variable, value in watch_environment(catalog).items():
            built.function.add_environment(variable, value)
        built.policy.add_statements(dead_letter_depths(tuple(queue.queue_arn for queue in queues.values())))
