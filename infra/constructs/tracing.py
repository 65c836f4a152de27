"""How much X-Ray traces: a sampling rule for the workflows, the one traced service that consults rules (the API
stage is not traced: its segments would record full URLs, constructs/api.py). X-Ray's default rule traces the
first request each second and 5% after, so at a practice's pace (well under a request a second) it traces nearly
every request; this rule traces 5% with no per-second reservoir. Lambda does not consult rules: a function a
workflow invokes follows its decision, any other keeps Lambda's own default."""

from __future__ import annotations

from aws_cdk import aws_xray as xray
from constructs import Construct

TRACED_SHARE = 0.05
# Above the default rule (10000), below anything an operator adds by hand to look closer (a smaller number wins).
PRIORITY = 9000


def workflow_service_names(stage: str) -> str:
    """The state machines, each named practiceflow-<stage>-<machine> (constructs/workflow.py)."""
    return f"practiceflow-{stage}-*"


class TracingConstruct(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, stage: str) -> None:
        super().__init__(scope, construct_id)
        self.rules = {
            what: xray.CfnSamplingRule(self, what.title(), sampling_rule=xray.CfnSamplingRule.SamplingRuleProperty(
                rule_name=f"practiceflow-{stage}-{what}"[:32], priority=PRIORITY,
                fixed_rate=TRACED_SHARE, reservoir_size=0,
                service_name=service, service_type="*", host="*", http_method="*", url_path="*", resource_arn="*",
                version=1))
            for what, service in (("workflows", workflow_service_names(stage)),)
        }
