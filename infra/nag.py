"""Acknowledged cdk-nag findings: each one names its exact rule id (with the finding in brackets where a
rule reports several) and says why it does not apply here. Every acknowledgement goes through
`acknowledge`, which also records it on the construct, so `acknowledged(app)` lists them all and the
tests can prove each one still matches a real finding."""

from __future__ import annotations

import re
from dataclasses import dataclass

import aws_cdk as cdk
from constructs import IConstruct

RULE_ID = re.compile(r"^(AwsSolutions|HIPAA\.Security)-[A-Za-z0-9]+(\[[^\]]+\])?$")


@dataclass(frozen=True)
class Acknowledged:
    path: str
    id: str
    reason: str


METADATA = "practiceflow:acknowledged"

# Reasons shared by several constructs, kept here so the same finding is always explained the same way.
XRAY_WILDCARD = ("X-Ray's PutTraceSegments and PutTelemetryRecords have no resource-level permissions; "
                 "'*' is the only resource they accept.")
LAMBDA_RUNTIME = ("Pinned to python3.12: the dependency layer's wheels are built for cp312 "
                  "(infra/packaging.py), so the runtime moves only together with the layer.")
LAMBDA_NO_VPC = ("The functions reach only regional AWS APIs (DynamoDB, EventBridge, Secrets Manager) over TLS "
                 "with IAM auth; there is no private network resource to reach, so a VPC would add NAT and "
                 "endpoint cost and cold-start latency without reducing exposure.")
LAMBDA_CONCURRENCY = ("Concurrency is reserved only where the catalogue says (Function.reserved_concurrency): "
                      "reserving for every function would starve the account's unreserved pool (new accounts "
                      "have 10) and fail deployment.")


def acknowledge(construct: IConstruct, rule_id: str, reason: str) -> None:
    """Acknowledge one cdk-nag finding on `construct` (and the resources under it)."""
    if not RULE_ID.match(rule_id):
        raise ValueError(f"not an exact cdk-nag rule id: {rule_id!r}")
    if len(reason.strip()) < 20:
        raise ValueError(f"acknowledging {rule_id} needs a reason, not {reason!r}")
    # the tests switch acknowledgements off (context) to prove each one still matches a real finding
    if construct.node.try_get_context("practiceflow:acknowledge") not in (False, "false"):
        cdk.Validations.of(construct).acknowledge(cdk.Acknowledgment(id=rule_id, reason=reason))
    construct.node.add_metadata(METADATA, {"id": rule_id, "reason": reason})


def acknowledged(scope: IConstruct) -> list[Acknowledged]:
    """Every acknowledgement made under `scope`, in tree order."""
    return [
        Acknowledged(node.node.path, entry.data["id"], entry.data["reason"])
        for node in scope.node.find_all()
        for entry in node.node.metadata
        if entry.type == METADATA
    ]
