"""The Step Functions adapter of PromotionWorkflow: start the workshop promotion for a publication, stop it
when the workshop is unpublished or cancelled."""

import json
from typing import Any

import boto3
from botocore.exceptions import ClientError

from functions.core.container import per_container
from functions.core.observability import logger
from functions.core.settings import state_machine_arn

STATE_MACHINE = "workshop-promotion"


def execution_name(workshop_id: str, version: int) -> str:
    return f"promote-{workshop_id}-v{version}"[:80]


@per_container
def _client():
    return boto3.client("stepfunctions")


class StepFunctionsPromotion:
    def __init__(self, client: Any = None) -> None:
        self._client = client

    @property
    def client(self):
        return self._client or _client()

    def start(self, practice_id: str, workshop_id: str, version: int) -> None:
        """StartExecution named for the publication, so a retried start finds the one already running."""
        try:
            self.client.start_execution(
                stateMachineArn=state_machine_arn(STATE_MACHINE), name=execution_name(workshop_id, version),
                input=json.dumps({"practice_id": practice_id, "workshop_id": workshop_id, "version": version}))
        except ClientError as error:
            if error.response["Error"]["Code"] != "ExecutionAlreadyExists":
                raise

    def stop(self, practice_id: str, workshop_id: str) -> None:
        """ListExecutions (running) and StopExecution of this workshop's. Only published workshops have one
        running, so the list is short. A stop that fails is logged, not raised: the run's next step sees the
        workshop is no longer published and ends it cleanly anyway."""
        prefix = f"promote-{workshop_id}-v"
        try:
            pages = self.client.get_paginator("list_executions").paginate(
                stateMachineArn=state_machine_arn(STATE_MACHINE), statusFilter="RUNNING")
            for page in pages:
                for execution in page["executions"]:
                    if execution["name"].startswith(prefix):
                        self.client.stop_execution(executionArn=execution["executionArn"],
                                                   cause="the workshop is no longer published")
        except ClientError as error:
            logger.warning("promotion not stopped; its next step ends it",
                           extra={"workshop_id": workshop_id, "reason": error.response["Error"]["Code"]})
