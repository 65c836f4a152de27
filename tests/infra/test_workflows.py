"""Workflows, event rules and schedules that start them, built from a catalogue extended with a probe
workflow and probe rules (so every kind of target is covered): one extra synthesis, with cdk-nag on."""

from __future__ import annotations

import json

import pytest

from infra.catalog import CATALOG, Access, EventRule, Function, Schedule, StateMachine, Target
from tests.infra.conftest import STAGE, as_list, build, ref_id, synthesize

pytestmark = pytest.mark.xdist_group("infra")

ASL = {
    "StartAt": "Scrub",
    "States": {
        "Scrub": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Parameters": {"FunctionName": "${ScrubClaim}", "Payload.$": "$"}, "Next": "Submit"},
        "Submit": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                   "Parameters": {"FunctionName": "${SubmitClaim}", "Payload.$": "$"}, "End": True},
    },
}
PATTERN = {"source": ["practiceflow"], "detail-type": ["billing.claim.created"]}


def probe_catalog(asl_path):
    return CATALOG.extended(
        functions=(
            Function(name="claim-tasks", handler="functions.billing.tasks.handler", area="billing",
                     description="probe: workflow steps", access=frozenset({Access.TABLE_READ})),
            Function(name="claim-starter", handler="functions.billing.jobs.handler", area="billing",
                     description="probe: starts and stops the workflow",
                     access=frozenset({Access.STATES_START, Access.STATES_STOP}),
                     reserved_concurrency=2, state_machines=("probe-claims",)),
        ),
        state_machines=(StateMachine("probe-claims", str(asl_path),
                                     {"ScrubClaim": "claim-tasks", "SubmitClaim": "claim-tasks"}),),
        rules=(
            EventRule("claim-created-submit", PATTERN, Target(state_machine="probe-claims")),
            EventRule("claim-created-start", PATTERN, Target(function="claim-starter")),
        ),
        schedules=(Schedule("nightly-claims", "rate(1 day)", Target(state_machine="probe-claims"),
                            input={"job": "resubmit"}),),
    )


@pytest.fixture(scope="module")
def extended(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("workflows")
    asl = tmp / "probe-claims.asl.json"
    asl.write_text(json.dumps(ASL))
    return synthesize(tmp, probe_catalog(asl), checks=True)  # cdk-nag: no unacknowledged finding


def function_arn_of(synthesized, name):
    for logical_id, resource in synthesized.resources("Service", "AWS::Lambda::Function").items():
        if resource["Properties"]["FunctionName"] == f"practiceflow-{STAGE}-{name}":
            return {"Fn::GetAtt": [logical_id, "Arn"]}
    raise KeyError(name)


def probe_machine(synthesized) -> tuple[str, dict]:
    (found,) = [(i, m) for i, m in synthesized.resources("Service", "AWS::StepFunctions::StateMachine").items()
                if m["Properties"]["StateMachineName"] == f"practiceflow-{STAGE}-probe-claims"]
    return found


def test_state_machine_is_standard_traced_logged_and_filled_with_function_arns(extended):
    machine_id, machine = probe_machine(extended)
    properties = machine["Properties"]
    assert properties["StateMachineType"] == "STANDARD"
    assert properties["TracingConfiguration"] == {"Enabled": True}
    assert properties["LoggingConfiguration"]["Level"] == "ALL"
    assert properties["LoggingConfiguration"]["IncludeExecutionData"] is False
    log_arn = properties["LoggingConfiguration"]["Destinations"][0]["CloudWatchLogsLogGroup"]["LogGroupArn"]
    assert extended.templates["Service"]["Resources"][ref_id(log_arn)]["Properties"]["KmsKeyId"]
    tasks = function_arn_of(extended, "claim-tasks")
    assert properties["DefinitionSubstitutions"] == {"ScrubClaim": tasks, "SubmitClaim": tasks}


def test_state_machine_role_may_invoke_exactly_its_functions(extended):
    api = extended.templates["Service"]["Resources"]
    _, machine = probe_machine(extended)
    role = api[ref_id(machine["Properties"]["RoleArn"])]["Properties"]
    statements = [s for arn in role["ManagedPolicyArns"]
                  for s in api[ref_id(arn)]["Properties"]["PolicyDocument"]["Statement"]]
    (invoke,) = [s for s in statements if "lambda:InvokeFunction" in as_list(s["Action"])]
    assert as_list(invoke["Resource"]) == [function_arn_of(extended, "claim-tasks")]


def test_rules_on_the_bus_and_schedules_start_their_targets(extended):
    rules = {r["Properties"]["Name"].removeprefix(f"practiceflow-{STAGE}-"): r["Properties"]
             for r in extended.resources("Service", "AWS::Events::Rule").values()}
    probe = probe_catalog("unused")
    assert set(rules) == {r.name for r in probe.rules} | {s.name for s in probe.schedules}
    machine_id, _ = probe_machine(extended)
    for name in ("claim-created-submit", "claim-created-start"):
        assert rules[name]["EventPattern"] == PATTERN
        assert "EventBusName" in rules[name]
    (submit,) = rules["claim-created-submit"]["Targets"]
    assert ref_id(submit["Arn"]) == machine_id and submit["RoleArn"]
    (start,) = rules["claim-created-start"]["Targets"]
    assert start["Arn"] == function_arn_of(extended, "claim-starter")
    (nightly,) = rules["nightly-claims"]["Targets"]
    assert rules["nightly-claims"]["ScheduleExpression"] == "rate(1 day)"
    assert ref_id(nightly["Arn"]) == machine_id and json.loads(nightly["Input"]) == {"job": "resubmit"}


def test_a_function_may_start_and_stop_only_the_workflows_it_names_and_finds_their_arns(extended):
    from tests.infra.test_template import allowed

    starter = allowed(extended, "claim-starter")
    assert set(starter) - {"logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments",
                           "xray:PutTelemetryRecords", "sqs:SendMessage", "kms:GenerateDataKey",
                           "kms:Decrypt"} == {"states:StartExecution", "states:ListExecutions",
                                              "states:StopExecution"}
    machine = ("arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:"
               f"practiceflow-{STAGE}-probe-claims")
    assert starter["states:StartExecution"] == starter["states:ListExecutions"] == {machine}
    assert starter["states:StopExecution"] == {machine.replace(":stateMachine:", ":execution:") + ":*"}
    functions = extended.resources("Service", "AWS::Lambda::Function").values()
    (props,) = [f["Properties"] for f in functions if f["Properties"]["FunctionName"].endswith("claim-starter")]
    assert "STATE_MACHINE_PROBE_CLAIMS_ARN" in props["Environment"]["Variables"]
    assert props["ReservedConcurrentExecutions"] == 2
    assert "DeadLetterConfig" in props  # a rule target is invoked asynchronously


def test_a_placeholder_the_catalogue_does_not_fill_is_refused(tmp_path):
    asl = tmp_path / "broken.asl.json"
    asl.write_text(json.dumps(ASL))
    broken = CATALOG.extended(
        functions=(Function(name="claim-tasks", handler="functions.billing.tasks.handler", area="billing",
                            description="probe", access=frozenset({Access.TABLE_READ})),),
        state_machines=(StateMachine("broken", str(asl), {"ScrubClaim": "claim-tasks"}),),
    )
    with pytest.raises(ValueError, match="SubmitClaim"):
        build(tmp_path, broken)
