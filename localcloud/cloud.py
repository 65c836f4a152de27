"""The whole system on one machine. moto plays AWS; the catalogue's Lambda handlers run in this process;
moto's interpreter runs the state machines; this module is the part moto does not do: it carries the
table's stream to the stream consumers, delivers EventBridge events to the rules' targets, fires the
schedules (it owns the clock), and keeps the table in the data directory across restarts.

One LocalCloud per process at a time: it sets the process environment, the clock and moto's Lambda
runner, and puts them back on close()."""

from __future__ import annotations

import importlib
import io
import json
import logging
import os
import threading
import time
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

from functions.core.settings import state_machine_arn_variable
from infra.catalog import CATALOG, Catalog, Function, Schedule, Target
from infra.heartbeats import watch_environment
from localcloud import moto_patches, schedules
from localcloud.provision import ACCOUNT, REGION, Resources, provision
from localcloud.store import DEFAULT_DATA_DIR, DataDir, Journal, journal_name

log = logging.getLogger("localcloud")

STREAMS_ENDPOINT = f"https://streams.dynamodb.{REGION}.amazonaws.com"
OUTBOX_KIND = "OUTBOX_EVENT"  # outbox items are in flight, not data: never saved, never re-published
STREAM_BATCH = 100  # Lambda's default batch size for a DynamoDB stream
COMPACT_AFTER_BYTES = 8 * 1024 * 1024  # fold the journal into a new snapshot once it is this big
SETTLE_TIMEOUT_S = 60.0
ATTEMPTS = 3  # per stream batch or event delivery, before it is logged and dropped
ROLE_NAME = "practiceflow-local"
_AWS_DEFAULTS = {"AWS_DEFAULT_REGION": REGION, "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}


class MovableClock:
    """The system clock plus an offset the local cloud can move forward to reach a schedule."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, by: timedelta) -> None:
        self.offset += by


@dataclass
class LambdaContext:
    """What Lambda passes as the second argument, enough for Powertools and for `remaining time`."""

    function_name: str
    memory_limit_in_mb: int
    timeout_s: int
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"

    def __post_init__(self) -> None:
        self.invoked_function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{self.function_name}"
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = f"local/{self.aws_request_id}"
        self._deadline = datetime.now(UTC) + timedelta(seconds=self.timeout_s)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - datetime.now(UTC)).total_seconds() * 1000))


def _dummy_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("README.txt", "runs in-process in localcloud\n")
    return buffer.getvalue()


def _lambda_json(value: Any) -> Any:
    """A value as it would arrive after Lambda's JSON serialization (and fail as it would if it cannot)."""
    def default(obj: Any) -> Any:
        if isinstance(obj, datetime):
            return obj.timestamp()
        raise TypeError(f"{type(obj).__name__} is not JSON serializable")

    return json.loads(json.dumps(value, default=default))


def reset_containers() -> None:
    """Forget what warm containers cache (settings, clients, secrets, services): a cold start for every
    function, as after a deployment. Needed when a new cloud starts in a process that ran an old one."""
    from functions.core import container

    container.reset()


class LocalCloud:
    def __init__(self, catalog: Catalog = CATALOG, data_dir: Path | str = DEFAULT_DATA_DIR, *,
                 clock: Any = None, persist: bool = True, table_name: str = "practiceflow",
                 bus_name: str = "practiceflow") -> None:
        self.catalog = catalog
        self.data = DataDir(data_dir).ensure()
        self.persist = persist
        self.clock = clock or MovableClock()
        self._pump_lock = threading.RLock()
        self._save_lock = threading.Lock()
        self._journal: Journal | None = None
        self._previous_writes_listener: Any = None
        self._listening = False
        self._advance_lock = threading.Lock()
        self._handlers: dict[str, Callable[[dict, Any], Any]] = {}
        self._stop = threading.Event()
        self._background: threading.Thread | None = None
        self._closed = False
        self.function_arns: dict[str, str] = {}
        self.state_machine_arns: dict[str, str] = {}
        self.topic_arns: dict[str, str] = {}
        self.rule_queues: dict[str, str] = {}  # rule name -> SQS queue URL

        from moto import mock_aws

        from functions.core import clock as core_clock

        moto_patches.install()
        self._saved_env = {name: os.environ.get(name) for name in _AWS_DEFAULTS}
        for name, value in _AWS_DEFAULTS.items():
            os.environ.setdefault(name, value)
        self._mock = mock_aws(config={"stepfunctions": {"execute_state_machine": True}})
        self._mock.start()
        try:
            self.resources: Resources = provision(catalog, table_name=table_name, bus_name=bus_name,
                                                  page_token_secret=self.data.page_token_secret())
            # the operations watcher's jobs (no dead-letter queues here: what fails stays on the rule queues)
            environment = {**self.resources.environment(), **watch_environment(catalog)}
            self._saved_env.update({name: os.environ.get(name) for name in environment})
            os.environ.update(environment)
            reset_containers()
            self._previous_clock = core_clock.use(self.clock)
            self._previous_runner = moto_patches.run_lambdas_in_process(self._run_for_moto)
            self._dynamodb = boto3.client("dynamodb", region_name=REGION)
            self._streams = boto3.client("dynamodbstreams", region_name=REGION, endpoint_url=STREAMS_ENDPOINT)
            self._sqs = boto3.client("sqs", region_name=REGION)
            self._sfn = boto3.client("stepfunctions", region_name=REGION)
            self._events = boto3.client("events", region_name=REGION)
            self.loaded = self._load()
            from localcloud.uploads import LocalEvidence

            self.evidence = LocalEvidence(self.resources.evidence_bucket, self.data.path)
            self.evidence.restore()
            from localcloud.archive import LocalAuditArchive

            self.audit_archive = LocalAuditArchive(self.resources.audit_archive_bucket, self.data.path)
            self.audit_archive.restore()
            self._shard_iterator = self._latest_iterator()  # after loading: old items are not news
            if self.persist:
                self.compact()  # the loaded table becomes the snapshot; changes go to a new journal
                self._previous_writes_listener = moto_patches.on_writes(self._journal_writes)
                self._listening = True
            self._create_functions()
            self._create_state_machines()
            self._create_rules()
            self._create_topics()
            self._schedule_plans = self._plan_schedules()
        except BaseException:
            self._restore()
            raise

    # --- lifecycle --------------------------------------------------------------------------------
    def __enter__(self) -> LocalCloud:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self, save: bool | None = None) -> None:
        if self._closed:
            return
        self.stop_background()
        if self.persist and save is not False:
            self.compact()
        self._restore()

    def _restore(self) -> None:
        from functions.core import clock as core_clock

        self._closed = True
        if self._listening:
            moto_patches.on_writes(self._previous_writes_listener)
            self._listening = False
        if self._journal is not None:
            self._journal.close()
        if hasattr(self, "_previous_runner"):
            moto_patches.run_lambdas_in_process(self._previous_runner)
        if hasattr(self, "_previous_clock"):
            core_clock.use(self._previous_clock)
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        reset_containers()
        self._mock.stop()

    def start_background(self, interval_s: float = 0.2) -> None:
        """Carry events and fire schedules on a thread, as the real cloud does without being asked."""
        if self._background is not None:
            return

        def loop() -> None:
            while not self._stop.wait(interval_s):
                try:
                    while self.pump():
                        pass
                    self.save()
                    if self._journal is not None and self._journal.size > COMPACT_AFTER_BYTES:
                        self.compact()
                except Exception:  # noqa: BLE001 - the loop must outlive one bad round
                    log.exception("local cloud dispatcher round failed")

        self._background = threading.Thread(target=loop, name="localcloud-dispatcher", daemon=True)
        self._background.start()

    def stop_background(self) -> None:
        if self._background is not None:
            self._stop.set()
            self._background.join(timeout=10)
            self._background = None
            self._stop.clear()

    # --- provisioning from the catalogue ---------------------------------------------------------
    def _create_functions(self) -> None:
        iam = boto3.client("iam", region_name=REGION)
        role = iam.create_role(RoleName=ROLE_NAME, AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                           "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
        self.role_arn = role
        lambda_client = boto3.client("lambda", region_name=REGION)
        code = _dummy_zip()
        for function in self.catalog.functions:
            created = lambda_client.create_function(
                FunctionName=function.name, Runtime="python3.11", Role=role, Handler=function.handler,
                Code={"ZipFile": code}, Description=function.description[:256], Timeout=function.timeout_s,
                MemorySize=function.memory_mb,
                Environment={"Variables": {**self.resources.environment(function.area)}},
            )
            self.function_arns[function.name] = created["FunctionArn"]

    def definition(self, name: str) -> str:
        """A state machine's ASL with its ${Placeholders} filled with the catalogue functions' ARNs."""
        machine = self.catalog.state_machine(name)
        text = machine.path.read_text(encoding="utf-8")
        for placeholder, function in machine.functions.items():
            text = text.replace("${" + placeholder + "}", self.function_arns[function])
        if "${" in text:
            raise ValueError(f"state machine {name}: unfilled placeholder near {text[text.index('${'):][:40]!r}")
        return text

    def _create_state_machines(self) -> None:
        for machine in self.catalog.state_machines:
            created = self._sfn.create_state_machine(
                name=machine.name, definition=self.definition(machine.name), roleArn=self.role_arn,
                type="STANDARD")
            self.state_machine_arns[machine.name] = created["stateMachineArn"]
            # functions that start or resume it read its ARN from here (infra/catalog.py Function.state_machines)
            variable = state_machine_arn_variable(machine.name)
            self._saved_env.setdefault(variable, os.environ.get(variable))
            os.environ[variable] = created["stateMachineArn"]

    def _create_rules(self) -> None:
        bus = self.resources.bus_name
        for rule in self.catalog.rules:
            queue = self._sqs.create_queue(QueueName=f"rule-{rule.name}"[:80])["QueueUrl"]
            queue_arn = self._sqs.get_queue_attributes(
                QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            self._events.put_rule(Name=rule.name, EventBusName=bus, EventPattern=json.dumps(rule.pattern))
            self._events.put_targets(Rule=rule.name, EventBusName=bus, Targets=[{"Id": "local", "Arn": queue_arn}])
            self.rule_queues[rule.name] = queue
        for schedule in self.catalog.schedules:
            # for `aws events list-rules` parity only: moto never fires them, the scheduler below does
            try:
                self._events.put_rule(Name=f"schedule-{schedule.name}"[:64], ScheduleExpression=schedule.expression,
                                      State="ENABLED", Description=schedule.description[:512])
            except ClientError as error:  # moto's validation is not ours; schedules.parse is the one that counts
                log.debug("moto refused schedule %s: %s", schedule.name, error)

    def _create_topics(self) -> None:
        """The catalogue's inbound topics; moto's SNS delivers to Lambda subscribers, which run here."""
        sns = boto3.client("sns", region_name=REGION)
        for topic in self.catalog.topics:
            arn = sns.create_topic(Name=f"practiceflow-local-{topic.name}")["TopicArn"]
            for subscriber in topic.subscribers:
                sns.subscribe(TopicArn=arn, Protocol="lambda", Endpoint=self.function_arns[subscriber])
            self.topic_arns[topic.name] = arn

    def publish(self, topic: str, message: Any) -> str:
        """What SES or an SMS reply would publish to one of the catalogue's topics (tests, demos)."""
        text = message if isinstance(message, str) else json.dumps(message)
        return boto3.client("sns", region_name=REGION).publish(TopicArn=self.topic_arns[topic], Message=text)[
            "MessageId"]

    def _plan_schedules(self) -> dict[str, tuple[schedules.Cron | schedules.Rate, datetime | None]]:
        now = self.clock.now()
        plans = {}
        for schedule in self.catalog.schedules:
            expression = schedules.parse(schedule.expression, created=now)
            plans[schedule.name] = (expression, expression.next_after(now))
        return plans

    # --- functions ---------------------------------------------------------------------------------
    def _handler(self, function: Function) -> Callable[[dict, Any], Any]:
        if function.name not in self._handlers:
            module_name, _, attribute = function.handler.rpartition(".")
            self._handlers[function.name] = getattr(importlib.import_module(module_name), attribute)
        return self._handlers[function.name]

    def invoke(self, name: str, event: Any) -> Any:
        """Run a catalogue function's handler here, with a Lambda context, as Lambda would."""
        from functions.core.observability import logger

        function = self.catalog.function(name)
        handler = self._handler(function)
        context = LambdaContext(function.name, function.memory_mb, function.timeout_s)
        logger.thread_safe_append_keys(service=function.area)
        try:
            return _lambda_json(handler(_lambda_json(event), context))
        finally:
            logger.thread_safe_remove_keys(["service"])

    def _run_for_moto(self, function_name: str, event: Any) -> Any:
        return self.invoke(function_name, event)

    def start_execution(self, machine: str, payload: Any, name: str | None = None) -> str:
        execution_name = (name or f"{machine}-{uuid.uuid4().hex}")[:80]
        return self._sfn.start_execution(stateMachineArn=self.state_machine_arns[machine], name=execution_name,
                                         input=json.dumps(payload))["executionArn"]

    def wait_for_execution(self, execution_arn: str, timeout_s: float = 10.0) -> dict[str, Any]:
        """Executions run on moto's threads: poll until this one stops."""
        deadline = datetime.now(UTC) + timedelta(seconds=timeout_s)
        while True:
            described = self._sfn.describe_execution(executionArn=execution_arn)
            if described["status"] != "RUNNING":
                return described
            if datetime.now(UTC) > deadline:
                raise TimeoutError(f"execution still running after {timeout_s} s")
            self._stop.wait(0.02)

    def _deliver(self, target: Target, event: Any, label: str) -> Any:
        if target.function is not None:
            return self.invoke(target.function, event)
        return self.start_execution(target.state_machine, event, name=f"{label}-{uuid.uuid4().hex}")

    # --- the stream (outbox) -----------------------------------------------------------------------
    def _latest_iterator(self) -> str | None:
        arn = self.resources.stream_arn
        if not arn:
            return None
        shard = self._streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        return self._streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                                ShardIteratorType="LATEST")["ShardIterator"]

    def _pump_stream(self) -> int:
        if self._shard_iterator is None:
            return 0
        response = self._streams.get_records(ShardIterator=self._shard_iterator, Limit=1000)
        self._shard_iterator = response["NextShardIterator"]
        records = [{**r, "eventSourceARN": self.resources.stream_arn} for r in response.get("Records", [])]
        if not records:
            return 0
        for function in self.catalog.functions:
            if not function.stream_kinds:
                continue
            wanted = [r for r in records
                      if r["dynamodb"].get("NewImage", {}).get("kind", {}).get("S") in function.stream_kinds]
            for start in range(0, len(wanted), STREAM_BATCH):
                self._consume(function, wanted[start:start + STREAM_BATCH])
        return len(records)

    def _consume(self, function: Function, batch: list[dict[str, Any]]) -> None:
        """As Lambda's stream poller with ReportBatchItemFailures: retry from the first failed record."""
        for _attempt in range(ATTEMPTS):
            try:
                result = self.invoke(function.name, {"Records": batch}) or {}
            except Exception:  # noqa: BLE001 - the poller retries a failed batch whole
                log.exception("stream consumer %s failed", function.name)
                continue
            failures = [f.get("itemIdentifier") for f in result.get("batchItemFailures", [])]
            if not failures:
                return
            sequence = [r["dynamodb"]["SequenceNumber"] for r in batch]
            first = min((sequence.index(f) for f in failures if f in sequence), default=0)
            batch = batch[first:]
        log.error("stream consumer %s gave up on %d records", function.name, len(batch))

    # --- event rules -------------------------------------------------------------------------------
    def _pump_rules(self) -> int:
        delivered = 0
        for rule in self.catalog.rules:
            queue = self.rule_queues[rule.name]
            messages = self._sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10,
                                                 WaitTimeSeconds=0).get("Messages", [])
            for message in messages:
                event = json.loads(message["Body"])
                for _attempt in range(ATTEMPTS):
                    try:
                        self._deliver(rule.target, event, rule.name)
                        break
                    except Exception:  # noqa: BLE001 - EventBridge retries, then drops (or dead-letters)
                        log.exception("rule %s: target failed", rule.name)
                else:
                    log.error("rule %s: dropped event %s after %d attempts", rule.name, event.get("id"), ATTEMPTS)
                self._sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
                delivered += 1
        return delivered

    # --- schedules ---------------------------------------------------------------------------------
    def _schedule_event(self, schedule: Schedule, at: datetime) -> dict[str, Any]:
        if schedule.input:
            return dict(schedule.input)  # a rule target's constant Input replaces the event
        from functions.core.clock import iso

        return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event",
                "source": "aws.events", "account": ACCOUNT, "time": iso(at), "region": REGION,
                "resources": [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/schedule-{schedule.name}"], "detail": {}}

    def _fire_due(self) -> int:
        """Fire every schedule whose time has come. Several missed occurrences (after the clock jumped)
        fire once: jobs catch up on what is due, so one run does the work of all of them."""
        now = self.clock.now()
        fired = 0
        for schedule in self.catalog.schedules:
            expression, due = self._schedule_plans[schedule.name]
            if due is None or due > now:
                continue
            self._schedule_plans[schedule.name] = (expression, expression.next_after(now))
            try:
                self._deliver(schedule.target, self._schedule_event(schedule, due), schedule.name)
            except Exception:  # noqa: BLE001 - one failing job must not stop the others
                log.exception("schedule %s failed", schedule.name)
            fired += 1
        return fired

    def next_fire_times(self) -> dict[str, datetime | None]:
        return {name: due for name, (_, due) in self._schedule_plans.items()}

    def run_job(self, name: str) -> Any:
        """Fire a schedule's target now, as its schedule would (`practice job run NAME`)."""
        schedule = self.catalog.schedule(name)
        result = self._deliver(schedule.target, self._schedule_event(schedule, self.clock.now()), schedule.name)
        self.drain()
        return result

    def advance(self, by: timedelta) -> int:
        """Move the clock forward as the real cloud would live through the time: to each moment a waiting
        execution wakes (a Wait state, a Retry interval, a timeout), letting what it wakes settle before
        the next, so a claim's six hours for the acknowledgement and then its day for the remittance both pass
        in one advance; then to the end, firing what fell due. Returns the work done."""
        with self._advance_lock:
            target = self.clock.now() + by
            done = self.drain()
            for _ in range(10_000):  # a bound, not a limit anyone should meet: each step is a wake-up
                due = moto_patches.next_deadline()
                if due is None or due > target:
                    break
                self._move_clock_to(due)
                done += self.drain()
            self._move_clock_to(target)
            return done + self.drain()

    def _move_clock_to(self, moment: datetime) -> None:
        step = moment - self.clock.now()
        if step > timedelta(0):
            self.clock.advance(step)
        moto_patches.clock_moved()

    # --- the dispatcher ----------------------------------------------------------------------------
    def pump(self) -> int:
        """One round: the stream to its consumers, queued events to their targets, due schedules."""
        with self._pump_lock:
            return self._pump_stream() + self._pump_rules() + self._fire_due()

    def drain(self, max_rounds: int = 100, timeout_s: float = SETTLE_TIMEOUT_S) -> int:
        """Pump until a round finds nothing to do and every running execution is parked (in a Wait,
        a Retry interval or on a task token, not yet due), then save: for deterministic tests and
        commands, and so an HTTP client sees the state the work it caused has reached."""
        total, rounds = 0, 0
        deadline = time.monotonic() + timeout_s
        while rounds < max_rounds:
            done = self.pump()
            total += done
            if done:
                rounds += 1
                continue
            if self._executions_settled():
                # an execution may have written its last outbox event after this round's pump and then ended:
                # settled is only settled once a pump after it finds nothing
                late = self.pump()
                if not late:
                    break
                total += late
                rounds += 1
                continue
            if time.monotonic() > deadline:
                log.warning("local cloud: executions still working after %.0f s", timeout_s)
                break
            self._stop.wait(0.005)
        else:
            log.warning("local cloud still busy after %d rounds", max_rounds)
        self.save()
        return total

    def _executions_settled(self) -> bool:
        running = [execution["executionArn"]
                   for machine in self.state_machine_arns.values()
                   for page in self._sfn.get_paginator("list_executions").paginate(
                       stateMachineArn=machine, statusFilter="RUNNING")
                   for execution in page["executions"]]
        if not running:
            return True
        parked = moto_patches.parked_executions()
        now = self.clock.now()
        return all(arn in parked and all(d is None or d > now for d in parked[arn]) for arn in running)

    # --- persistence -------------------------------------------------------------------------------
    def _load(self) -> int:
        """Put the saved items back before the stream is read from LATEST, so nothing is re-published."""
        items = [item for item in self.data.load_items() if item.get("kind", {}).get("S") != OUTBOX_KIND]
        for item in items:
            self._dynamodb.put_item(TableName=self.resources.table_name, Item=item)
        return len(items)

    def _journal_writes(self, changes: list[moto_patches.Change]) -> None:
        """Told of each committed write, under the data-plane lock: append it to the journal."""
        table = self.resources.table_name
        kept = [(key, item) for name, key, item in changes
                if name == table and (item is None or item.get("kind", {}).get("S") != OUTBOX_KIND)]
        if kept and self._journal is not None:
            self._journal.append(kept)

    def snapshot(self) -> list[dict[str, Any]]:
        """Every item but the outbox's, read under the data-plane lock so no transaction is half in."""
        items: list[dict[str, Any]] = []
        with moto_patches.data_plane_locked():
            start_key = None
            while True:
                request: dict[str, Any] = {"TableName": self.resources.table_name}
                if start_key:
                    request["ExclusiveStartKey"] = start_key
                page = self._dynamodb.scan(**request)
                items += [i for i in page.get("Items", []) if i.get("kind", {}).get("S") != OUTBOX_KIND]
                start_key = page.get("LastEvaluatedKey")
                if not start_key:
                    break
        items.sort(key=lambda i: (i["pk"]["S"], i["sk"]["S"]))
        return items

    def compact(self) -> None:
        """Fold the journal into a new snapshot: read the table and start a new journal at one instant
        (under the data-plane lock), write the snapshot, then drop the journals it holds."""
        if not self.persist:
            return
        with self._save_lock:
            sequence = self._journal.sequence + 1 if self._journal is not None else self.data.next_journal()
            with moto_patches.data_plane_locked():
                items = self.snapshot()
                previous, self._journal = self._journal, Journal(self.data.path / journal_name(sequence), sequence)
            if previous is not None:
                previous.close()
            self.data.save_items(items, journal=sequence)
            self.data.forget_journals_before(sequence)
            self.audit_archive.keep()

    def save(self) -> None:
        """Every change made so far is on disk: the journal has them; this makes sure the disk does."""
        if self.persist and self._journal is not None and not self._closed:
            self._journal.sync()

    def save_if_changed(self) -> None:
        self.save()

    # --- helpers for tests and the CLI -------------------------------------------------------------
    def table(self):
        from functions.core.table import Table

        return Table(self.resources.table_name)

    def token_key(self) -> bytes:
        return self.data.token_signing_key()
