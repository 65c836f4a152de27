"""Alarms that tell a person something is wrong, sent to one encrypted SNS topic: function errors and
throttles, parked failures, API errors and latency, table throttling and errors, failed workflows, a
broken audit chain, and messages the email or SMS provider refused to send."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.constructs import pascal
from infra.constructs.functions import METRICS_NAMESPACE

PERIOD = Duration.minutes(5)
DAY = Duration.days(1)  # business metrics a daily job or a slow workflow publishes
API_5XX_PER_PERIOD = 5
API_P99_LATENCY_MS = 3_000
TABLE_OPERATIONS = (
    dynamodb.Operation.GET_ITEM, dynamodb.Operation.QUERY, dynamodb.Operation.BATCH_GET_ITEM,
    dynamodb.Operation.PUT_ITEM, dynamodb.Operation.UPDATE_ITEM, dynamodb.Operation.DELETE_ITEM,
    dynamodb.Operation.TRANSACT_WRITE_ITEMS, dynamodb.Operation.TRANSACT_GET_ITEMS,
)


class MonitoringConstruct(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, stage: str, ops_key: kms.IKey) -> None:
        super().__init__(scope, construct_id)
        self.stage = stage
        self.topic = sns.Topic(
            self, "Alarms", topic_name=f"practiceflow-{stage}-alarms", display_name=f"PracticeFlow {stage} alarms",
            master_key=ops_key, enforce_ssl=True,
        )
        self._action = actions.SnsAction(self.topic)
        self.alarms: dict[str, cloudwatch.Alarm] = {}

    def alarm(self, name: str, metric: cloudwatch.IMetric, description: str, *, threshold: float = 1,
              periods: int = 1) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            self, pascal(name),
            alarm_name=f"practiceflow-{self.stage}-{name}",
            alarm_description=description,
            metric=metric,
            threshold=threshold,
            evaluation_periods=periods,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(self._action)
        alarm.add_ok_action(self._action)
        self.alarms[name] = alarm
        return alarm

    def watch_function(self, name: str, function: lambda_.IFunction) -> None:
        self.alarm(f"{name}-errors", function.metric_errors(period=PERIOD, statistic="Sum"),
                   f"{name} raised errors")
        self.alarm(f"{name}-throttles", function.metric_throttles(period=PERIOD, statistic="Sum"),
                   f"{name} was throttled")

    def watch_queue(self, name: str, queue: sqs.IQueue, what: str) -> None:
        self.alarm(f"{name}-parked", queue.metric_approximate_number_of_messages_visible(
            period=PERIOD, statistic="Maximum"), f"{what} are waiting on {name}'s queue")

    def watch_api(self, api: apigateway.RestApi) -> None:
        self.alarm("api-5xx", api.metric_server_error(period=PERIOD, statistic="Sum"),
                   "The API answered with server errors", threshold=API_5XX_PER_PERIOD)
        self.alarm("api-latency-p99", api.metric_latency(period=PERIOD, statistic="p99"),
                   "The API's p99 latency is high", threshold=API_P99_LATENCY_MS, periods=3)

    def watch_table(self, table: dynamodb.ITable) -> None:
        throttles = cloudwatch.MathExpression(
            expression="reads + writes", label="Throttle events", period=PERIOD,
            using_metrics={
                "reads": table.metric("ReadThrottleEvents", period=PERIOD, statistic="Sum"),
                "writes": table.metric("WriteThrottleEvents", period=PERIOD, statistic="Sum"),
            },
        )
        self.alarm("table-throttles", throttles, "The table throttled reads or writes")
        self.alarm("table-system-errors", table.metric_system_errors_for_operations(
            operations=list(TABLE_OPERATIONS), period=PERIOD), "DynamoDB returned system errors (HTTP 500)")

    def watch_state_machine(self, name: str, machine: sfn.IStateMachine) -> None:
        self.alarm(f"{name}-failed", machine.metric_failed(period=PERIOD, statistic="Sum"),
                   f"Executions of {name} failed")
        self.alarm(f"{name}-timed-out", machine.metric_timed_out(period=PERIOD, statistic="Sum"),
                   f"Executions of {name} timed out")

    def watch_audit_chains(self) -> None:
        self.alarm("audit-chain-broken", self._area_metric("compliance", "AuditChainsBroken", "Maximum"),
                   "An audit chain failed verification: investigate tampering")

    def watch_timely_filing(self) -> None:
        self.alarm("timely-filing-missed", self._area_metric("billing", "TimelyFilingMissed", "Sum"),
                   "A claim reached its payer's timely-filing deadline unanswered: it may no longer be paid")

    def watch_leave_decisions(self) -> None:
        self.alarm("leave-decision-overdue", self._area_metric("staff", "LeaveDecisionOverdue", "Sum"),
                   "A leave request outlived its manager's and coordinator's time: it waits, unapproved, for someone")

    def watch_provider_refusals(self) -> None:
        self.alarm("notifications-refused-by-provider",
                   self._area_metric("notifications", "NotificationsRefusedByProvider", "Sum", PERIOD),
                   "SES or SNS refused to send (access denied, an unverified sender, a missing configuration set): "
                   "the message failed for good, and every other is likely to fail alike")

    @staticmethod
    def _area_metric(area: str, name: str, statistic: str, period: Duration = DAY) -> cloudwatch.Metric:
        """A business metric an area publishes as EMF, under its Powertools service name."""
        return cloudwatch.Metric(namespace=METRICS_NAMESPACE, metric_name=name, dimensions_map={"service": area},
                                 period=period, statistic=statistic)
