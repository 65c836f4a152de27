"""Operations' one composition root: the watch, built with the stage's dead-letter queues (SQS), the table's job
runs and the jobs' allowances from `core.settings`, once per container (`core.container.reset()` forgets it)."""

from datetime import timedelta

import boto3
from botocore.config import Config

from functions.core import clock
from functions.core.container import per_container
from functions.core.job_runs import DynamoJobRuns
from functions.core.settings import settings
from functions.core.table import Table
from functions.operations.sqs import SqsDeadLetterQueues
from functions.operations.watch import Watch


@per_container
def watch() -> Watch:
    environment = settings()
    sqs = boto3.client("sqs", config=Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2,
                                            read_timeout=5))
    return Watch(SqsDeadLetterQueues(environment.dead_letter_queues, sqs), DynamoJobRuns(Table()),
                 {job: timedelta(minutes=minutes) for job, minutes in environment.watched_jobs.items()},
                 clock.now)
