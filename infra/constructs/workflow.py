"""Workflows and what starts them: a Standard state machine per catalogue StateMachine (its ASL file with
${Placeholders} filled by function ARNs), a rule on the practice bus per EventRule, a rule per Schedule."""

from __future__ import annotations

import re

from aws_cdk import ArnFormat, Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra import nag
from infra.catalog import Catalog, StateMachine, Target
from infra.constructs import RETAINED, pascal, stack_unique
from infra.constructs.functions import LOG_RETENTION, encrypted_queue

PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_]+)\}")
# EventBridge keeps retrying a target that is throttled or unavailable for up to this long.
TARGET_MAX_EVENT_AGE = Duration.hours(2)
TARGET_RETRY_ATTEMPTS = 4
LOG_DELIVERY_ACTIONS = (
    "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups",
)
TRACING_ACTIONS = ("xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules",
                   "xray:GetSamplingTargets")


def state_machine_name(stage: str, machine: StateMachine | str) -> str:
    name = machine if isinstance(machine, str) else machine.name
    return f"practiceflow-{stage}-{name}"


def rule_name(stage: str, name: str) -> str:
    """A rule's or schedule's physical name (its CloudWatch metrics' RuleName)."""
    return f"practiceflow-{stage}-{name}"


def state_machine_arn(scope: Construct, stage: str, machine: StateMachine) -> str:
    """The ARN built from the name, so a function allowed to start a workflow need not depend on it (a
    workflow that calls the same function would otherwise make a cycle)."""
    return Stack.of(scope).format_arn(
        service="states", resource="stateMachine", resource_name=state_machine_name(stage, machine),
        arn_format=ArnFormat.COLON_RESOURCE_NAME,
    )


def placeholders(machine: StateMachine) -> set[str]:
    return set(PLACEHOLDER.findall(machine.path.read_text()))


def event_pattern(pattern: dict) -> events.EventPattern:
    """A catalogue pattern (EventBridge's JSON spelling: "detail-type") as the CDK's EventPattern."""
    return events.EventPattern(**{key.replace("-", "_"): value for key, value in pattern.items()})


class WorkflowConstruct(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, catalog: Catalog, stage: str,
                 functions: dict[str, lambda_.IFunction], bus: events.IEventBus, ops_key: kms.IKey) -> None:
        super().__init__(scope, construct_id)
        self.stage = stage
        # what EventBridge could not deliver to a rule's or schedule's target after its retries: one queue for every
        # target (a message names its rule and target), watched by the monitoring stack
        self.dead_letter_queue = encrypted_queue(self, "TargetDeadLetters", ops_key)
        nag.acknowledge(self.dead_letter_queue, "AwsSolutions-SQS3",
                        "This queue is itself the dead-letter queue of every EventBridge rule and schedule target; "
                        "a queue behind it would only move the problem.")
        self._starter_policy: iam.ManagedPolicy | None = None
        self._starter_role: iam.IRole | None = None
        self._started: list[str] = []
        self.state_machines: dict[str, sfn.StateMachine] = {}
        for machine in catalog.state_machines:
            self.state_machines[machine.name] = self._state_machine(machine, functions, ops_key)
        self.rules: dict[str, events.Rule] = {}
        for rule in catalog.rules:
            self.rules[rule.name] = events.Rule(
                self, f"Rule{pascal(rule.name)}",
                rule_name=rule_name(stage, rule.name),
                event_bus=bus,
                event_pattern=event_pattern(rule.pattern),
                targets=[self._target(rule.target, functions, None)],
            )
        self.schedules: dict[str, events.Rule] = {}
        for schedule in catalog.schedules:
            self.schedules[schedule.name] = events.Rule(
                self, f"Schedule{pascal(schedule.name)}",
                rule_name=rule_name(stage, schedule.name),
                description=schedule.description or None,
                schedule=events.Schedule.expression(schedule.expression),
                targets=[self._target(schedule.target, functions, schedule.input)],
            )

    def _state_machine(self, machine: StateMachine, functions: dict[str, lambda_.IFunction],
                       ops_key: kms.IKey) -> sfn.StateMachine:
        missing = placeholders(machine) - set(machine.functions)
        if missing:
            raise ValueError(f"{machine.definition} has placeholders the catalogue does not fill: {sorted(missing)}")
        invoked = {placeholder: functions[name] for placeholder, name in machine.functions.items()}
        construct_id = pascal(machine.name)
        # under /aws/vendedlogs/, so log delivery needs no resource policy per group (CloudWatch Logs caps those);
        # a name CloudFormation cannot generate, so the stack's id makes it new for a stack made again
        log_group = logs.LogGroup(
            self, f"{construct_id}Logs",
            log_group_name=stack_unique(self, f"/aws/vendedlogs/states/{state_machine_name(self.stage, machine)}"),
            retention=LOG_RETENTION, encryption_key=ops_key, removal_policy=RETAINED,
        )
        role = iam.Role(self, f"{construct_id}Role", assumed_by=iam.ServicePrincipal("states.amazonaws.com"))
        statements = [
            # log delivery and tracing accept no resource narrower than "*"
            iam.PolicyStatement(sid="DeliverLogs", actions=list(LOG_DELIVERY_ACTIONS), resources=["*"]),
            iam.PolicyStatement(sid="Tracing", actions=list(TRACING_ACTIONS), resources=["*"]),
        ]
        if invoked:
            # exactly the catalogue's functions, unqualified: the ASL invokes each by its plain ARN
            statements.append(iam.PolicyStatement(
                sid="InvokeWorkflowFunctions", actions=["lambda:InvokeFunction"],
                resources=[functions[name].function_arn for name in sorted(set(machine.functions.values()))]))
        policy = iam.ManagedPolicy(self, f"{construct_id}Policy", statements=statements,
                                   description=f"{state_machine_name(self.stage, machine)}: invoke its functions")
        role.add_managed_policy(policy)
        state_machine = sfn.StateMachine(
            self, construct_id,
            state_machine_name=state_machine_name(self.stage, machine),
            state_machine_type=sfn.StateMachineType.STANDARD,
            definition_body=sfn.DefinitionBody.from_file(str(machine.path)),
            definition_substitutions={placeholder: fn.function_arn for placeholder, fn in invoked.items()},
            role=role.without_policy_updates(),  # the policy above is all it gets
            tracing_enabled=True,
            # execution data would put workflow inputs (claims, patients) into the logs
            logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL, include_execution_data=False),
        )
        nag.acknowledge(
            policy, "AwsSolutions-IAM5[Resource::*]",
            "Step Functions log delivery (logs:CreateLogDelivery and friends) and X-Ray tracing "
            "accept no resource narrower than '*'.")
        return state_machine

    def _target(self, target: Target, functions: dict[str, lambda_.IFunction],
                payload: dict | None) -> events.IRuleTarget:
        message = events.RuleTargetInput.from_object(payload) if payload else None
        if target.function is not None:
            return targets.LambdaFunction(
                functions[target.function], event=message, dead_letter_queue=self.dead_letter_queue,
                retry_attempts=TARGET_RETRY_ATTEMPTS, max_event_age=TARGET_MAX_EVENT_AGE)
        machine = self.state_machines[target.state_machine]
        return targets.SfnStateMachine(
            machine, input=message, role=self._events_role(machine), dead_letter_queue=self.dead_letter_queue,
            retry_attempts=TARGET_RETRY_ATTEMPTS, max_event_age=TARGET_MAX_EVENT_AGE)

    def _events_role(self, machine: sfn.StateMachine) -> iam.IRole:
        """The one role EventBridge assumes to start workflows, allowed to start exactly those it targets
        (a managed policy, so the CDK's inline default policy is never made)."""
        if self._starter_policy is None:
            role = iam.Role(self, "StarterRole", assumed_by=iam.ServicePrincipal("events.amazonaws.com"),
                            description="EventBridge starts the catalogue's workflows")
            self._starter_policy = iam.ManagedPolicy(self, "StarterPolicy",
                                                     description="Start the workflows rules and schedules target")
            role.add_managed_policy(self._starter_policy)
            self._starter_role = role.without_policy_updates()
        if machine.state_machine_arn not in self._started:
            self._started.append(machine.state_machine_arn)
            self._starter_policy.add_statements(iam.PolicyStatement(
                actions=["states:StartExecution"], resources=[machine.state_machine_arn]))
        return self._starter_role
