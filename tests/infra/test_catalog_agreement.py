"""The catalogue and the template agree: every function, mount, schedule, rule, workflow and stream
subscription in the catalogue is in the template, and the template has nothing the catalogue lacks."""

from __future__ import annotations

import json

import pytest

from infra.catalog import CATALOG
from tests.infra.conftest import STAGE, ref_id
from tests.infra.test_template import function_ids

pytestmark = pytest.mark.xdist_group("infra")


def test_the_functions_are_exactly_the_catalogue_functions(synthesized):
    assert set(function_ids(synthesized)) == {f.name for f in CATALOG.functions}


def resource_paths(synthesized) -> dict[str, str]:
    """logical id of each AWS::ApiGateway::Resource -> its path ("patients/{proxy+}")."""
    resources = synthesized.resources("Api", "AWS::ApiGateway::Resource")

    def path(logical_id: str) -> str:
        resource = resources[logical_id]["Properties"]
        parent = ref_id(resource["ParentId"])
        return f"{path(parent)}/{resource['PathPart']}" if parent in resources else resource["PathPart"]

    return {logical_id: path(logical_id) for logical_id in resources}


def test_the_api_resources_are_exactly_the_mounts_their_proxies_and_public_routes(synthesized):
    paths = resource_paths(synthesized)
    mounts = {m for f in CATALOG.api_functions() for m in f.mounts}
    public = {r for f in CATALOG.api_functions() for r in f.public_routes}
    public_prefixes = {"/".join(r.split("/")[:n]) for r in public for n in range(1, r.count("/") + 2)}
    assert set(paths.values()) == mounts | {f"{m}/{{proxy+}}" for m in mounts} | public_prefixes

    ids = function_ids(synthesized)
    routed = set()
    for method in synthesized.resources("Api", "AWS::ApiGateway::Method").values():
        properties = method["Properties"]
        assert properties["Integration"]["Type"] == "AWS_PROXY"
        found = synthesized.imports(properties["Integration"]["Uri"])
        (target,) = [name for name, logical_id in ids.items() if ("Service", logical_id) in found]
        routed.add((paths[ref_id(properties["ResourceId"])], properties["HttpMethod"], target))
    assert routed == (
        {(path, method, f.name) for f in CATALOG.api_functions() for m in f.mounts
         for path in (m, f"{m}/{{proxy+}}") for method in ("ANY", "OPTIONS")}
        | {(r, method, f.name) for f in CATALOG.api_functions() for r in f.public_routes
           for method in ("GET", "POST", "OPTIONS")}
    )  # OPTIONS: the CORS preflight, there because the test stage allows browser origins


def test_the_schedules_are_exactly_the_catalogue_schedules(synthesized):
    rules = {r["Properties"]["Name"]: r["Properties"]
             for r in synthesized.resources("Service", "AWS::Events::Rule").values()
             if "ScheduleExpression" in r["Properties"]}
    assert set(rules) == {f"practiceflow-{STAGE}-{s.name}" for s in CATALOG.schedules}
    ids = function_ids(synthesized)
    for schedule in CATALOG.schedules:
        rule = rules[f"practiceflow-{STAGE}-{schedule.name}"]
        assert rule["ScheduleExpression"] == schedule.expression
        assert rule["State"] == "ENABLED"
        (target,) = rule["Targets"]
        assert json.loads(target["Input"]) == schedule.input
        if schedule.target.function:
            assert ref_id(target["Arn"]) == ids[schedule.target.function]
        else:  # a workflow, started by EventBridge's one starter role
            assert ref_id(target["Arn"]) in synthesized.resources("Service", "AWS::StepFunctions::StateMachine")
            assert "RoleArn" in target


def test_the_rules_and_workflows_are_exactly_the_catalogue_ones(synthesized):
    rules = {r["Properties"]["Name"]: r["Properties"]
             for r in synthesized.resources("Service", "AWS::Events::Rule").values()
             if "EventPattern" in r["Properties"]}
    assert set(rules) == {f"practiceflow-{STAGE}-{r.name}" for r in CATALOG.rules}
    ids = function_ids(synthesized)
    for rule in CATALOG.rules:
        properties = rules[f"practiceflow-{STAGE}-{rule.name}"]
        assert properties["EventPattern"] == rule.pattern
        assert "EventBusName" in properties
        (target,) = properties["Targets"]
        if rule.target.function:
            assert ref_id(target["Arn"]) == ids[rule.target.function]
    assert len(synthesized.resources("Service", "AWS::StepFunctions::StateMachine")) == len(CATALOG.state_machines)


def test_each_stream_consumer_has_one_subscription_and_nothing_else_subscribes(synthesized):
    ids = function_ids(synthesized)
    subscribed = sorted(ref_id(m["Properties"]["FunctionName"])
                        for m in synthesized.resources("Service", "AWS::Lambda::EventSourceMapping").values())
    assert subscribed == sorted(ids[f.name] for f in CATALOG.functions if f.stream_kinds)


def test_the_user_pool_triggers_are_exactly_the_catalogue_ones_and_only_this_pool_invokes_them(synthesized):
    ids = function_ids(synthesized)
    [pool_id] = synthesized.resources("Data", "AWS::Cognito::UserPool")
    pool = synthesized.resources("Data", "AWS::Cognito::UserPool")[pool_id]["Properties"]
    # named by ARN (the service stack comes after the pool's): the ARN ends in the function's fixed name
    triggers = {name: arn["Fn::Join"][1][-1] for name, arn in pool.get("LambdaConfig", {}).items()}
    wanted = {"post_authentication": "PostAuthentication"}
    functions = synthesized.resources("Service", "AWS::Lambda::Function")
    assert triggers == {wanted[f.user_pool_trigger]: ":function:" + functions[ids[f.name]]["Properties"]["FunctionName"]
                        for f in CATALOG.functions if f.user_pool_trigger}
    invokers = [p["Properties"] for p in synthesized.resources("Service", "AWS::Lambda::Permission").values()
                if p["Properties"]["Principal"] == "cognito-idp.amazonaws.com"]
    assert [(ref_id(p["FunctionName"]), synthesized.target(p["SourceArn"])) for p in invokers] == [
        (ids["staff-sign-in"], ("Data", pool_id))]
