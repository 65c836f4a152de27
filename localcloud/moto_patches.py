"""Where moto differs from AWS in a way our tests depend on, it is corrected here, in one place.

DynamoDB: moto applies a transaction item by item with no lock, so two threads can both pass a
condition that real DynamoDB (serializable transactions, atomic conditional writes) would let only one
pass. Racing tests would prove nothing. Every data-plane call is serialized under one lock, which gives
the isolation DynamoDB promises and nothing more.

Lambda: moto runs a function in a Docker container. Here a function runs in this process instead, by a
runner the local cloud (or a test) registers: `run_lambdas_in_process(runner)`.

Step Functions: moto's interpreter waits in real time; here every Wait, Retry interval and timeout is
measured on functions.core.clock instead (the local cloud's movable clock), and an execution that waits
says so, so the local cloud can move the clock to its deadline and know when the work it woke is done.
`wait_scale(0.001)` shortens them all for tests.

DynamoDB Streams: moto keeps every shard iterator it ever handed out, and every record the stream ever
had; a local server polling the stream for hours grew without bound (past 1 GB in a few thousand
requests), so an iterator is forgotten once it has been read from, and a record once every iterator
still held is past it."""

import base64
import contextlib
import copy
import functools
import inspect
import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

_LOCK = threading.RLock()
_installed = False
_lambda_installed = False
_scale = 1.0
_runner: Callable[[str, Any], Any] | None = None

DATA_PLANE = ("put_item", "get_item", "query", "scan", "update_item", "delete_item", "transact_write_items")
WRITES = frozenset({"put_item", "update_item", "delete_item", "transact_write_items"})
Change = tuple[str, dict[str, Any], dict[str, Any] | None]  # table, key, the item now (None: deleted)
_writes_listener: Callable[[list[Change]], None] | None = None
_calls = threading.local()


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.dynamodb.models import DynamoDBBackend

    _install_item_level_rollback(DynamoDBBackend)
    for name in DATA_PLANE:
        original = getattr(DynamoDBBackend, name)
        signature = inspect.signature(original)

        @functools.wraps(original)
        def locked(self, *args, __original=original, __name=name, __signature=signature, **kwargs):
            with _LOCK:
                depth = getattr(_calls, "depth", 0)
                _calls.depth = depth + 1
                try:
                    result = __original(self, *args, **kwargs)
                finally:
                    _calls.depth = depth
                # the outermost call only: a transaction's own puts are told once it has committed
                if depth == 0 and __name in WRITES and _writes_listener is not None:
                    _writes_listener(_changes(self, __name, __signature.bind(self, *args, **kwargs).arguments))
                return result

        setattr(DynamoDBBackend, name, locked)
    _install_stream_iterator_cleanup()
    _install_local_clock_time()
    _install_partition_queries()
    _installed = True


_querying = threading.local()


def _install_partition_queries() -> None:
    """moto answers every Query from `all_items()`: every item of the table, sorted with DynamoDB-typed
    comparisons, then filtered to the partition. A query's cost grew with the whole table (the local server
    slowed to 100 ms a read as its audit trail grew). Inside a Query, a table Query now looks only at its
    partition, and an index Query gets the items unsorted; both paths sort what they keep themselves."""
    from moto.dynamodb.models.table import Table

    all_items, query = Table.all_items, Table.query

    def partition_items(self):
        wanted = getattr(_querying, "partition", None)
        if wanted is None:
            return all_items(self)
        if wanted is _EVERY_PARTITION:
            return [item for hash_set in self.items.values()
                    for item in (hash_set.values() if self.range_key_attr else [hash_set])]
        hash_set = self.items.get(wanted, {})
        return list(hash_set.values()) if self.range_key_attr else [hash_set]

    signature = inspect.signature(query)

    @functools.wraps(query)
    def partition_query(self, *args, **kwargs):
        named = signature.bind(self, *args, **kwargs).arguments
        hash_key = named.get("hash_key")
        _querying.partition = _EVERY_PARTITION if named.get("index_name") or hash_key is None else hash_key
        try:
            return query(self, *args, **kwargs)
        finally:
            _querying.partition = None

    Table.all_items, Table.query = partition_items, partition_query


_EVERY_PARTITION = object()


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


# --- Step Functions time -------------------------------------------------------------------------

_TIME = threading.Condition()  # notified when the clock moves or one of moto's events is set
_SLICE_S = 0.5  # a clock that moves without telling (a FixedClock in a test) is looked at this often
# a waiting execution: id(waiter) -> (arn, deadline, what it waits for)
_parked: dict[int, tuple[str, datetime | None, Callable[[], bool]]] = {}
_parking = threading.local()  # the execution whose Wait, Retry interval or task token this thread waits for


def _now() -> datetime:
    from functions.core import clock

    return clock.now()


def _wait_until(done: Callable[[], bool], seconds: float | None) -> bool:
    """Wait until `done()`, or until `seconds` have passed on functions.core.clock: True if done.
    While a Wait state, a Retry interval or a task token is waited for, the execution counts as parked,
    and wait_scale() applies; the timeouts that only watch over a task (the state's TimeoutSeconds, the
    state machine's) are never shortened, or a test's Lambda task would time out at once."""
    execution = getattr(_parking, "execution", None)
    factor = _scale if execution is not None else 1.0
    deadline = None if seconds is None else _now() + timedelta(seconds=max(0.0, seconds) * factor)
    waiter = object()
    with _TIME:
        if execution is not None:
            _parked[id(waiter)] = (execution, deadline, done)
        try:
            while not done():
                if deadline is None:
                    _TIME.wait(_SLICE_S)
                    continue
                remaining = (deadline - _now()).total_seconds()
                if remaining <= 0:
                    return done()
                _TIME.wait(min(remaining, _SLICE_S))
            return True
        finally:
            _parked.pop(id(waiter), None)


class ClockEvent:
    """threading.Event for moto's interpreter, its timeouts measured on functions.core.clock. Like
    threading.Event, wait() also returns True for a set() that a clear() followed at once (a pulse)."""

    def __init__(self) -> None:
        self._flag = False
        self._pulses = 0

    def is_set(self) -> bool:
        return self._flag

    isSet = is_set  # noqa: N815 - threading.Event's old name

    def set(self) -> None:
        with _TIME:
            self._flag = True
            self._pulses += 1
            _TIME.notify_all()

    def clear(self) -> None:
        with _TIME:
            self._flag = False

    def wait(self, timeout: float | None = None) -> bool:
        seen = self._pulses
        return _wait_until(lambda: self._flag or self._pulses != seen, timeout)


class _ClockTime:
    """Stands in for the `time` module in moto's retrier: a Retry interval is slept on the local clock."""

    def sleep(self, seconds: float) -> None:
        _wait_until(lambda: False, seconds)

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


class _ClockThreading:
    """Stands in for the `threading` module where moto makes the events it times out on."""

    Event = ClockEvent

    def __getattr__(self, name: str) -> Any:
        return getattr(threading, name)


@contextlib.contextmanager
def _parked_as(env: Any) -> Iterator[None]:
    previous = getattr(_parking, "execution", None)
    _parking.execution = env.states.context_object.context_object_data["Execution"]["Id"]
    try:
        yield
    finally:
        _parking.execution = previous


def _install_local_clock_time() -> None:
    """Every wait in moto's ASL interpreter follows functions.core.clock: Wait states (Seconds and
    Timestamp), Retry intervals, task TimeoutSeconds, task-token and heartbeat timeouts, and the state
    machine's own TimeoutSeconds. Under `practice serve` that is the local cloud's movable clock, so
    /_local/clock/advance reaches a day's Wait at once; tests shorten every wait with wait_scale()."""
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
    from moto.stepfunctions.parser.asl.component.program import program
    from moto.stepfunctions.parser.asl.component.state.exec import execute_state
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import state_task_service_callback
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function import timestamp
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import WaitFunction
    from moto.stepfunctions.parser.asl.eval import environment
    from moto.stepfunctions.parser.asl.eval.callback import callback
    from moto.stepfunctions.parser.utils import TMP_THREADS

    retrier_decl.time = _ClockTime()
    execute_state.threading = environment.threading = _ClockThreading()  # task timeouts, program_state_event
    callback.Event = ClockEvent  # task-token and heartbeat timeouts

    def _wait_interval(self, env, wait_seconds: int) -> None:
        with _parked_as(env):
            _wait_until(lambda: not env.is_running(), wait_seconds)

    WaitFunction._wait_interval = _wait_interval

    def _get_wait_seconds(self, env) -> float:
        self.string.eval(env=env)
        text = env.stack.pop()
        at = self._from_timestamp_string(timestamp=text)
        if at is None:
            raise timestamp.FailureEventException(self._create_failure_event(env, text))
        at = at if at.tzinfo else at.replace(tzinfo=UTC)  # the ASL timestamp pattern is UTC
        return (at - _now()).total_seconds() / (_scale or 1.0)  # a moment is not shortened by wait_scale

    timestamp.Timestamp._get_wait_seconds = _get_wait_seconds

    retry_body = retrier_decl.RetrierDecl._eval_body

    def _retry(self, env) -> None:
        with _parked_as(env):
            retry_body(self, env)

    retrier_decl.RetrierDecl._eval_body = _retry

    callback_wait = state_task_service_callback.StateTaskServiceCallback._eval_wait_for_task_token

    def _wait_for_task_token(self, env, *args, **kwargs):
        with _parked_as(env):
            return callback_wait(self, env, *args, **kwargs)

    state_task_service_callback.StateTaskServiceCallback._eval_wait_for_task_token = _wait_for_task_token

    def _program_eval(self, env) -> None:
        timeout = self.timeout_seconds.timeout_seconds if self.timeout_seconds else None
        env.next_state_name = self.start_at.start_at_name
        finished = ClockEvent()

        def run() -> None:
            try:
                super(program.Program, self).eval(env)
            finally:
                finished.set()

        worker = threading.Thread(target=run, daemon=True)
        TMP_THREADS.append(worker)
        worker.start()
        if not finished.wait(timeout):
            env.set_timed_out()

    program.Program.eval = _program_eval


def clock_moved() -> None:
    """Wake every wait in the interpreter to look at the clock again (the local cloud moved it)."""
    with _TIME:
        _TIME.notify_all()


def parked_executions() -> dict[str, list[datetime | None]]:
    """Running executions that wait (Wait state, Retry interval, task token): arn -> their deadlines, None
    for a wait with no deadline. An execution not here is working, or about to: a waiter whose wait is
    already over (a task token just answered, its thread not yet scheduled) is not parked, or a drain
    right after SendTaskSuccess would call the work settled before it ran."""
    with _TIME:
        found: dict[str, list[datetime | None]] = {}
        for execution, deadline, done in _parked.values():
            if not done():
                found.setdefault(execution, []).append(deadline)
        return found


def next_deadline() -> datetime | None:
    """The earliest moment a parked execution wakes up, if any."""
    deadlines = [d for waits in parked_executions().values() for d in waits if d is not None]
    return min(deadlines, default=None)


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

class _TablesNotCopied:
    """Stands in for the `copy` module in moto's DynamoDB backend. moto backs up every table a transaction
    touches with a deep copy (all its items and every stream record) and puts the copy back if the
    transaction is cancelled: the cost of each transaction grew with the table, and the stream iterators
    went on reading the discarded shard. Tables are not copied; _install_item_level_rollback undoes a
    cancelled transaction item by item instead."""

    def deepcopy(self, value: Any, memo: Any = None) -> Any:
        from moto.dynamodb.models.table import Table

        return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


def _install_item_level_rollback(backend: Any) -> None:
    """Before a transaction, keep a copy of each item it names and each stream's length; if it is cancelled,
    put those items back and drop the stream records its writes made (they never happened)."""
    import moto.dynamodb.models as models

    models.copy = _TablesNotCopied()
    original = backend.transact_write_items

    @functools.wraps(original)
    def transact_write_items(self, transact_items, *args, **kwargs):
        before: list[tuple[Any, Any, Any, Any]] = []
        streams: dict[int, tuple[Any, int]] = {}
        for entry in transact_items:
            for operation in entry.values() if isinstance(entry, dict) else ():
                table = self.tables.get(operation.get("TableName")) if isinstance(operation, dict) else None
                if table is None:
                    continue
                try:
                    named = operation.get("Key") or operation["Item"]
                    key_names = [table.hash_key_attr, *([table.range_key_attr] if table.range_key_attr else [])]
                    hash_key, range_key = self.get_keys_value(table, {name: named[name] for name in key_names})
                except Exception:  # noqa: BLE001, S112 - moto refuses it before writing anything
                    continue
                before.append((table, hash_key, range_key, copy.deepcopy(table.get_item(hash_key, range_key))))
                if table.stream_shard is not None:
                    streams.setdefault(id(table), (table.stream_shard, len(table.stream_shard.items)))
        try:
            return original(self, transact_items, *args, **kwargs)
        except Exception:
            for table, hash_key, range_key, item in reversed(before):
                if table.range_key_attr:
                    kept = table.items[hash_key]
                    if item is None:
                        kept.pop(range_key, None)
                        if not kept:
                            table.items.pop(hash_key, None)
                    else:
                        kept[range_key] = item
                elif item is None:
                    table.items.pop(hash_key, None)
                else:
                    table.items[hash_key] = item
            for shard, length in streams.values():
                del shard.items[length:]
            raise

    backend.transact_write_items = transact_write_items


def _changes(backend: Any, operation: str, arguments: dict[str, Any]) -> list[Change]:
    """What a committed write changed: each item it named, as it is now."""
    if operation == "transact_write_items":
        named = [(op["TableName"], op.get("Key") or op.get("Item")) for entry in arguments["transact_items"]
                 for kind, op in entry.items() if kind != "ConditionCheck"]
    elif operation == "put_item":
        named = [(arguments["table_name"], arguments["item_attrs"])]
    else:
        named = [(arguments["table_name"], arguments["key"])]
    changes = []
    for table_name, attributes in named:
        table = backend.get_table(table_name)
        key = {name: attributes[name] for name in (table.hash_key_attr, table.range_key_attr) if name}
        item = backend.get_item(table_name, key)
        changes.append((table_name, key, None if item is None else _client_form(item.to_json()["Attributes"])))
    return changes


def _client_form(attributes: dict[str, Any]) -> dict[str, Any]:
    """moto keeps a top-level binary value base64-encoded; a client sees bytes (nested ones already are)."""
    formed = {}
    for name, value in attributes.items():
        if "B" in value and isinstance(value["B"], str):
            value = {"B": base64.b64decode(value["B"])}
        elif "BS" in value:
            value = {"BS": [base64.b64decode(v) if isinstance(v, str) else v for v in value["BS"]]}
        formed[name] = value
    return formed


def on_writes(listener: Callable[[list[Change]], None] | None) -> Callable[[list[Change]], None] | None:
    """Register `listener(changes)`, told of every committed DynamoDB write while the data-plane lock is
    still held, so listeners see writes in the order they were made; returns the previous listener."""
    global _writes_listener
    install()
    previous, _writes_listener = _writes_listener, listener
    return previous


def _install_stream_iterator_cleanup() -> None:
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend

    original = DynamoDBStreamsBackend.get_records

    @functools.wraps(original)
    def get_records(self, iterator_arn: str, limit: int):
        with _LOCK:  # the shard changes under the data-plane lock
            iterator = self.shard_iterators.get(iterator_arn)
            result = original(self, iterator_arn, limit)
            self.shard_iterators.pop(iterator_arn, None)
            if iterator is not None:
                _forget_read_records(self, iterator.stream_shard)
        return result

    DynamoDBStreamsBackend.get_records = get_records


def _forget_read_records(streams: Any, shard: Any) -> None:
    wanted = [i.sequence_number for i in streams.shard_iterators.values() if i.stream_shard is shard]
    if not wanted:
        return
    read = min(wanted) - shard.starting_sequence_number
    if read > 0:
        del shard.items[:read]
        shard.starting_sequence_number += read
