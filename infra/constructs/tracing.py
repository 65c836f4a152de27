"""How much X-Ray traces: sampling rules for the services that consult them, the API stage and the workflows.
X-Ray's default rule traces the first request each second and 5% after, so at a practice's pace (well under a
request a second) it traces nearly every request; these rules trace 5% with no per-second reservoir. Lambda does
not consult rules: a function invoked by the API or a workflow follows their decision, and one a schedule, a
topic or the stream invokes keeps Lambda's own default."""

from __future__ import annotations

from aws_cdk import aws_xray as xray
from constructs import Construct

TRACED_SHARE = 0.05
# Above the default rule (10000), below anything an operator adds by hand to look closer (a smaller number wins).
PRIORITY = 9000


def api_service_name(stage: str) -> str:
    """How the REST API stage names itself in segments: <api name>/<stage>."""
    return f"practiceflow-{stage}/{stage}"


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
            for what, service in (("api", api_service_name(stage)), ("workflows", workflow_service_names(stage)))
        }
