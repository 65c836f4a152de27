"""A failed first deploy can be retried: nothing a stack retains has a name a second attempt (or a stack made
again after a delete) would collide with, and what is retained on a delete is removed when the deploy that made
it rolls back (CloudFormation's RetainExceptOnCreate)."""

from __future__ import annotations

import json

import pytest

from tests.infra.conftest import STAGE

pytestmark = pytest.mark.xdist_group("infra")

RETAINED = {"Retain", "RetainExceptOnCreate"}
# Physical names AWS does not require to be unique, so a retained namesake blocks nothing.
NOT_UNIQUE = {("AWS::Cognito::UserPool", "UserPoolName"), ("AWS::ApiGateway::RestApi", "Name")}


def physical_names(resource: dict) -> dict[str, object]:
    """The properties that name the resource in its account: top-level ...Name, and a backup plan's."""
    properties = resource.get("Properties", {})
    names = {k: v for k, v in properties.items() if k.endswith("Name") and (resource["Type"], k) not in NOT_UNIQUE}
    if resource["Type"] == "AWS::Backup::BackupPlan":
        names["BackupPlanName"] = properties["BackupPlan"]["BackupPlanName"]
    return names


def depends_on_stack_id(value) -> bool:
    if isinstance(value, dict):
        return value.get("Ref") == "AWS::StackId" or any(depends_on_stack_id(v) for v in value.values())
    if isinstance(value, list):
        return any(depends_on_stack_id(v) for v in value)
    return False


# Resources whose Ref is an id AWS generates on every create, retained or not: a stack made again makes a new one.
GENERATED_IDS = {"AWS::ApiGateway::RestApi"}


def made_new_by_each_stack(value, template: dict) -> bool:
    """The name holds the stack's id, or the id AWS gives a resource the same stack creates (the REST API's, in
    its execution-log group's name): new for a stack made again."""
    if depends_on_stack_id(value):
        return True
    if isinstance(value, dict):
        target = template["Resources"].get(value.get("Ref", ""))
        if target is not None and (target.get("DeletionPolicy") not in RETAINED or target["Type"] in GENERATED_IDS):
            return True
        return any(made_new_by_each_stack(v, template) for v in value.values())
    if isinstance(value, list):
        return any(made_new_by_each_stack(v, template) for v in value)
    return False


def every_resource(synthesized):
    for unit, template in synthesized.templates.items():
        for logical_id, resource in template["Resources"].items():
            yield unit, logical_id, resource


def test_no_retained_resource_has_a_name_a_retried_deploy_would_collide_with(synthesized):
    retained = 0
    for unit, logical_id, resource in every_resource(synthesized):
        if resource.get("DeletionPolicy") not in RETAINED:
            continue
        retained += 1
        for prop, name in physical_names(resource).items():
            assert made_new_by_each_stack(name, synthesized.templates[unit]), \
                f"{unit} {logical_id} keeps the fixed {prop} {name!r}"
    assert retained >= 30  # the log groups, keys, table, secret, vault, user pool: the test looks at them


def test_logs_and_the_backup_vault_are_kept_on_a_delete_but_not_after_a_rolled_back_create(synthesized):
    kinds = {"AWS::Logs::LogGroup", "AWS::Backup::BackupVault"}
    found = [(logical_id, resource) for _, logical_id, resource in every_resource(synthesized)
             if resource["Type"] in kinds]
    assert {resource["Type"] for _, resource in found} == kinds
    for logical_id, resource in found:
        assert (resource["DeletionPolicy"], resource["UpdateReplacePolicy"]) == ("RetainExceptOnCreate", "Retain"), \
            logical_id


def test_the_backup_plan_and_vault_and_the_workflow_logs_are_named_for_the_stage_and_the_stacks_id(synthesized):
    def names(kind: str) -> list:
        return [physical_names(r) for _, _, r in every_resource(synthesized) if r["Type"] == kind]

    for named in names("AWS::Backup::BackupVault") + names("AWS::Backup::BackupPlan"):
        (name,) = named.values()
        joined = name["Fn::Join"][1]
        assert joined[0] == f"practiceflow-{STAGE}" and depends_on_stack_id(joined[1])
    workflow_groups = [n["LogGroupName"] for n in names("AWS::Logs::LogGroup")
                       if "LogGroupName" in n and "/aws/vendedlogs/" in json.dumps(n["LogGroupName"])]
    assert len(workflow_groups) == len(synthesized.resources("Service", "AWS::StepFunctions::StateMachine"))
    for name in workflow_groups:
        # under /aws/vendedlogs/: log delivery then needs no CloudWatch Logs resource policy per group
        assert name["Fn::Join"][1][0].startswith(f"/aws/vendedlogs/states/practiceflow-{STAGE}-")


def test_each_state_machine_logs_to_its_own_group(synthesized):
    api = synthesized.templates["Service"]["Resources"]
    for logical_id, machine in synthesized.resources("Service", "AWS::StepFunctions::StateMachine").items():
        (destination,) = machine["Properties"]["LoggingConfiguration"]["Destinations"]
        group = api[destination["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][0]]
        assert group["Type"] == "AWS::Logs::LogGroup" and group["Properties"]["KmsKeyId"], logical_id
