"""The templates pass CloudFormation's own validation, cfn-lint and cdk-nag's HIPAA Security and AWS
Solutions packs; every acknowledged cdk-nag finding is exact, reasoned and still needed."""

from __future__ import annotations

import json

import pytest

from tests.infra.conftest import build, synthesize

pytestmark = pytest.mark.xdist_group("infra")

# CDK states a function's dependency on its role twice (DependsOn and the Role GetAtt); harmless.
CFN_LINT_IGNORED = ["W3005"]


def test_templates_pass_cloudformation_builtin_validation(tmp_path):
    synthesize(tmp_path, validate=True)  # raises on a schema violation


def test_templates_are_cfn_lint_clean(synthesized):
    from cfnlint.api import ManualArgs, lint_file

    for template in sorted(synthesized.outdir.glob("*.template.json")):
        matches = lint_file(template, ManualArgs(regions=["us-east-1"], ignore_checks=CFN_LINT_IGNORED))
        assert [str(m) for m in matches] == [], template.name


def test_cdk_nag_hipaa_and_aws_solutions_find_nothing_unacknowledged(tmp_path):
    synthesize(tmp_path, checks=True)  # a finding without an acknowledgement fails synthesis


def test_every_acknowledgement_is_exact_reasoned_and_matches_a_real_finding(tmp_path):
    from infra.nag import RULE_ID, acknowledged

    built = build(tmp_path, checks=True, acknowledge=False)
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        built.app.synth()
    report = json.loads((tmp_path / "cdk.out" / "validation-report.json").read_text())
    findings = {
        (construct["constructPath"], violation["ruleName"])
        for plugin in report["pluginReports"]
        for violation in plugin["violations"]
        for construct in violation["violatingConstructs"]
    }
    assert {plugin["pluginName"] for plugin in report["pluginReports"]} <= {"AwsSolutions", "HIPAA.Security"}

    acks = acknowledged(built.app)  # recorded even when switched off, so they can be compared
    assert acks
    for ack in acks:
        assert RULE_ID.match(ack.id) and len(ack.reason) >= 20
        covered = {f for f in findings if f[1] == ack.id and (f[0] == ack.path or f[0].startswith(ack.path + "/"))}
        assert covered, f"stale acknowledgement {ack.id} on {ack.path}: no such finding"
    for path, rule in findings:
        assert any(a.id == rule and (path == a.path or path.startswith(a.path + "/")) for a in acks), (path, rule)
