"""Smoke tests of the patch that puts moto's ASL interpreter on the local clock (localcloud/moto_patches.py,
moto 5.2.5): Wait states, Retry intervals and task-token timeouts last as long as the local clock says,
not the wall clock, so advancing the clock reaches them at once, and an advance lives through successive
waits in order."""

import json
import time
from datetime import timedelta
from pathlib import Path

import pytest

from infra.catalog import CATALOG, StateMachine
from localcloud import moto_patches
from localcloud.cloud import LocalCloud
from tests.workflows import handlers

ASL = Path(__file__).parent / "asl"

CATALOG_WITH_CLOCKED_WORKFLOWS = CATALOG.extended(
    functions=handlers.FUNCTIONS,
    state_machines=(
        StateMachine(name="test-clocked", definition=str(ASL / "clocked.asl.json"),
                     functions={"EchoFunction": "test-echo"}),
        StateMachine(name="test-flaky", definition=str(ASL / "flaky.asl.json"),
                     functions={"FlakyFunction": "test-flaky"}),
    ),
)


@pytest.fixture
def local(tmp_path):
    with LocalCloud(CATALOG_WITH_CLOCKED_WORKFLOWS, tmp_path, persist=False) as cloud:
        yield cloud


def status(local, execution: str) -> str:
    return local._sfn.describe_execution(executionArn=execution)["status"]


def test_a_wait_state_lasts_until_the_local_clock_reaches_it(local):
    execution = local.start_execution("test-clocked", {})
    local.drain()
    assert status(local, execution) == "RUNNING"
    assert execution in moto_patches.parked_executions()  # parked in the Wait, nothing working

    local.advance(timedelta(hours=23))
    assert status(local, execution) == "RUNNING"
    local.advance(timedelta(hours=1, minutes=1))  # past the day: now on the task token, an hour to answer
    assert status(local, execution) == "RUNNING"


def test_one_advance_lives_through_a_wait_and_then_a_task_token_timeout(local):
    started = time.monotonic()
    execution = local.start_execution("test-clocked", {})

    local.advance(timedelta(hours=26))  # a day's Wait, then the hour the task token had

    described = local._sfn.describe_execution(executionArn=execution)
    assert described["status"] == "SUCCEEDED", described
    assert json.loads(described["output"])["outcome"] == "nobody answered"
    assert time.monotonic() - started < 20  # not a day and an hour


def test_retry_intervals_follow_the_local_clock(local):
    execution = local.start_execution("test-flaky", {"key": "clocked-retry", "succeed_on": 3})
    local.drain()
    assert status(local, execution) == "RUNNING" and handlers.attempts["clocked-retry"] == 1  # 30 s to go

    local.advance(timedelta(minutes=3))  # 30 s, then 60 s between attempts, then the 60 s Wait

    assert status(local, execution) == "SUCCEEDED"
    assert handlers.attempts["clocked-retry"] == 3


def test_wait_scale_still_shortens_every_wait_for_tests(local):
    with moto_patches.wait_scale(1e-6):
        execution = local.start_execution("test-clocked", {})
        done = local.wait_for_execution(execution, timeout_s=20)
    assert done["status"] == "SUCCEEDED" and json.loads(done["output"])["outcome"] == "nobody answered"


def test_an_answered_task_token_no_longer_counts_as_parked_before_its_thread_runs():
    """drain() after SendTaskSuccess must wait for the work the answer wakes: while the waiting thread has not
    yet been scheduled, its execution is working, not parked."""
    import threading

    moto_patches.install()
    token = moto_patches.ClockEvent()
    parked = threading.Event()

    def waiter() -> None:
        moto_patches._parking.execution = "arn:execution"
        parked.set()
        token.wait(None)

    thread = threading.Thread(target=waiter, daemon=True)
    thread.start()
    parked.wait(5)
    deadline = time.monotonic() + 5
    while "arn:execution" not in moto_patches.parked_executions() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert "arn:execution" in moto_patches.parked_executions()
    with moto_patches._TIME:  # the waiter cannot wake while we hold the clock's lock
        token.set()
        assert "arn:execution" not in moto_patches.parked_executions()
    thread.join(5)
    assert not thread.is_alive()
