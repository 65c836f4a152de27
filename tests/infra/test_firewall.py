"""The API's web application firewall (infra/constructs/shield.py): on for a stage whose operator asks
(`practiceflow:waf`; the test stage does, as prod would), off by default."""

from __future__ import annotations

import json

import pytest

from infra.catalog import CATALOG
from infra.constructs.shield import MANAGED_RULE_GROUPS, PUBLIC_ROUTES_LIMIT, public_prefixes
from infra.options import DEFAULT_WAF_RATE_LIMIT, stage_options

pytestmark = pytest.mark.xdist_group("infra")


def web_acl(synthesized) -> dict:
    (acl,) = synthesized.resources("Api", "AWS::WAFv2::WebACL").values()
    return acl["Properties"]


def test_the_stage_is_behind_a_regional_web_acl_that_allows_by_default(synthesized):
    acl = web_acl(synthesized)
    assert acl["Scope"] == "REGIONAL" and acl["DefaultAction"] == {"Allow": {}}
    (association,) = synthesized.resources("Api", "AWS::WAFv2::WebACLAssociation").values()
    (stage_id,) = synthesized.resources("Api", "AWS::ApiGateway::Stage")
    assert stage_id in json.dumps(association["Properties"]["ResourceArn"])


def test_managed_rules_then_a_rate_limit_per_address_then_a_lower_one_on_unsigned_public_routes(synthesized):
    rules = sorted(web_acl(synthesized)["Rules"], key=lambda r: r["Priority"])
    managed = [r["Statement"]["ManagedRuleGroupStatement"]["Name"] for r in rules if "OverrideAction" in r]
    assert managed == list(MANAGED_RULE_GROUPS)
    rates = {r["Name"]: r for r in rules if "RateBasedStatement" in r["Statement"]}
    whole = rates["PerAddress"]["Statement"]["RateBasedStatement"]
    assert whole["Limit"] == DEFAULT_WAF_RATE_LIMIT and whole["AggregateKeyType"] == "IP"
    assert "ScopeDownStatement" not in whole
    public = rates["PublicRoutesPerAddress"]["Statement"]["RateBasedStatement"]
    assert public["Limit"] == PUBLIC_ROUTES_LIMIT < DEFAULT_WAF_RATE_LIMIT
    under, unsigned = public["ScopeDownStatement"]["AndStatement"]["Statements"]
    matched = {s["ByteMatchStatement"]["SearchString"] for s in under["OrStatement"]["Statements"]}
    assert matched == set(public_prefixes(CATALOG))
    # every public route of the catalogue is under one of them; a signed-in request is not counted here
    for route in (r for f in CATALOG.api_functions() for r in f.public_routes):
        assert any(f"/{route}".startswith(prefix) for prefix in matched), route
    header = unsigned["NotStatement"]["Statement"]["SizeConstraintStatement"]
    assert header["FieldToMatch"] == {"SingleHeader": {"Name": "authorization"}} and header["Size"] == 0
    assert all(r["Action"] == {"Block": {}} for r in rates.values())


def test_only_blocked_requests_are_logged_encrypted_and_without_path_query_or_token(synthesized):
    (logging,) = synthesized.resources("Api", "AWS::WAFv2::LoggingConfiguration").values()
    properties = logging["Properties"]
    redacted = [next(iter(field)) for field in properties["RedactedFields"]]
    assert sorted(redacted) == ["QueryString", "SingleHeader", "UriPath"]
    assert properties["LoggingFilter"]["DefaultBehavior"] == "DROP"
    (destination,) = properties["LogDestinationConfigs"]
    group = synthesized.templates["Api"]["Resources"][destination["Fn::GetAtt"][0]]["Properties"]
    assert group["KmsKeyId"] and group["RetentionInDays"] > 0
    assert "aws-waf-logs-" in json.dumps(group["LogGroupName"])


def test_the_firewall_is_off_unless_the_stage_asks_and_the_limit_is_checked():
    assert stage_options({}, "dev").waf is False
    assert stage_options({"practiceflow:waf": {"prod": True}}, "dev").waf is False
    chosen = stage_options({"practiceflow:waf": "true", "practiceflow:waf-rate-limit": "500"}, "prod")
    assert chosen.waf is True and chosen.waf_rate_limit == 500
    with pytest.raises(ValueError, match="waf-rate-limit"):
        stage_options({"practiceflow:waf-rate-limit": 50}, "prod")
    with pytest.raises(ValueError, match="practiceflow:waf"):
        stage_options({"practiceflow:waf": "yes"}, "prod")
