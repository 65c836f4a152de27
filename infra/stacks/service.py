"""The service stack: the catalogue's functions, their stream subscriptions, workflows, rules, schedules and
messaging. Stateless apart from logs, so it can be replaced freely; the API stack routes to its functions and the
monitoring stack watches them."""

from __future__ import annotations

from aws_cdk import Aws, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.catalog import Access, Catalog
from infra.constructs.data import audit_archive_bucket_pattern, evidence_bucket_pattern
from infra.constructs.functions import ARCHITECTURES, METRICS_NAMESPACE, RUNTIME, FunctionsConstruct, Shared
from infra.constructs.messaging import MessagingConstruct, configuration_set_name
from infra.constructs.tracing import TracingConstruct
from infra.constructs.watch import dead_letter_queues, equip_watchers
from infra.constructs.workflow import WorkflowConstruct, state_machine_arn
from infra.iam import DataResources
from infra.packaging import ARCHITECTURE
from infra.stacks.data import DataStack


def ops_key(data_key: kms.Key, stage: str) -> kms.Key:
    """What operations keep (logs, parked failures, alarm messages) is encrypted with the data key: one key-month
    and its rotations instead of two. Each service may use it only for its own data: CloudWatch Logs under a log
    group's encryption context, CloudWatch for this stage's alarms, each role through SQS (infra/constructs/
    functions.py), so none of them can decrypt the table's, the stream's or the secret's data keys."""
    key = data_key
    key.add_to_resource_policy(iam.PolicyStatement(
        sid="CloudWatchLogsEncryptsOurLogGroups",
        principals=[iam.ServicePrincipal(f"logs.{Aws.REGION}.amazonaws.com")],
        actions=["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        resources=["*"],  # in a key policy, "*" means this key
        conditions={"ArnLike": {"kms:EncryptionContext:aws:logs:arn":
                                f"arn:{Aws.PARTITION}:logs:{Aws.REGION}:{Aws.ACCOUNT_ID}:log-group:*"}},
    ))
    key.add_to_resource_policy(iam.PolicyStatement(
        sid="EventBridgeParksUndeliveredEvents",  # the rules' and schedules' dead-letter queue
        principals=[iam.ServicePrincipal("events.amazonaws.com")],
        actions=["kms:Decrypt", "kms:GenerateDataKey"],
        resources=["*"],
        conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}},
    ))
    key.add_to_resource_policy(iam.PolicyStatement(
        sid="CloudWatchAlarmsPublishToEncryptedTopic",
        principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions=["kms:Decrypt", "kms:GenerateDataKey*"],
        resources=["*"],
        # only this account's alarms of this stage (monitoring.py names them practiceflow-<stage>-...)
        conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
                    "ArnLike": {"aws:SourceArn":
                                f"arn:{Aws.PARTITION}:cloudwatch:{Aws.REGION}:{Aws.ACCOUNT_ID}:alarm:practiceflow-{stage}-*"}},
    ))
    return key


def sender_domain(sender: str) -> str:
    """'PracticeFlow <notifications@clinic.example>' -> 'clinic.example' (the SES identity sends are checked on)."""
    return sender.rsplit("@", 1)[-1].strip(" >")


def api_environment(cors_origins: tuple[str, ...]) -> dict[str, str]:
    """What an API function reads beyond the shared environment: the browser origins it answers (core.api)."""
    return {"CORS_ALLOWED_ORIGINS": ",".join(cors_origins)} if cors_origins else {}


def area_environment(area: str, sender: str, configuration_set: str | None) -> dict[str, str]:
    """What one area's functions read beyond the shared environment (see functions/<area>/wiring.py)."""
    if area == "notifications":
        environment = {"NOTIFICATIONS_SENDER": sender}
        if configuration_set:
            environment["NOTIFICATIONS_SES_CONFIGURATION_SET"] = configuration_set
        return environment
    return {}


class ServiceStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, catalog: Catalog, stage: str, data_stack: DataStack,
                 layer_dir: str, code_dir: str, sender: str, cors_origins: tuple[str, ...] = (), **kwargs) -> None:
        super().__init__(scope, construct_id, description=f"PracticeFlow {stage}: functions, workflows, messaging",
                         **kwargs)
        data = data_stack.data
        key = ops_key(data.key, stage)
        self.ops_key = key
        layer = lambda_.LayerVersion(
            self, "Dependencies", code=lambda_.Code.from_asset(layer_dir),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURES[ARCHITECTURE]],
            description="PracticeFlow runtime dependencies (pyproject [project] dependencies)",
        )
        resources = DataResources(
            table_arn=data.table.table_arn,
            stream_arn=data.table.table_stream_arn,
            index_names=data.index_names,
            data_key_arn=data.key.key_arn,
            bus_arn=data.bus.event_bus_arn,
            page_token_secret_arn=data.page_token_secret.secret_arn,
            email_identity_arn=self.format_arn(service="ses", resource="identity", resource_name=sender_domain(sender)),
            email_configuration_set_arn=self.format_arn(service="ses", resource="configuration-set",
                                                        resource_name=configuration_set)
            if (configuration_set := configuration_set_name(catalog, stage)) else "",

            evidence_bucket_arn=f"arn:{Aws.PARTITION}:s3:::{evidence_bucket_pattern(stage)}-*",
            audit_archive_bucket_arn=f"arn:{Aws.PARTITION}:s3:::{audit_archive_bucket_pattern(stage)}-*",

            user_pool_arn=data_stack.users.user_pool.user_pool_arn,
        )
        shared = Shared(
            stage=stage,
            code=lambda_.Code.from_asset(code_dir),
            layer=layer,
            environment={
                "TABLE_NAME": data.table.table_name,
                "EVENT_BUS_NAME": data.bus.event_bus_name,
                "PAGE_TOKEN_SECRET_ARN": data.page_token_secret.secret_arn,
                "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
                "STAGE": stage,
            },
            data=resources,
            ops_key=key,
            state_machine_arns={m.name: state_machine_arn(self, stage, m) for m in catalog.state_machines},
        )
        self.functions = FunctionsConstruct(self, "Functions", catalog=catalog, shared=shared,
                                            stream_arn=resources.stream_arn)
        lambdas = {name: built.function for name, built in self.functions.functions.items()}
        # The API's identity is the data stack's; its routes (the API stack) come after these functions.
        public_url = f"https://{data_stack.api_identity.rest_api_id}.execute-api.{Aws.REGION}.{Aws.URL_SUFFIX}/{stage}"
        self._allow_user_pool_triggers(catalog, data_stack.users.user_pool.user_pool_arn)
        self.messaging = MessagingConstruct(self, "Messaging", catalog=catalog, stage=stage, functions=lambdas,
                                            ops_key=key)
        configuration_set = (self.messaging.configuration_set.configuration_set_name
                             if self.messaging.configuration_set else None)
        for name, built in self.functions.functions.items():
            area = catalog.function(name).area
            built.function.add_environment("PUBLIC_API_URL", public_url)  # links in messages point here
            for variable, value in area_environment(area, sender, configuration_set).items():
                built.function.add_environment(variable, value)
            if Access.EVIDENCE_FILES in catalog.function(name).access:
                built.function.add_environment("EVIDENCE_BUCKET", data.evidence_bucket.bucket_name)
            if Access.AUDIT_ARCHIVE in catalog.function(name).access:
                built.function.add_environment("AUDIT_ARCHIVE_BUCKET", data.audit_archive.bucket_name)

            if Access.USER_INVITE in catalog.function(name).access:
                built.function.add_environment("USER_POOL_ID", data_stack.users.user_pool.user_pool_id)

            if built.spec.mounts:
                for variable, value in api_environment(cors_origins).items():
                    built.function.add_environment(variable, value)
        self.workflows = WorkflowConstruct(self, "Workflows", catalog=catalog, stage=stage, functions=lambdas,
                                           bus=data.bus, ops_key=key)
        self.tracing = TracingConstruct(self, "Tracing", stage=stage)
        equip_watchers(catalog, self.functions, dead_letter_queues(self.functions, self.workflows))

    def _allow_user_pool_triggers(self, catalog: Catalog, user_pool_arn: str) -> None:
        """The data stack's pool names its trigger functions by ARN (infra/constructs/users.py); only that pool may
        invoke them."""
        for spec in catalog.functions:
            if spec.user_pool_trigger is not None:
                self.functions.functions[spec.name].function.add_permission(
                    "UserPoolInvokes", principal=iam.ServicePrincipal("cognito-idp.amazonaws.com"),
                    source_arn=user_pool_arn, source_account=Aws.ACCOUNT_ID)
