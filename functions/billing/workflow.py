"""The Step Functions adapter of the `ClaimWorkflowEngine` port: start the claim submission state machine,
and resume an execution waiting on a billing person's task token."""

import json
from typing import Any

import boto3
from botocore.exceptions import ClientError

from functions.core.container import per_container
from functions.core.settings import state_machine_arn

STATE_MACHINE = "claim-submission"


@per_container
def _client():
    return boto3.client("stepfunctions")


class StepFunctionsWorkflow:
    def __init__(self, machine: str = STATE_MACHINE) -> None:
        self.machine = machine

    @property
    def client(self):
        return _client()

    @property
    def arn(self) -> str:
        return state_machine_arn(self.machine)

    def start(self, name: str, payload: dict[str, Any]) -> str:
        """Start an execution; with a name already used for the same input, the existing one is returned."""
        try:
            return self.client.start_execution(stateMachineArn=self.arn, name=name[:80],
                                               input=json.dumps(payload))["executionArn"]
        except ClientError as error:
            if error.response["Error"]["Code"] != "ExecutionAlreadyExists":
                raise
            prefix = self.arn.replace(":stateMachine:", ":execution:")
            return f"{prefix}:{name[:80]}"

    def resume(self, task_token: str, output: dict[str, Any]) -> None:
        self.client.send_task_success(taskToken=task_token, output=json.dumps(output))
