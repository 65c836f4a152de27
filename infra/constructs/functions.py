"""The catalogue's Lambda functions: one function, role, log group (and dead-letter queue where it is
invoked asynchronously) per entry, and the table-stream subscriptions of the stream consumers."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from aws_cdk import Aws, Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from functions.core.settings import state_machine_arn_variable
from functions.core.tenancy import TAG
from infra import iam as access_policy
from infra import nag
from infra.catalog import TABLE_ACCESS, Access, Catalog, Function
from infra.constructs import RETAINED, pascal
from infra.packaging import ARCHITECTURE

RUNTIME = lambda_.Runtime.PYTHON_3_12
ARCHITECTURES = {"arm64": lambda_.Architecture.ARM_64, "x86_64": lambda_.Architecture.X86_64}
LOG_RETENTION = logs.RetentionDays.ONE_YEAR
METRICS_NAMESPACE = "PracticeFlow"
# Stream consumers: retry a failing batch (halving it each time) before parking it on the failure queue.
STREAM_RETRY_ATTEMPTS = 10
STREAM_BATCH_SIZE = 100


def function_name(stage: str, function: Function) -> str:
    return f"practiceflow-{stage}-{function.name}"


def encrypted_queue(scope: Construct, construct_id: str, key: kms.IKey) -> sqs.Queue:
    """A queue for what failed: encrypted, TLS only, kept 14 days (SQS's maximum) for a person to look at."""
    return sqs.Queue(
        scope, construct_id,
        encryption=sqs.QueueEncryption.KMS, encryption_master_key=key, enforce_ssl=True,
        retention_period=Duration.days(14),
    )


@dataclass(frozen=True)
class Shared:
    """What every function of a stage gets: code, dependency layer, environment, data ARNs, ops key."""

    stage: str
    code: lambda_.Code
    layer: lambda_.ILayerVersion
    environment: dict[str, str]
    data: access_policy.DataResources
    ops_key: kms.IKey
    state_machine_arns: dict[str, str] = field(default_factory=dict)  # catalogue name -> ARN


class CatalogFunction(Construct):
    """One catalogue Function: its Lambda function, its own role (the catalogue's access, nothing more),
    its encrypted log group (its logging config points there), and a dead-letter queue when something invokes
    it asynchronously."""

    def __init__(self, scope: Construct, construct_id: str, *, spec: Function, shared: Shared,
                 dead_letter_queue: sqs.IQueue | None) -> None:
        super().__init__(scope, construct_id)
        self.spec = spec
        self._stage = shared.stage
        name = function_name(shared.stage, spec)
        # CloudFormation names the group (a fixed /aws/lambda/<name> would block a retried first deploy); the
        # function's logging config sends its logs here, not to a group Lambda would make unencrypted
        self.log_group = logs.LogGroup(
            self, "Logs",
            retention=LOG_RETENTION,
            encryption_key=shared.ops_key,
            removal_policy=RETAINED,
        )
        self._role = iam.Role(
            self, "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{name}: {', '.join(sorted(spec.access))}",
        )
        data = replace(shared.data, state_machine_arns=tuple(shared.state_machine_arns[m] for m in spec.state_machines))
        self.tenant_role = None
        if spec.tenant_scoped:
            self.tenant_role = TenantRole(self, "Tenant", name=name, spec=spec, data=data, trusted=self._role)
        # Every permission lives in this one customer-managed policy, written out here; the role handed to
        # the function ignores the CDK's own grants (tracing, DLQ), which would add wildcard actions.
        self.policy = iam.ManagedPolicy(
            self, "Policy",
            description=f"{name}: catalogue access {', '.join(sorted(spec.access)) or 'none'}; logs, tracing",
            statements=[
                iam.PolicyStatement(sid="WriteOwnLogs", actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                                    resources=[self.log_group.log_group_arn]),
                iam.PolicyStatement(sid="Tracing", actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
                                    resources=["*"]),
                *access_policy.statements(spec.access, data,
                                          self.tenant_role.arn_by_name if self.tenant_role else None),
            ],
        )
        self._role.add_managed_policy(self.policy)
        self.role = self._role.without_policy_updates()
        self._ops_key = shared.ops_key

        invoked_async = dead_letter_queue is not None
        self.dead_letter_queue = dead_letter_queue
        if dead_letter_queue is not None:
            self.allow_send(dead_letter_queue, "DeadLetters")
        self.function = lambda_.Function(
            self, "Function",
            function_name=name,
            description=spec.description,
            runtime=RUNTIME,
            architecture=ARCHITECTURES[ARCHITECTURE],
            handler=spec.handler,
            code=shared.code,
            layers=[shared.layer],
            memory_size=spec.memory_mb,
            timeout=Duration.seconds(spec.timeout_s),
            environment={**shared.environment, "POWERTOOLS_SERVICE_NAME": spec.area,
                         **{state_machine_arn_variable(m): shared.state_machine_arns[m] for m in spec.state_machines},
                         **({"TENANT_ROLE_ARN": self.tenant_role.role.role_arn} if self.tenant_role else {})},
            tracing=lambda_.Tracing.ACTIVE,
            log_group=self.log_group,
            role=self.role,
            reserved_concurrent_executions=spec.reserved_concurrency,
            dead_letter_queue=self.dead_letter_queue,
        )
        self._acknowledge(invoked_async)

    def allow_send(self, queue: sqs.IQueue, sid: str) -> None:
        """Let the function (or Lambda on its behalf) park a failure on `queue`, encrypted with the ops key."""
        self.policy.add_statements(
            iam.PolicyStatement(sid=f"Send{sid}", actions=["sqs:SendMessage"], resources=[queue.queue_arn]),
            iam.PolicyStatement(sid=f"Encrypt{sid}", actions=["kms:GenerateDataKey", "kms:Decrypt"],
                                resources=[self._ops_key.key_arn], conditions=_via_sqs()),
        )

    def _acknowledge(self, invoked_async: bool) -> None:
        reason = nag.XRAY_WILDCARD
        if Access.TABLE_STREAM in self.spec.access:
            reason += " dynamodb:ListStreams likewise has no resource-level permission."
        if Access.STATES_CALLBACK in self.spec.access:
            reason += " states:SendTask* (resuming a workflow by task token) has no resource-level permission."
        if Access.SMS_SEND in self.spec.access:
            reason += (" SMS is published to phone numbers, which have no ARN; a Deny statement in the same "
                       "policy stops sns:Publish to any topic or endpoint.")
        nag.acknowledge(self.policy, "AwsSolutions-IAM5[Resource::*]", reason)
        if Access.STATES_STOP in self.spec.access:
            for machine in self.spec.state_machines:
                nag.acknowledge(
                    self.policy, "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:"
                                 f"<AWS::AccountId>:execution:practiceflow-{self._stage}-{machine}:*]",
                    "states:StopExecution names an execution, whose name is known only at run time: every "
                    "execution of the one state machine the catalogue lets this function stop.")
        if Access.EVIDENCE_FILES in self.spec.access:
            nag.acknowledge(
                self.policy, "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::practiceflow-"
                             f"{self._stage}-evidence-<AWS::AccountId>-*/practices/*]",
                "Certificates are uploaded under keys made at run time (practice, assignment, upload id); the "
                "function may put and read objects under practices/ of the evidence bucket (named by its prefix and a "
                "stack id, held to this account by s3:ResourceAccount), nothing else.")
        if Access.AUDIT_ARCHIVE in self.spec.access:
            nag.acknowledge(
                self.policy, "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::practiceflow-"
                             f"{self._stage}-audit-archive-<AWS::AccountId>-*/practices/*]",
                "The archive's keys are made at run time (practice, day, part); the function may put and read "
                "objects under practices/ of the audit archive (named by its prefix and a stack id, held to this "
                "account by s3:ResourceAccount), nothing else; the bucket's Object Lock keeps what it puts.")
        nag.acknowledge(self.function, "AwsSolutions-L1", nag.LAMBDA_RUNTIME)
        nag.acknowledge(self.function, "HIPAA.Security-LambdaInsideVPC", nag.LAMBDA_NO_VPC)
        if self.spec.reserved_concurrency is None:
            nag.acknowledge(self.function, "HIPAA.Security-LambdaConcurrency", nag.LAMBDA_CONCURRENCY)
        if not invoked_async:
            how = ("its table-stream subscription parks failed batches on an encrypted on-failure queue"
                   if self.spec.stream_kinds else "API Gateway invokes it synchronously and returns the error")
            nag.acknowledge(self.function, "HIPAA.Security-LambdaDLQ",
                            f"A function DLQ applies to asynchronous invocations only; {how}.")


class TenantRole(Construct):
    """The role an API function assumes for each request, tagged with the caller's practice: the function's
    table access, confined to that practice's partition keys (infra/iam.py tenant_statements).

    One per API function rather than one shared: each holds exactly its function's catalogue table access and
    trusts only that function's role, so a compromised function cannot borrow another's. The role has a
    fixed name so the function's own policy can name it without a reference cycle (the trust policy refers
    to the function's role, which refers to its policy)."""

    def __init__(self, scope: Construct, construct_id: str, *, name: str, spec: Function,
                 data: access_policy.DataResources, trusted: iam.IRole) -> None:
        super().__init__(scope, construct_id)
        role_name = f"{name}-tenant"
        self.arn_by_name = Stack.of(self).format_arn(service="iam", region="", resource="role",
                                                     resource_name=role_name)
        # only the function's role, and only with exactly one tag, the practice: an untagged session has no
        # ${aws:PrincipalTag/practice_id} and so reaches nothing, but it is refused at the door all the same
        principal = iam.ArnPrincipal(trusted.role_arn).with_conditions({
            "StringLike": {f"aws:RequestTag/{TAG}": "?*"},
            "ForAllValues:StringEquals": {"aws:TagKeys": [TAG]},
        }).with_session_tags()
        self.policy = iam.ManagedPolicy(
            self, "Policy",
            description=f"{role_name}: {', '.join(sorted(spec.access & TABLE_ACCESS))} on the tagged practice's keys",
            statements=access_policy.tenant_statements(spec.access, data),
        )
        self.role = iam.Role(
            self, "Role", role_name=role_name, assumed_by=principal, managed_policies=[self.policy],
            description=f"{name} per request: the table, confined to the caller's practice (session tag {TAG})",
            max_session_duration=Duration.hours(1),
        )


class FunctionsConstruct(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, catalog: Catalog, shared: Shared,
                 stream_arn: str) -> None:
        super().__init__(scope, construct_id)
        invoked_async = async_targets(catalog)
        # One encrypted queue parks every asynchronous invocation that failed its retries (each message names its
        # function): one alarm watches it, and the stack stays under CloudFormation's 500 resources.
        self.dead_letter_queue = encrypted_queue(self, "AsyncDeadLetters", shared.ops_key) if invoked_async else None
        self.functions: dict[str, CatalogFunction] = {
            spec.name: CatalogFunction(self, pascal(spec.name), spec=spec, shared=shared,
                                       dead_letter_queue=self.dead_letter_queue if spec.name in invoked_async else None)
            for spec in catalog.functions
        }
        self.failure_queues: dict[str, sqs.Queue] = {}
        for spec in catalog.functions:
            if spec.stream_kinds:
                self._subscribe(self.functions[spec.name], stream_arn, shared)

    def _subscribe(self, consumer: CatalogFunction, stream_arn: str, shared: Shared) -> None:
        spec = consumer.spec
        if Access.TABLE_STREAM not in spec.access:
            raise ValueError(f"{spec.name} consumes the table stream but its access lacks {Access.TABLE_STREAM}")
        queue = encrypted_queue(consumer, "StreamFailures", shared.ops_key)
        # cdk-nag recognises a Lambda function's DLQ as one, but not an event source mapping's destination
        nag.acknowledge(queue, "AwsSolutions-SQS3",
                        f"This queue is itself the dead-letter (on-failure) destination of {spec.name}'s stream "
                        "subscription; a queue behind it would only move the problem.")
        self.failure_queues[spec.name] = queue
        consumer.allow_send(queue, "StreamFailures")
        mapping = lambda_.EventSourceMapping(
            consumer, "TableStream",
            target=consumer.function,
            event_source_arn=stream_arn,
            starting_position=lambda_.StartingPosition.TRIM_HORIZON,
            batch_size=STREAM_BATCH_SIZE,
            bisect_batch_on_error=True,
            retry_attempts=STREAM_RETRY_ATTEMPTS,
            max_record_age=Duration.hours(24),
            report_batch_item_failures=True,
            on_failure=sources.SqsDlq(queue),
            filters=[stream_filter(spec.stream_kinds)],
        )
        # the stream permissions must exist before Lambda validates the mapping
        mapping.node.add_dependency(consumer.policy)


def stream_filter(kinds: tuple[str, ...]) -> dict:
    """Only new items of the given kinds reach the consumer (filtered by Lambda, so not billed)."""
    return lambda_.FilterCriteria.filter({
        "eventName": lambda_.FilterRule.is_equal("INSERT"),
        "dynamodb": {"NewImage": {"kind": {"S": lambda_.FilterRule.or_(*kinds)}}},
    })


def _via_sqs() -> dict:
    return {"StringEquals": {"kms:ViaService": f"sqs.{Aws.REGION}.amazonaws.com"}}


def async_targets(catalog: Catalog) -> set[str]:
    """Functions that EventBridge invokes asynchronously (schedule and rule targets)."""
    targets = [s.target for s in catalog.schedules] + [r.target for r in catalog.rules]
    return {t.function for t in targets if t.function is not None}
