"""The stage's CloudWatch dashboard, built with cdk-monitoring-constructs: what an operator reads at a glance —
the API, every function by area, the workflows, parked failures, the table and the practice's business numbers.
Graphs only: it creates no alarm (infra/constructs/monitoring.py owns them, and the topic they reach).

What the metrics allow, and what was chosen:
- API: the stage's own metrics (requests, 4xx, 5xx, p50/p90/p99 latency) have no per-route dimension, and
  per-method metrics are off (each method-metric is a billed custom metric). Per area comes from the access log
  instead: a Logs Insights table by mount (each mount is one area's function), read only when the dashboard is
  viewed ($0.005 per GB scanned), never a metric.
- Cold starts: Lambda sends no metric for them (Lambda Insights or Powertools' ColdStart would be a billed
  metric per function); each area's Logs Insights table counts the REPORT lines with an Init Duration.
- Business numbers: the EMF metrics of functions/core/business.py, one per area, never per practice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from cdk_monitoring_constructs import (
    CustomMetricGroup,
    DashboardRenderingPreference,
    DefaultDashboardFactory,
    LatencyType,
    MonitoringFacade,
    SingleWidgetDashboardSegment,
)
from constructs import Construct

from functions.core.business import BUSINESS_METRICS, BusinessMetric
from infra.constructs.functions import METRICS_NAMESPACE
from infra.constructs.watch import dead_letter_queues

if TYPE_CHECKING:
    from infra.catalog import Catalog
    from infra.constructs.data import DataConstruct
    from infra.stacks.api import ApiStack
    from infra.stacks.service import ServiceStack

RANGE = Duration.days(1)  # today at a glance; the daily gauges are always inside it
BUSINESS_PERIOD = Duration.hours(1)
LOG_WIDGET_HEIGHT = 6
# the access log's fields: infra/constructs/api.py ACCESS_LOG_FORMAT, each a JSON string ("status": "404"): a
# pattern finds the 4xx and 5xx whether Logs Insights reads the status as text or a number
API_BY_MOUNT = """parse resourcePath /^\\/(?<mount>[^\\/]+)/
| stats count(*) as requests, pct(responseLatency, 90) as p90_ms, pct(responseLatency, 99) as p99_ms by mount
| sort requests desc"""
API_ERRORS_BY_MOUNT = """filter status like /^[45][0-9][0-9]$/
| parse resourcePath /^\\/(?<mount>[^\\/]+)/
| stats count(*) as answers by mount, status
| sort answers desc"""
COLD_STARTS = """filter @type = "REPORT" and ispresent(@initDuration)
| stats count(*) as cold_starts, avg(@initDuration) as avg_init_ms, max(@initDuration) as max_init_ms by @log
| sort cold_starts desc"""


@dataclass(frozen=True)
class WatchedFunction:
    name: str  # the catalogue's name
    area: str
    function: lambda_.IFunction
    log_group: logs.ILogGroup
    reads_stream: bool = False  # its iterator age (how far behind the table's stream) is worth a graph


class DashboardConstruct(Construct):
    """One dashboard, `practiceflow-<stage>`, in the order an operator asks: are requests answered, which area's
    functions fail, do workflows finish, is anything parked, is the table keeping up, how is the practice doing."""

    def __init__(self, scope: Construct, construct_id: str, *, stage: str, api: apigateway.IRestApi,
                 access_logs: logs.ILogGroup, functions: Sequence[WatchedFunction],
                 state_machines: Mapping[str, sfn.IStateMachine], queues: Mapping[str, sqs.IQueue],
                 table: dynamodb.ITable) -> None:
        super().__init__(scope, construct_id)
        self.name = f"practiceflow-{stage}"
        self.factory = DefaultDashboardFactory(
            self, "Dashboards", dashboard_name_prefix=self.name, create_dashboard=True,
            create_summary_dashboard=False, create_alarm_dashboard=False, detail_dashboard_range=RANGE,
            rendering_preference=DashboardRenderingPreference.INTERACTIVE_ONLY)
        self.facade = MonitoringFacade(self, "Facade", dashboard_factory=self.factory)
        self._api(stage, api, access_logs)
        self._functions(functions)
        self._workflows(state_machines)
        self._parked(queues)
        self._table(table)
        self._business()

    @property
    def dashboard(self) -> cloudwatch.Dashboard:
        return self.factory.created_dashboard()

    def _api(self, stage: str, api: apigateway.IRestApi, access_logs: logs.ILogGroup) -> None:
        self.facade.add_large_header("API")
        self.facade.monitor_api_gateway(api=api, api_stage=stage, human_readable_name="REST API (every route)",
                                        latency_types_to_render=[LatencyType.P50, LatencyType.P90, LatencyType.P99])
        self._log_table("Requests and latency by mount (access log)", API_BY_MOUNT, [access_logs])
        self._log_table("4xx and 5xx by mount (access log)", API_ERRORS_BY_MOUNT, [access_logs])

    def _functions(self, functions: Sequence[WatchedFunction]) -> None:
        self.facade.add_large_header("Functions by area")
        for area in sorted({f.area for f in functions}):
            in_area = [f for f in functions if f.area == area]
            self.facade.add_medium_header(area)
            for watched in in_area:
                self.facade.monitor_lambda_function(
                    lambda_function=watched.function, human_readable_name=watched.name,
                    alarm_friendly_name=watched.name, is_iterator=watched.reads_stream,
                    latency_types_to_render=[LatencyType.P50, LatencyType.P90, LatencyType.P99])
            self._log_table(f"{area}: cold starts by function (REPORT lines with an Init Duration)", COLD_STARTS,
                            [f.log_group for f in in_area])

    def _workflows(self, state_machines: Mapping[str, sfn.IStateMachine]) -> None:
        self.facade.add_large_header("Workflows")
        for name, machine in sorted(state_machines.items()):
            self.facade.monitor_step_function(state_machine=machine, human_readable_name=name,
                                              alarm_friendly_name=name)

    def _parked(self, queues: Mapping[str, sqs.IQueue]) -> None:
        self.facade.add_large_header("Dead-letter queues (parked failures)")
        for name, queue in sorted(queues.items()):
            self.facade.monitor_sqs_queue(queue=queue, human_readable_name=name, alarm_friendly_name=name)

    def _table(self, table: dynamodb.ITable) -> None:
        self.facade.add_large_header("Table")
        self.facade.monitor_dynamo_table(table=table, billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
                                         human_readable_name="PracticeFlow table", alarm_friendly_name="table")

    def _business(self) -> None:
        self.facade.add_large_header("The practice (all practices of the stage together)")
        counters = [m for m in BUSINESS_METRICS if not m.gauge]
        gauges = [m for m in BUSINESS_METRICS if m.gauge]
        self.facade.monitor_custom(
            human_readable_name="Business numbers", alarm_friendly_name="business",
            description="Counted as they happen (hourly sums) and measured by the daily jobs (levels)",
            metric_groups=[
                CustomMetricGroup(title="Appointments, reminders, purchase orders (per hour)",
                                  metrics=[business_metric(m) for m in counters if m.area != "billing"]),
                CustomMetricGroup(title="Claims (per hour)",
                                  metrics=[business_metric(m) for m in counters if m.area == "billing"]),
                *(CustomMetricGroup(title=m.label, metrics=[business_metric(m)]) for m in gauges),
            ])

    def _log_table(self, title: str, query: str, groups: Sequence[logs.ILogGroup]) -> None:
        widget = cloudwatch.LogQueryWidget(
            title=title, log_group_names=[g.log_group_name for g in groups], query_string=query,
            view=cloudwatch.LogQueryVisualizationType.TABLE, width=24, height=LOG_WIDGET_HEIGHT)
        self.facade.add_segment(SingleWidgetDashboardSegment(widget))


def business_metric(metric: BusinessMetric) -> cloudwatch.Metric:
    """How the dashboard reads one business metric: sums of a counter, the highest level of a gauge."""
    return cloudwatch.Metric(namespace=METRICS_NAMESPACE, metric_name=metric.name,
                             dimensions_map={"service": metric.area}, label=metric.label, period=BUSINESS_PERIOD,
                             statistic="Maximum" if metric.gauge else "Sum")


def stage_dashboard(scope: Construct, construct_id: str, *, stage: str, catalog: Catalog, data: DataConstruct,
                    service: ServiceStack, api: ApiStack) -> DashboardConstruct:
    """The dashboard of everything the service and API stacks run (the monitoring stack's one call)."""
    queues = dead_letter_queues(service.functions, service.workflows)  # the ones the watcher reads
    functions = [WatchedFunction(name, catalog.function(name).area, built.function, built.log_group,
                                 reads_stream=bool(catalog.function(name).stream_kinds))
                 for name, built in service.functions.functions.items()]
    return DashboardConstruct(scope, construct_id, stage=stage, api=api.api.api,
                              access_logs=api.api.access_logs, functions=functions,
                              state_machines=service.workflows.state_machines, queues=queues, table=data.table)
