"""The monitoring stack: the alarms on everything the service stack runs, and the topic that tells the stage's
operators. Its own stack, deployed last, so alarms change without touching what they watch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aws_cdk import Duration, Stack
from constructs import Construct

from infra.catalog import Catalog, Schedule
from infra.constructs.data import DataConstruct
from infra.constructs.messaging import configuration_set_name
from infra.constructs.monitoring import MonitoringConstruct
from infra.constructs.workflow import rule_name
from infra.options import StageOptions
from infra.stacks.api import ApiStack
from infra.stacks.service import ServiceStack
from localcloud.schedules import parse

HEARTBEAT_LONGEST = timedelta(days=1)  # a job that runs less often than daily has no heartbeat alarm
_SAMPLE_START = datetime(2026, 1, 1, tzinfo=UTC)  # a fortnight from here shows the longest gap between runs


def longest_gap(schedule: Schedule) -> timedelta:
    """The longest time between two runs of `schedule` over a fortnight (a rate's interval; a cron's widest gap)."""
    expression = parse(schedule.expression, created=_SAMPLE_START)
    runs = [_SAMPLE_START]
    while runs[-1] < _SAMPLE_START + timedelta(days=14):
        following = expression.next_after(runs[-1])
        if following is None:
            return timedelta.max
        runs.append(following)
    return max(later - earlier for earlier, later in zip(runs[1:], runs[2:], strict=False)) if len(runs) > 2 \
        else timedelta.max


def heartbeats(catalog: Catalog) -> dict[tuple[str, str], timedelta]:
    """(area, job) -> how often it runs, for every scheduled function job that runs at least daily."""
    found: dict[tuple[str, str], timedelta] = {}
    for schedule in catalog.schedules:
        if schedule.target.function is None or "job" not in schedule.input:
            continue
        gap = longest_gap(schedule)
        if gap <= HEARTBEAT_LONGEST:
            key = (catalog.function(schedule.target.function).area, schedule.input["job"])
            found[key] = min(gap, found.get(key, gap))
    return found


class MonitoringStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, catalog: Catalog, stage: str, data: DataConstruct,
                 service: ServiceStack, api: ApiStack, options: StageOptions, **kwargs) -> None:
        super().__init__(scope, construct_id, description=f"PracticeFlow {stage}: alarms and who they reach",
                         **kwargs)
        monitoring = MonitoringConstruct(self, "Monitoring", stage=stage, ops_key=service.ops_key, options=options)
        self.monitoring = monitoring
        for name, built in service.functions.functions.items():
            monitoring.watch_function(name, built.function)
        if service.functions.dead_letter_queue is not None:
            monitoring.watch_queue("async-invocations", service.functions.dead_letter_queue,
                                   "Asynchronous invocations (rule and schedule targets) that failed every retry")
        for name, queue in service.functions.failure_queues.items():
            monitoring.watch_queue(f"{name}-stream", queue, "Stream batches that could not be processed")
            monitoring.watch_outbox_lag(name, service.functions.functions[name].function)
        monitoring.watch_queue("event-targets", service.workflows.dead_letter_queue,
                               "Events EventBridge could not deliver to a rule's or schedule's target")
        monitoring.watch_api(api.api.stage)
        monitoring.watch_table(data.table)
        for name, machine in service.workflows.state_machines.items():
            monitoring.watch_state_machine(name, machine)
        for rule in catalog.rules:  # on the practice bus
            monitoring.watch_rule_target(rule_name(stage, rule.name), data.bus.event_bus_name)
        for schedule in catalog.schedules:  # on the default bus
            monitoring.watch_rule_target(rule_name(stage, schedule.name), None)
        for (area, job), every in sorted(heartbeats(catalog).items()):
            monitoring.watch_job_heartbeat(area, job, Duration.minutes(every.total_seconds() // 60))
        areas = {f.area for f in catalog.functions}
        if "compliance" in areas:
            monitoring.watch_audit_chains()
        if "billing" in areas:
            monitoring.watch_timely_filing()
        if "staff" in areas:
            monitoring.watch_leave_decisions()
        if "notifications" in areas:
            monitoring.watch_provider_refusals()
            monitoring.watch_notification_failures()
            monitoring.watch_sms_spend(options.sms_spend_alarm_usd)
            if configuration_set_name(catalog, stage):
                monitoring.watch_email_reputation()
