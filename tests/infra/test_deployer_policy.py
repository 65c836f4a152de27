"""infra/deployer-policy.json is what CloudFormation deploys PracticeFlow with (README: Deploying to AWS): it
covers every service the templates make resources in, and IAM only for PracticeFlow's own roles and policies."""

from __future__ import annotations

import json
from fnmatch import fnmatchcase

import pytest

from infra.packaging import ROOT

pytestmark = pytest.mark.xdist_group("infra")

POLICY = json.loads((ROOT / "infra" / "deployer-policy.json").read_text(encoding="utf-8"))
# A resource type's namespace as IAM names its service.
SERVICE = {"ApiGateway": "apigateway", "Cognito": "cognito-idp", "StepFunctions": "states", "WAFv2": "wafv2",
           "XRay": "xray", "SecretsManager": "secretsmanager", "CloudWatch": "cloudwatch"}


def statement(sid: str) -> dict:
    (found,) = [s for s in POLICY["Statement"] if s["Sid"] == sid]
    return found


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def test_every_service_the_templates_use_is_allowed(synthesized):
    allowed = {action.split(":")[0] for action in as_list(statement("ServicesPracticeFlowMakes")["Action"])}
    used = set()
    for template in synthesized.templates.values():
        for resource in template["Resources"].values():
            _, namespace, _ = resource["Type"].split("::")
            if resource["Type"].startswith("AWS::") and namespace not in ("IAM", "CDK"):
                used.add(SERVICE.get(namespace, namespace.lower()))
    assert used <= allowed, sorted(used - allowed)
    assert "iam" not in allowed


def test_iam_is_allowed_only_on_practiceflows_own_roles_and_policies(synthesized):
    patterns = as_list(statement("OnlyPracticeFlowsOwnRolesAndPolicies")["Resource"])
    assert all(":role/" in p or ":policy/" in p for p in patterns) and not any(p.endswith(":*") for p in patterns)
    for unit, template in synthesized.templates.items():
        stack = f"PracticeFlow-test-{unit}"
        for logical_id, resource in template["Resources"].items():
            if resource["Type"] == "AWS::IAM::Role":
                name = resource["Properties"].get("RoleName", f"{stack}-{logical_id}-GENERATED")
                assert any(fnmatchcase(f"arn:aws:iam::123456789012:role/{name}", p) for p in patterns), name
            if resource["Type"] == "AWS::IAM::ManagedPolicy":
                name = resource["Properties"].get("ManagedPolicyName", f"{stack}-{logical_id}-GENERATED")
                assert any(fnmatchcase(f"arn:aws:iam::123456789012:policy/{name}", p) for p in patterns), name
