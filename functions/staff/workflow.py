"""The Step Functions adapter of LeaveWorkflow: start the leave approval state machine for a request, and
resume an execution waiting on a manager's or coordinator's task token."""

import json
from typing import Any

import boto3
from botocore.exceptions import ClientError

from functions.core.container import per_container
from functions.core.observability import logger
from functions.core.settings import state_machine_arn

STATE_MACHINE = "leave-approval"
# a token that is no longer waited on: the timeout escalated past it, or the execution ended. The decision is
# kept on the request, and the step that waits next picks it up.
GONE = {"TaskTimedOut", "InvalidToken", "TaskDoesNotExist"}


@per_container
def _client():
    return boto3.client("stepfunctions")


class StepFunctionsLeaveWorkflow:
    def __init__(self, client: Any = None) -> None:
        self._client = client

    @property
    def client(self):
        return self._client or _client()

    def start(self, practice_id: str, leave_id: str, timeouts: dict[str, int]) -> None:
        """StartExecution named for the request, so a retried start finds the one already running."""
        try:
            self.client.start_execution(
                stateMachineArn=state_machine_arn(STATE_MACHINE), name=f"leave-{leave_id}"[:80],
                input=json.dumps({"practice_id": practice_id, "leave_id": leave_id, "timeouts": timeouts}))
        except ClientError as error:
            if error.response["Error"]["Code"] != "ExecutionAlreadyExists":
                raise

    def resume(self, task_token: str, outcome: dict[str, Any]) -> None:
        try:
            self.client.send_task_success(taskToken=task_token, output=json.dumps(outcome))
        except ClientError as error:
            if error.response["Error"]["Code"] not in GONE:
                raise
            logger.info("leave decision kept for the next wait", extra={"reason": error.response["Error"]["Code"]})
