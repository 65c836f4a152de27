"""Alarms that tell a person something is wrong, sent to one encrypted SNS topic that the stage's operators are
subscribed to (infra/options.py: email addresses, a chat webhook): function errors and throttles, parked failures
(every dead-letter queue), API errors and latency, table throttling and errors, outbox lag, failed workflows,
rule and schedule targets EventBridge could not invoke, a scheduled job that did not run, a broken audit chain,
email bounce and complaint rates, SMS spend, and messages that failed or that a provider refused to send."""

from __future__ import annotations

import math

from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.constructs import pascal
from infra.constructs.functions import METRICS_NAMESPACE
from infra.options import StageOptions

PERIOD = Duration.minutes(5)
DAY = Duration.days(1)  # business metrics a daily job or a slow workflow publishes
API_5XX_PER_PERIOD = 5
API_P99_LATENCY_MS = 3_000
HOUR = Duration.hours(1)
# The outbox publisher normally reads a new item within a second; five minutes behind, notifications and
# workflows are waiting on it.
OUTBOX_LAG_MS = 5 * 60 * 1000
# SES puts an account under review at a 5% bounce or 0.1% complaint rate (and pauses sending at 10% / 0.5%).
SES_BOUNCE_RATE = 0.05
SES_COMPLAINT_RATE = 0.001
# A rejected address fails one message and is routine; this many in an hour is not.
FAILED_NOTIFICATIONS_PER_HOUR = 5
TABLE_OPERATIONS = (
    dynamodb.Operation.GET_ITEM, dynamodb.Operation.QUERY, dynamodb.Operation.BATCH_GET_ITEM,
    dynamodb.Operation.PUT_ITEM, dynamodb.Operation.UPDATE_ITEM, dynamodb.Operation.DELETE_ITEM,
    dynamodb.Operation.TRANSACT_WRITE_ITEMS, dynamodb.Operation.TRANSACT_GET_ITEMS,
)


class MonitoringConstruct(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, stage: str, ops_key: kms.IKey,
                 options: StageOptions | None = None) -> None:
        super().__init__(scope, construct_id)
        self.stage = stage
        self.topic = sns.Topic(
            self, "Alarms", topic_name=f"practiceflow-{stage}-alarms", display_name=f"PracticeFlow {stage} alarms",
            master_key=ops_key, enforce_ssl=True,
        )
        options = options or StageOptions()
        # each address confirms its subscription from the email SNS sends it; the webhook must answer SNS's
        # SubscriptionConfirmation (a chat service's SNS integration, or a relay, does)
        for email in options.alarm_emails:
            self.topic.add_subscription(subscriptions.EmailSubscription(email))
        if options.alarm_webhook:
            self.topic.add_subscription(subscriptions.UrlSubscription(
                options.alarm_webhook, protocol=sns.SubscriptionProtocol.HTTPS))
        self._action = actions.SnsAction(self.topic)
        self.alarms: dict[str, cloudwatch.Alarm] = {}

    def alarm(self, name: str, metric: cloudwatch.IMetric, description: str, *, threshold: float = 1,
              periods: int = 1, below: bool = False,
              missing: cloudwatch.TreatMissingData = cloudwatch.TreatMissingData.NOT_BREACHING) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            self, pascal(name),
            alarm_name=f"practiceflow-{self.stage}-{name}",
            alarm_description=description,
            metric=metric,
            threshold=threshold,
            evaluation_periods=periods,
            datapoints_to_alarm=periods,
            comparison_operator=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD if below
            else cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=missing,
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

    def watch_outbox_lag(self, name: str, function: lambda_.IFunction) -> None:
        self.alarm(f"{name}-lag", function.metric("IteratorAge", period=PERIOD, statistic="Maximum"),
                   f"{name} is more than {OUTBOX_LAG_MS // 60_000} minutes behind the table stream: events "
                   "(messages, workflows) wait", threshold=OUTBOX_LAG_MS, periods=2)

    def watch_rule_target(self, rule_name: str, bus_name: str | None) -> None:
        """`rule_name` is the rule's physical name; `bus_name` None for a schedule (the default bus)."""
        dimensions = {"RuleName": rule_name, **({"EventBusName": bus_name} if bus_name else {})}
        short = rule_name.removeprefix(f"practiceflow-{self.stage}-")
        self.alarm(f"{short}-not-delivered", cloudwatch.Metric(
            namespace="AWS/Events", metric_name="FailedInvocations", dimensions_map=dimensions, period=PERIOD,
            statistic="Sum"), f"EventBridge could not invoke {short}'s target after its retries (see its "
                              "dead-letter queue)")

    def watch_job_heartbeat(self, area: str, job: str, every: Duration) -> None:
        """A scheduled job that did not finish a run within its interval and two hours' grace: the schedule is
        off, its target broken, or every run failed. Missing data is the alarm, so no run means no `OK`."""
        hours = max(2, math.ceil(every.to_minutes() / 60) + 2)
        metric = cloudwatch.Metric(namespace=METRICS_NAMESPACE, metric_name="JobSucceeded",
                                   dimensions_map={"service": area, "job": job}, period=HOUR, statistic="Sum")
        self.alarm(f"{job.replace('_', '-')}-did-not-run", metric,
                   f"{job} has not finished a run for {hours} hours (it runs every {every.to_human_string()})",
                   below=True, periods=hours, missing=cloudwatch.TreatMissingData.BREACHING)

    def watch_email_reputation(self) -> None:
        """Account-wide rates: what SES reviews and pauses an account on."""
        for what, metric, threshold in (("bounce", "Reputation.BounceRate", SES_BOUNCE_RATE),
                                        ("complaint", "Reputation.ComplaintRate", SES_COMPLAINT_RATE)):
            self.alarm(f"email-{what}-rate", cloudwatch.Metric(namespace="AWS/SES", metric_name=metric, period=HOUR,
                                                              statistic="Maximum"),
                       f"The SES {what} rate reached {threshold:.1%}: SES reviews the account, then stops sending",
                       threshold=threshold)

    def watch_sms_spend(self, usd: float) -> None:
        self.alarm("sms-spend", cloudwatch.Metric(namespace="AWS/SNS", metric_name="SMSMonthToDateSpentUSD",
                                                  period=HOUR, statistic="Maximum"),
                   f"SMS spend this month passed ${usd:g} (SNS stops sending at the account's spend limit)",
                   threshold=usd)

    def watch_notification_failures(self) -> None:
        self.alarm("notifications-failed",
                   self._area_metric("notifications", "NotificationsFailed", "Sum", HOUR),
                   f"{FAILED_NOTIFICATIONS_PER_HOUR} or more messages ended failed within an hour: patients and "
                   "staff are not being told", threshold=FAILED_NOTIFICATIONS_PER_HOUR)

    def watch_api(self, api: apigateway.Stage) -> None:
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
