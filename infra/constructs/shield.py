"""The API's web application firewall, for a stage whose operator turns it on (`practiceflow:waf`, infra/options.py):
AWS's managed common and known-bad-input rules, a per-address rate limit on the whole API, and a much lower one on
the public routes (links in messages and other token routes, served without sign-in). Blocked requests are logged
without their path, query or token, which can identify a patient."""

from __future__ import annotations

from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infra.catalog import Catalog
from infra.constructs import RETAINED, stack_unique
from infra.constructs.functions import LOG_RETENTION

# WAF counts each address over a 5-minute window (its smallest is 100 requests).
PUBLIC_ROUTES_LIMIT = 100  # a person follows a link a few times; a script guessing tokens does not stop at 100
MANAGED_RULE_GROUPS = ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet")


def public_prefixes(catalog: Catalog) -> tuple[str, ...]:
    """Each public route up to its first path parameter ("/notifications/opt-out/"): what WAF matches them by."""
    prefixes = set()
    for spec in catalog.api_functions():
        for route in spec.public_routes:
            fixed = route.strip("/").split("{", 1)[0]
            prefixes.add("/" + fixed if fixed.endswith("/") else f"/{fixed}/")
    return tuple(sorted(prefixes))


def _visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=False)


def _unsigned_public(prefixes: tuple[str, ...]) -> wafv2.CfnWebACL.StatementProperty:
    """A request to a public route: under one of its prefixes, with no Authorization header (a signed-in
    request to a mount that shares a prefix, such as /surveys/, is counted only by the per-address rule)."""
    unsigned = wafv2.CfnWebACL.StatementProperty(not_statement=wafv2.CfnWebACL.NotStatementProperty(
        statement=wafv2.CfnWebACL.StatementProperty(size_constraint_statement=wafv2.CfnWebACL.SizeConstraintStatementProperty(
            field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(single_header={"Name": "authorization"}),
            comparison_operator="GT", size=0,
            text_transformations=[wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="NONE")]))))
    return wafv2.CfnWebACL.StatementProperty(and_statement=wafv2.CfnWebACL.AndStatementProperty(
        statements=[_under_any(prefixes), unsigned]))


def _under_any(prefixes: tuple[str, ...]) -> wafv2.CfnWebACL.StatementProperty:
    # the path WAF sees for a REST API stage is /<stage>/<route>: a prefix is matched anywhere in it
    matches = [wafv2.CfnWebACL.StatementProperty(byte_match_statement=wafv2.CfnWebACL.ByteMatchStatementProperty(
        field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(uri_path={}), positional_constraint="CONTAINS",
        search_string=prefix,
        text_transformations=[wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="LOWERCASE")],
    )) for prefix in prefixes]
    if len(matches) == 1:
        return matches[0]
    return wafv2.CfnWebACL.StatementProperty(or_statement=wafv2.CfnWebACL.OrStatementProperty(statements=matches))


class ShieldConstruct(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, catalog: Catalog, stage: str, stage_arn: str,
                 rate_limit: int, key: kms.IKey) -> None:
        super().__init__(scope, construct_id)
        rules = [
            wafv2.CfnWebACL.RuleProperty(
                name=group, priority=priority, override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                statement=wafv2.CfnWebACL.StatementProperty(
                    managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                        vendor_name="AWS", name=group)),
                visibility_config=_visibility(group))
            for priority, group in enumerate(MANAGED_RULE_GROUPS)
        ]
        rules.append(self._rate_rule("PerAddress", len(rules), rate_limit, scope_down=None))
        prefixes = public_prefixes(catalog)
        if prefixes:
            rules.append(self._rate_rule("PublicRoutesPerAddress", len(rules), PUBLIC_ROUTES_LIMIT,
                                         scope_down=_unsigned_public(prefixes)))
        self.web_acl = wafv2.CfnWebACL(
            self, "WebAcl", name=f"practiceflow-{stage}-api", scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            description="PracticeFlow API: managed rules and per-address rate limits",
            visibility_config=_visibility(f"practiceflow-{stage}-api"), rules=rules,
        )
        self.association = wafv2.CfnWebACLAssociation(
            self, "Association", resource_arn=stage_arn, web_acl_arn=self.web_acl.attr_arn)
        # WAF logs only to a group whose name starts with aws-waf-logs-
        self.log_group = logs.LogGroup(
            self, "Logs", log_group_name=stack_unique(self, f"aws-waf-logs-practiceflow-{stage}"),
            retention=LOG_RETENTION, encryption_key=key, removal_policy=RETAINED)
        wafv2.CfnLoggingConfiguration(
            self, "Logging", resource_arn=self.web_acl.attr_arn,
            log_destination_configs=[self.log_group.log_group_arn],
            redacted_fields=[wafv2.CfnLoggingConfiguration.FieldToMatchProperty(uri_path={}),
                             wafv2.CfnLoggingConfiguration.FieldToMatchProperty(query_string={}),
                             wafv2.CfnLoggingConfiguration.FieldToMatchProperty(
                                 single_header={"Name": "authorization"})],
            logging_filter={"DefaultBehavior": "DROP", "Filters": [{
                "Behavior": "KEEP", "Requirement": "MEETS_ANY",
                "Conditions": [{"ActionCondition": {"Action": "BLOCK"}}]}]},
        )

    @staticmethod
    def _rate_rule(name: str, priority: int, limit: int,
                   scope_down: wafv2.CfnWebACL.StatementProperty | None) -> wafv2.CfnWebACL.RuleProperty:
        return wafv2.CfnWebACL.RuleProperty(
            name=name, priority=priority, action=wafv2.CfnWebACL.RuleActionProperty(block={}),
            statement=wafv2.CfnWebACL.StatementProperty(rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                limit=limit, aggregate_key_type="IP", evaluation_window_sec=300, scope_down_statement=scope_down)),
            visibility_config=_visibility(name))
