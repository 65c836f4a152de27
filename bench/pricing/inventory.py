"""What the synthesized templates hold that costs money: every resource type is either priced (the model
reads its settings into an `Inventory`) or free (with the reason), so a new billable type cannot slip in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# Types the model prices, and from what.
PRICED = {
    "AWS::Lambda::Function": "requests and GB-s (INIT included) by memory and architecture; X-Ray when Active",
    "AWS::ApiGateway::RestApi": "REST requests",
    "AWS::ApiGateway::Stage": "per-method metrics when MetricsEnabled; access logs; X-Ray when TracingEnabled",
    "AWS::DynamoDB::Table": "on-demand reads and writes (index writes included), storage, PITR",
    "AWS::Backup::BackupPlan": "a full copy of the table per backup, kept for each rule's retention",
    "AWS::StepFunctions::StateMachine": "standard-workflow state transitions; vended logs at its logging level",
    "AWS::Events::EventBus": "custom events published (the outbox)",
    "AWS::SQS::Queue": "requests (dead-letter queues: only when something parks)",
    "AWS::SNS::Topic": "publishes (alarms, SES feedback, SMS replies)",
    "AWS::SES::ConfigurationSet": "emails sent (carriage)",
    "AWS::KMS::Key": "key-months (and rotations), requests",
    "AWS::SecretsManager::Secret": "secret-months and calls",
    "AWS::Logs::LogGroup": "ingestion and storage for its retention",
    "AWS::CloudWatch::Alarm": "alarm metrics (a metric-math alarm pays for each metric it reads)",
    "AWS::CloudWatch::CompositeAlarm": "composite alarm-months",
    "AWS::CloudWatch::Dashboard": "dashboard-months",
    "AWS::Cognito::UserPool": "monthly active users at the pool's feature plan",
    "AWS::S3::Bucket": "storage and PUT requests",
    "AWS::WAFv2::WebACL": "web ACL, rules and requests (outside the issue's $10 target)",
}

# Types with no charge of their own, and why.
FREE = {
    "AWS::IAM::Role": "IAM has no charge",
    "AWS::IAM::ManagedPolicy": "IAM has no charge",
    "AWS::IAM::Policy": "IAM has no charge",
    "AWS::Lambda::Permission": "a resource policy statement",
    "AWS::Lambda::EventSourceMapping": "Lambda reading a DynamoDB stream is free; its invocations are priced",
    "AWS::Lambda::LayerVersion": "code storage within Lambda's free 75 GB",
    "AWS::ApiGateway::Account": "the account's CloudWatch role setting",
    "AWS::ApiGateway::Authorizer": "Cognito authorizers have no charge; requests are priced under the RestApi",
    "AWS::ApiGateway::Deployment": "a snapshot of the API",
    "AWS::ApiGateway::Method": "configuration; requests are priced under the RestApi, its metrics under the Stage",
    "AWS::ApiGateway::Resource": "configuration",
    "AWS::ApiGateway::RequestValidator": "configuration",
    "AWS::Cognito::UserPoolClient": "configuration; users are priced under the UserPool",
    "AWS::Cognito::UserPoolGroup": "configuration",
    "AWS::Events::Rule": "rules, schedules and deliveries to AWS targets are free; published events are priced (bus)",
    "AWS::SNS::Subscription": "deliveries to Lambda have no charge",
    "AWS::SNS::TopicPolicy": "a resource policy",
    "AWS::SQS::QueuePolicy": "a resource policy",
    "AWS::SES::ConfigurationSetEventDestination": "the events it sends are SNS publishes, priced under the topic",
    "AWS::KMS::Alias": "aliases have no charge",
    "AWS::Backup::BackupVault": "the vault has no charge; its recovery points are priced under the plan",
    "AWS::WAFv2::LoggingConfiguration": "only blocked requests are logged, priced under their log group",
    "AWS::Backup::BackupSelection": "configuration of the plan",
    "AWS::S3::BucketPolicy": "a resource policy",
    "AWS::Logs::ResourcePolicy": "a resource policy",
    "AWS::Logs::MetricFilter": "the filter is free; a metric it publishes is a custom metric (count it in the profile)",
    "AWS::WAFv2::WebACLAssociation": "the association has no charge",
    "AWS::CDK::Metadata": "CDK bookkeeping, not deployed as a resource",
    "AWS::XRay::SamplingRule": "configuration; the traces it lets through are priced under the functions and the stage",
    "AWS::Lambda::EventInvokeConfig": "retry and destination settings; what lands in a queue is priced there",
    "AWS::Lambda::Version": "a published version of a priced function",
    "AWS::Lambda::Alias": "a name for a version",
    "AWS::Cognito::UserPoolDomain": "the hosted sign-in domain has no charge of its own",
    "AWS::Cognito::UserPoolResourceServer": "configuration",
    "AWS::SES::EmailIdentity": "identities have no charge; sending is priced under the configuration set",
    "AWS::ApiGateway::GatewayResponse": "configuration",
    "AWS::ApiGateway::Model": "configuration",
    "AWS::Logs::SubscriptionFilter": "the filter is free; its destination is priced where it lands",
    "AWS::SSM::Parameter": "standard parameters have no charge",
}


def resource_types(templates: dict[str, dict]) -> set[str]:
    return {r["Type"] for t in templates.values() for r in t.get("Resources", {}).values()}


def unpriced(templates: dict[str, dict]) -> set[str]:
    """Resource types in the templates the model neither prices nor lists as free: each is a gap in the model."""
    return {t for t in resource_types(templates) if t not in PRICED and t not in FREE and not t.startswith("Custom::")}


@dataclass(frozen=True)
class Function:
    logical_id: str
    handler: str  # "functions.billing.tasks.handler"
    memory_mb: int
    arm: bool
    traced: bool

    @property
    def module(self) -> str:
        return self.handler.rsplit(".", 1)[0]

    @property
    def kind(self) -> str:
        """api, tasks, jobs, worker (anything else a message or stream consumer)."""
        last = self.module.rsplit(".", 1)[-1]
        return {"handler": "api", "tasks": "tasks", "jobs": "jobs"}.get(last, "worker")

    @property
    def area(self) -> str:
        return self.module.split(".")[1]


@dataclass(frozen=True)
class Index:
    name: str
    projection: str


@dataclass(frozen=True)
class BackupRule:
    name: str
    runs_per_month: float
    keep_days: float
    cold_after_days: float | None


@dataclass(frozen=True)
class SamplingRule:
    service_name: str  # a pattern (* and ?) on the name a service gives itself in segments
    fixed_rate: float
    reservoir_size: int
    priority: int


@dataclass
class Inventory:
    """The priced settings of the templates; counts come straight from them."""
    functions: list[Function] = field(default_factory=list)
    rest_apis: int = 0
    api_name: str = ""
    stage_name: str = ""
    methods: int = 0
    detailed_metrics: bool = False
    stage_traced: bool = False
    access_logged: bool = False
    tables: int = 0
    indexes: list[Index] = field(default_factory=list)
    pitr: bool = False
    backup_rules: list[BackupRule] = field(default_factory=list)
    state_machines: dict[str, str] = field(default_factory=dict)  # name -> logging level
    buses: int = 0
    queues: int = 0
    topics: int = 0
    ses_configuration_sets: int = 0
    kms_keys: int = 0
    secrets: int = 0
    log_groups: dict[str, int | None] = field(default_factory=dict)  # logical id -> retention days (None: never)
    alarm_metrics: int = 0
    high_resolution_alarm_metrics: int = 0
    composite_alarms: int = 0
    dashboards: int = 0
    user_pool_plans: list[str] = field(default_factory=list)
    buckets: int = 0
    web_acls: int = 0
    web_acl_rules: int = 0
    schedules: list[tuple[str, float, str]] = field(default_factory=list)  # (job or target, runs a month, target id)
    sampling_rules: list[SamplingRule] = field(default_factory=list)
    types: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, templates: dict[str, dict]) -> Inventory:
        inventory = cls(types=resource_types(templates))
        for template in templates.values():
            for logical_id, resource in template.get("Resources", {}).items():
                inventory._add(logical_id, resource["Type"], resource.get("Properties", {}))
        return inventory

    def _add(self, logical_id: str, kind: str, p: dict[str, Any]) -> None:  # noqa: C901 - one branch per type
        if kind == "AWS::Lambda::Function":
            self.functions.append(Function(logical_id, p["Handler"], int(p.get("MemorySize", 128)),
                                           p.get("Architectures", ["x86_64"]) == ["arm64"],
                                           p.get("TracingConfig", {}).get("Mode") == "Active"))
        elif kind == "AWS::ApiGateway::RestApi":
            self.rest_apis += 1
            self.api_name = p.get("Name", logical_id)
        elif kind == "AWS::ApiGateway::Method":
            self.methods += p.get("HttpMethod") != "OPTIONS"
        elif kind == "AWS::ApiGateway::Stage":
            self.detailed_metrics |= any(s.get("MetricsEnabled") for s in p.get("MethodSettings", []))
            self.stage_traced |= bool(p.get("TracingEnabled"))
            self.access_logged |= "AccessLogSetting" in p
            self.stage_name = p.get("StageName", "")
        elif kind == "AWS::DynamoDB::Table":
            self.tables += 1
            self.indexes += [Index(i["IndexName"], i["Projection"]["ProjectionType"])
                             for i in p.get("GlobalSecondaryIndexes", [])]
            self.pitr |= bool(p.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled"))
        elif kind == "AWS::Backup::BackupPlan":
            for rule in p["BackupPlan"]["BackupPlanRule"]:
                life = rule.get("Lifecycle", {})
                self.backup_rules.append(BackupRule(rule["RuleName"], runs_per_month(rule["ScheduleExpression"]),
                                                    float(life.get("DeleteAfterDays", 36500)),
                                                    life.get("MoveToColdStorageAfterDays")))
        elif kind == "AWS::StepFunctions::StateMachine":
            name = p.get("StateMachineName") or logical_id
            self.state_machines[name] = p.get("LoggingConfiguration", {}).get("Level", "OFF")
        elif kind == "AWS::Events::EventBus":
            self.buses += 1
        elif kind == "AWS::Events::Rule" and "ScheduleExpression" in p:
            for target in p.get("Targets", []):
                self.schedules.append((p.get("Name") or logical_id, runs_per_month(p["ScheduleExpression"]),
                                       _target_id(target.get("Arn"))))
        elif kind == "AWS::SQS::Queue":
            self.queues += 1
        elif kind == "AWS::SNS::Topic":
            self.topics += 1
        elif kind == "AWS::SES::ConfigurationSet":
            self.ses_configuration_sets += 1
        elif kind == "AWS::KMS::Key":
            self.kms_keys += 1
        elif kind == "AWS::SecretsManager::Secret":
            self.secrets += 1
        elif kind == "AWS::Logs::LogGroup":
            self.log_groups[logical_id] = p.get("RetentionInDays")
        elif kind == "AWS::CloudWatch::Alarm":
            metrics = sum(1 for m in p["Metrics"] if "MetricStat" in m) if "Metrics" in p else 1
            if int(p.get("Period", 60) or 60) < 60:
                self.high_resolution_alarm_metrics += metrics
            else:
                self.alarm_metrics += metrics
        elif kind == "AWS::CloudWatch::CompositeAlarm":
            self.composite_alarms += 1
        elif kind == "AWS::CloudWatch::Dashboard":
            self.dashboards += 1
        elif kind == "AWS::Cognito::UserPool":
            self.user_pool_plans.append(str(p.get("UserPoolTier", "ESSENTIALS")).upper())
        elif kind == "AWS::S3::Bucket":
            self.buckets += 1
        elif kind == "AWS::XRay::SamplingRule":
            rule = p["SamplingRule"]
            self.sampling_rules.append(SamplingRule(rule["ServiceName"], float(rule["FixedRate"]),
                                                    int(rule["ReservoirSize"]), int(rule["Priority"])))
        elif kind == "AWS::WAFv2::WebACL":
            self.web_acls += 1
            self.web_acl_rules += len(p.get("Rules", []))


def _target_id(arn: Any) -> str:
    if isinstance(arn, dict):
        if "Ref" in arn:
            return arn["Ref"]
        if "Fn::GetAtt" in arn:
            return arn["Fn::GetAtt"][0]
    return str(arn)


DAYS_PER_MONTH = 30.42
HOURS_PER_MONTH = 730.0
_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")


def runs_per_month(expression: str) -> float:
    """How often an EventBridge/Backup schedule fires in an average month: rate(...) or a six-field cron(...)."""
    rate = _RATE.match(expression)
    if rate:
        every = int(rate.group(1)) * {"minute": 1, "hour": 60, "day": 1440}[rate.group(2).rstrip("s")]
        return HOURS_PER_MONTH * 60 / every
    fields = expression.removeprefix("cron(").removesuffix(")").split()
    if len(fields) != 6:
        raise ValueError(f"not a schedule expression: {expression!r}")
    minutes, hours, day_of_month, _month, day_of_week, _year = fields
    per_day = _count(minutes, 60) * _count(hours, 24)
    if day_of_month not in ("*", "?"):
        return per_day * _count(day_of_month, 31)
    if day_of_week not in ("*", "?"):
        return per_day * _count(day_of_week, 7) * DAYS_PER_MONTH / 7
    return per_day * DAYS_PER_MONTH


def _count(field_value: str, size: int) -> int:
    if field_value in ("*", "?"):
        return size
    total = 0
    for part in field_value.split(","):
        if "/" in part:
            start, step = part.split("/")
            first = 0 if start in ("*", "") else int(start) if start.isdigit() else 0
            total += len(range(first, size, int(step)))
        elif "-" in part and all(x.isdigit() for x in part.split("-")):
            low, high = (int(x) for x in part.split("-"))
            total += high - low + 1
        else:
            total += 1
    return total
