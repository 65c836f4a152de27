"""Where moto differs from AWS in a way our tests depend on, it is corrected here, in one place.

DynamoDB: moto applies a transaction item by item with no lock, so two threads can both pass a
condition that real DynamoDB (serializable transactions, atomic conditional writes) would let only one
pass. Racing tests would prove nothing. Every data-plane call is serialized under one lock, which gives
the isolation DynamoDB promises and nothing more.

Lambda: moto runs a function in a Docker container. Here a function runs in this process instead, by a
runner the local cloud (or a test) registers: `run_lambdas_in_process(runner)`.

Step Functions: Wait states and Retry intervals really sleep. `wait_scale(0.001)` shortens them for tests.

DynamoDB Streams: moto keeps every shard iterator it ever handed out; a local server polling the stream
for hours would grow without bound, so an iterator is forgotten once it has been read from."""

import contextlib
import functools
import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

_LOCK = threading.RLock()
_installed = False
_lambda_installed = False
_scale = 1.0
_runner: Callable[[str, Any], Any] | None = None

DATA_PLANE = ("put_item", "get_item", "query", "scan", "update_item", "delete_item", "transact_write_items")


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.dynamodb.models import DynamoDBBackend

    _install_stream_kept_across_cancelled_transactions(DynamoDBBackend)
    for name in DATA_PLANE:
        original = getattr(DynamoDBBackend, name)

        @functools.wraps(original)
        def locked(self, *args, __original=original, **kwargs):
            with _LOCK:
                return __original(self, *args, **kwargs)

        setattr(DynamoDBBackend, name, locked)
    _install_stream_iterator_cleanup()
    _install_scaled_waits()
    _installed = True


def installed() -> bool:
    return _installed


@contextlib.contextmanager
def data_plane_locked() -> Iterator[None]:
    """Hold the DynamoDB lock across several calls, e.g. to read a consistent snapshot of a table."""
    with _LOCK:
        yield


# --- Lambda in-process ------------------------------------------------------------------------------

def _invoke_in_process(self, event: Any = None) -> tuple[str, bool, str]:
    """moto.awslambda.models.LambdaFunction._invoke_lambda: (payload, errored, logs), without Docker."""
    runner = _runner
    if runner is None:
        payload = {"errorType": "NoRunner", "errorMessage": "no in-process Lambda runner is registered"}
        return json.dumps(payload), True, ""
    if isinstance(event, str | bytes):
        event = json.loads(event or "{}")
    try:
        result = runner(self.function_name, event if event is not None else {})
    except Exception as error:  # noqa: BLE001 - every failure becomes a Lambda function error, as in AWS
        payload = {"errorType": type(error).__name__, "errorMessage": str(error)[:256]}
        return json.dumps(payload), True, ""
    return json.dumps(result, default=str), False, ""


def run_lambdas_in_process(runner: Callable[[str, Any], Any] | None) -> Callable[[str, Any], Any] | None:
    """Register `runner(function_name, event) -> result`; returns the previous one to put back."""
    global _runner, _lambda_installed
    if not _lambda_installed:
        from moto.awslambda.models import LambdaFunction

        LambdaFunction._invoke_lambda = _invoke_in_process
        _lambda_installed = True
    previous, _runner = _runner, runner
    return previous


# --- Step Functions waits ---------------------------------------------------------------------------

class _ScaledTime:
    """Stands in for the `time` module inside moto's retrier: sleeps are scaled, all else passes through."""

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds * _scale))

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


def _install_scaled_waits() -> None:
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import WaitFunction

    retrier_decl.time = _ScaledTime()

    def _wait_interval(self, env, wait_seconds: int) -> None:
        deadline = time.monotonic() + max(0.0, wait_seconds * _scale)
        while env.is_running():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            if env.program_state_event.wait(remaining) and env.is_running():
                time.sleep(min(remaining, 0.01))  # an unrelated wake-up: keep waiting, without spinning

    WaitFunction._wait_interval = _wait_interval


def set_wait_scale(factor: float) -> float:
    """Multiply every Wait state and Retry interval by `factor`; returns the previous factor."""
    global _scale
    install()
    previous, _scale = _scale, factor
    return previous


@contextlib.contextmanager
def wait_scale(factor: float) -> Iterator[None]:
    previous = set_wait_scale(factor)
    try:
        yield
    finally:
        set_wait_scale(previous)


# --- DynamoDB Streams ---------------------------------------------------------------------------------

def _install_stream_kept_across_cancelled_transactions(backend: Any) -> None:
    """A cancelled transaction makes moto put back a deep copy of the table, stream shard included, so a
    shard iterator taken before it reads the discarded shard and never sees another record (the local
    cloud's outbox went silent after the first conditional failure). Keep the shard object the iterators
    hold, with the copy's records: the writes the cancelled transaction made leave no records."""
    original = backend.transact_write_items

    @functools.wraps(original)
    def transact_write_items(self, *args, **kwargs):
        shards = {name: table.stream_shard for name, table in self.tables.items()}
        try:
            return original(self, *args, **kwargs)
        except Exception:
            for name, shard in shards.items():
                table = self.tables.get(name)
                if shard is None or table is None or table.stream_shard in (None, shard):
                    continue
                shard.items = table.stream_shard.items
                shard.table = table
                table.stream_shard = shard
            raise

    backend.transact_write_items = transact_write_items


def _install_stream_iterator_cleanup() -> None:
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend

    original = DynamoDBStreamsBackend.get_records

    @functools.wraps(original)
    def get_records(self, iterator_arn: str, limit: int):
        result = original(self, iterator_arn, limit)
        self.shard_iterators.pop(iterator_arn, None)
        return result

    DynamoDBStreamsBackend.get_records = get_records
