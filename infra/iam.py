"""Each catalogue Access mapped to the narrowest IAM statements that allow it: named actions (never a
wildcard) on the named resources (the table and its indexes, its stream, the bus, the secret)."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Aws
from aws_cdk import aws_iam as iam

from infra.catalog import Access

# The data-plane actions each access grants; kms actions are on the data key, through the owning service.
ACTIONS: dict[Access, frozenset[str]] = {
    Access.TABLE_READ: frozenset({"dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem", "kms:Decrypt"}),
    # Transactions are authorised by the actions inside them, so TransactWriteItems needs no action of its own.
    Access.TABLE_WRITE: frozenset({
        "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem",
        "kms:Decrypt", "kms:GenerateDataKey",
    }),
    Access.TABLE_STREAM: frozenset({
        "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams",
        "kms:Decrypt",
    }),
    Access.EVENTS_PUT: frozenset({"events:PutEvents"}),
    Access.PAGE_TOKEN_SECRET: frozenset({"secretsmanager:GetSecretValue", "kms:Decrypt"}),
    Access.STATES_START: frozenset({"states:StartExecution"}),
    # task tokens name no resource: SendTask* has no resource-level permission
    Access.STATES_CALLBACK: frozenset({"states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"}),
    Access.EMAIL_SEND: frozenset({"ses:SendEmail"}),
    # SMS goes to phone numbers, which have no ARN: allowed on "*", with publishing to any topic denied
    Access.SMS_SEND: frozenset({"sns:Publish", "sns:CheckIfPhoneNumberIsOptedOut"}),
}


@dataclass(frozen=True)
class DataResources:
    """ARNs of what the catalogue's accesses are about (tokens at synth time)."""

    table_arn: str
    stream_arn: str
    index_names: tuple[str, ...]
    data_key_arn: str
    bus_arn: str
    page_token_secret_arn: str
    state_machine_arns: tuple[str, ...] = ()  # the workflows this function starts (its Function.state_machines)
    email_identity_arn: str = ""  # the verified SES identity (domain) notifications are sent from


def _via(service: str) -> dict:
    # the data key may only be used through the service that owns the data, never directly
    return {"StringEquals": {"kms:ViaService": f"{service}.{Aws.REGION}.amazonaws.com"}}


def _statements_for(access: Access, data: DataResources) -> list[iam.PolicyStatement]:
    table, key = data.table_arn, data.data_key_arn
    match access:
        case Access.TABLE_READ:
            return [
                iam.PolicyStatement(
                    sid="TableRead", actions=["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"],
                    resources=[table]),
                iam.PolicyStatement(
                    sid="TableIndexQuery", actions=["dynamodb:Query"],
                    resources=[f"{table}/index/{name}" for name in data.index_names]),
                iam.PolicyStatement(
                    sid="TableKeyDecrypt", actions=["kms:Decrypt"], resources=[key], conditions=_via("dynamodb")),
            ]
        case Access.TABLE_WRITE:
            return [
                iam.PolicyStatement(
                    sid="TableWrite",
                    actions=["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                             "dynamodb:ConditionCheckItem"],
                    resources=[table]),
                iam.PolicyStatement(
                    sid="TableKeyWrite", actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[key],
                    conditions=_via("dynamodb")),
            ]
        case Access.TABLE_STREAM:
            return [
                iam.PolicyStatement(
                    sid="TableStreamRead",
                    actions=["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
                    resources=[data.stream_arn]),
                # ListStreams has no resource-level permission: the Lambda poller calls it on the account
                iam.PolicyStatement(sid="TableStreamList", actions=["dynamodb:ListStreams"], resources=["*"]),
                iam.PolicyStatement(sid="TableStreamDecrypt", actions=["kms:Decrypt"], resources=[key]),
            ]
        case Access.EVENTS_PUT:
            return [iam.PolicyStatement(sid="BusPut", actions=["events:PutEvents"], resources=[data.bus_arn])]
        case Access.PAGE_TOKEN_SECRET:
            return [
                iam.PolicyStatement(
                    sid="PageTokenSecretRead", actions=["secretsmanager:GetSecretValue"],
                    resources=[data.page_token_secret_arn]),
                iam.PolicyStatement(
                    sid="PageTokenSecretDecrypt", actions=["kms:Decrypt"], resources=[key],
                    conditions=_via("secretsmanager")),
            ]
        case Access.STATES_START:
            if not data.state_machine_arns:
                return []
            return [iam.PolicyStatement(
                sid="StartWorkflows", actions=["states:StartExecution"], resources=list(data.state_machine_arns))]
        case Access.STATES_CALLBACK:
            return [iam.PolicyStatement(
                sid="ResumeWorkflows", resources=["*"],
                actions=["states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"])]
        case Access.EMAIL_SEND:
            if not data.email_identity_arn:
                raise ValueError("email:send needs the sender's SES identity (context practiceflow:sender)")
            return [iam.PolicyStatement(sid="SendEmailFromSender", actions=["ses:SendEmail"],
                                        resources=[data.email_identity_arn])]
        case Access.SMS_SEND:
            return [
                iam.PolicyStatement(sid="SendSms", actions=["sns:Publish", "sns:CheckIfPhoneNumberIsOptedOut"],
                                    resources=["*"]),
                # "*" above is for phone numbers only: no topic or platform endpoint may be published to
                iam.PolicyStatement(sid="NoTopicPublish", effect=iam.Effect.DENY, actions=["sns:Publish"],
                                    resources=[f"arn:{Aws.PARTITION}:sns:*:*:*"]),
            ]
    raise ValueError(f"no IAM mapping for {access!r}")  # pragma: no cover - the match is exhaustive


def statements(access: frozenset[Access], data: DataResources) -> list[iam.PolicyStatement]:
    """The statements for a function's whole access set, in a stable order (so templates diff cleanly)."""
    found: list[iam.PolicyStatement] = []
    for each in sorted(access):
        found.extend(_statements_for(each, data))
    return found
