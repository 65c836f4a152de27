"""The Step Functions adapter of OrderWorkflow: start the low-stock reorder state machine for a manual order,
and hand the coordinator's answer to an execution waiting on an order's task token."""

import json
from typing import Any

import boto3
from botocore.exceptions import ClientError

from functions.core.container import per_container
from functions.core.observability import logger
from functions.core.settings import state_machine_arn

STATE_MACHINE = "low-stock-reorder"
# a token no longer waited on (timed out into the reminder, or the run ended): the answer is on the order, and
# the wait after the reminder picks it up
GONE = {"TaskTimedOut", "InvalidToken", "TaskDoesNotExist"}


@per_container
def _client():
    return boto3.client("stepfunctions")


class StepFunctionsOrderWorkflow:
    def __init__(self, client: Any = None) -> None:
        self._client = client

    @property
    def client(self):
        return self._client or _client()

    def start(self, practice_id: str, order_id: str, version: int) -> None:
        """StartExecution named for the order and its version, so a retried start finds the one already running."""
        try:
            self.client.start_execution(
                stateMachineArn=state_machine_arn(STATE_MACHINE), name=f"po-{order_id}-v{version}"[:80],
                input=json.dumps({"practice_id": practice_id, "purchase_order_id": order_id}))
        except ClientError as error:
            if error.response["Error"]["Code"] != "ExecutionAlreadyExists":
                raise

    def resume(self, task_token: str, outcome: dict[str, Any]) -> bool:
        try:
            self.client.send_task_success(taskToken=task_token, output=json.dumps(outcome))
        except ClientError as error:
            if error.response["Error"]["Code"] not in GONE:
                raise
            logger.info("no run waits on the order's token", extra={"reason": error.response["Error"]["Code"]})
            return False
        return True
