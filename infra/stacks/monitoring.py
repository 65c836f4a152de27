"""The monitoring stack: the alarms on everything the service stack runs, and the topic that tells the stage's
operators. Its own stack, deployed last, so alarms change without touching what they watch."""

from __future__ import annotations

from aws_cdk import Stack
from constructs import Construct

from infra.catalog import Access, Catalog
from infra.constructs.dashboard import stage_dashboard
from infra.constructs.data import DataConstruct
from infra.constructs.messaging import configuration_set_name
from infra.constructs.monitoring import MonitoringConstruct
from infra.options import StageOptions
from infra.stacks.api import ApiStack
from infra.stacks.service import ServiceStack


class MonitoringStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, catalog: Catalog, stage: str, data: DataConstruct,
                 service: ServiceStack, api: ApiStack, options: StageOptions, **kwargs) -> None:
        super().__init__(scope, construct_id, description=f"PracticeFlow {stage}: alarms and who they reach",
                         **kwargs)
        # graphs only, no alarm: infra/constructs/dashboard.py
        self.dashboard = stage_dashboard(self, "Dashboard", stage=stage, catalog=catalog, data=data, service=service,
                                         api=api)
        monitoring = MonitoringConstruct(self, "Monitoring", stage=stage, ops_key=service.ops_key, options=options)
        self.monitoring = monitoring
        monitoring.watch_functions()
        for name in service.functions.failure_queues:  # the stream consumers
            monitoring.watch_outbox_lag(name, service.functions.functions[name].function)
        if any(Access.DEAD_LETTER_DEPTHS in f.access for f in catalog.functions):
            monitoring.watch_operations()
        monitoring.watch_api(api.api.stage)
        monitoring.watch_table(data.table)
        for name, machine in service.workflows.state_machines.items():
            monitoring.watch_state_machine(name, machine)
        if catalog.state_machines:
            monitoring.watch_workflow_timeouts()
        if catalog.rules or catalog.schedules:
            monitoring.watch_rule_targets()
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
