"""Smoke tests of localcloud's moto patches: a Lambda task in an ASL state machine runs its handler in
this process (no Docker), and Retry intervals and Wait states can be made short for tests."""

import json
import time
from pathlib import Path

import boto3
import pytest

from infra.catalog import CATALOG, StateMachine
from localcloud import moto_patches
from localcloud.cloud import LocalCloud
from tests.workflows import handlers

ASL = Path(__file__).parent / "asl"

CATALOG_WITH_TEST_WORKFLOWS = CATALOG.extended(
    functions=handlers.FUNCTIONS,
    state_machines=(
        StateMachine(name="test-echo", definition=str(ASL / "echo.asl.json"), functions={"EchoFunction": "test-echo"}),
        StateMachine(name="test-flaky", definition=str(ASL / "flaky.asl.json"),
                     functions={"FlakyFunction": "test-flaky"}),
    ),
)


@pytest.fixture
def local(tmp_path):
    with LocalCloud(CATALOG_WITH_TEST_WORKFLOWS, tmp_path, persist=False) as cloud, moto_patches.wait_scale(0.001):
        yield cloud


def test_lambda_task_runs_the_handler_in_process(local):
    execution = local.start_execution("test-echo", {"claim": "c-1"})
    done = local.wait_for_execution(execution)
    assert done["status"] == "SUCCEEDED"
    assert json.loads(done["output"]) == {"echoed": {"got": {"claim": "c-1"}, "function": "test-echo"}}


def test_placeholders_are_filled_with_the_catalogue_functions_arns(local):
    definition = json.loads(local.definition("test-echo"))
    assert definition["States"]["Echo"]["Parameters"]["FunctionName"] == local.function_arns["test-echo"]
    assert local.function_arns["test-echo"].startswith("arn:aws:lambda:us-east-1:")


def test_task_retry_retries_a_failing_handler_with_short_sleeps(local):
    started = time.monotonic()
    execution = local.start_execution("test-flaky", {"key": "retry-then-succeed", "succeed_on": 3})
    done = local.wait_for_execution(execution)
    assert done["status"] == "SUCCEEDED"
    assert json.loads(done["output"]) == {"key": "retry-then-succeed", "attempts": 3}
    # unscaled, the two retries (30 s, 60 s) and the Wait (60 s) take two and a half minutes
    assert time.monotonic() - started < 5


def test_retries_give_up_after_max_attempts_with_the_handlers_error(local):
    execution = local.start_execution("test-flaky", {"key": "never", "succeed_on": 99})
    done = local.wait_for_execution(execution)
    assert done["status"] == "FAILED"
    assert done.get("error") == "TransientError"
    assert handlers.attempts["never"] == 4  # the first try and three retries


def test_a_plain_lambda_invoke_goes_to_the_registered_runner(local):
    response = boto3.client("lambda").invoke(FunctionName="test-echo", Payload=json.dumps({"n": 1}))
    assert json.loads(response["Payload"].read()) == {"got": {"n": 1}, "function": "test-echo"}
    assert "FunctionError" not in response
