"""Each catalogue Access mapped to the narrowest IAM statements that allow it: named actions (never a
wildcard) on the named resources (the table and its indexes, its stream, the bus, the secret).

An API function's table access is not on its own role: it is on its tenant role (tenant_statements), which
the function assumes per request with a session tag naming the caller's practice and which reaches only
partition keys of that practice (functions/core/tenancy.py)."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Aws
from aws_cdk import aws_iam as iam

from functions.core.keys import AUDIT_PARTITION_PATTERN, tenant_key_pattern
from functions.core.tenancy import TAG
from infra.catalog import TABLE_ACCESS, Access

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
    Access.STATES_STOP: frozenset({"states:ListExecutions", "states:StopExecution"}),
    # task tokens name no resource: SendTask* has no resource-level permission
    Access.STATES_CALLBACK: frozenset({"states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"}),
    Access.EMAIL_SEND: frozenset({"ses:SendEmail"}),
    # SMS goes to phone numbers, which have no ARN: allowed on "*", with publishing to any topic denied
    Access.SMS_SEND: frozenset({"sns:Publish", "sns:CheckIfPhoneNumberIsOptedOut"}),
    # a presigned PUT is signed with the function's credentials, so the function holds PutObject; HeadObject is
    # GetObject's; the bucket's key encrypts and decrypts through S3 only
    Access.EVIDENCE_FILES: frozenset({"s3:PutObject", "s3:GetObject", "kms:Decrypt", "kms:GenerateDataKey"}),
    # the approximate counts only: no message is received, so no key is needed and nothing parked is read
    Access.DEAD_LETTER_DEPTHS: frozenset({"sqs:GetQueueAttributes"}),

    # HeadObject (what is there already) is GetObject's; the bucket's key encrypts (and, for S3's bucket key,
    # decrypts) through S3 only, as the evidence bucket's does
    Access.AUDIT_ARCHIVE: frozenset({"s3:PutObject", "s3:GetObject", "kms:Decrypt", "kms:GenerateDataKey"}),

    # exactly what functions/accounts/cognito.py calls
    Access.USER_INVITE: frozenset({"cognito-idp:AdminGetUser", "cognito-idp:AdminCreateUser",
                                   "cognito-idp:AdminAddUserToGroup"}),
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
    # the SES configuration set sends name: SES checks ses:SendEmail on it as well as on the identity
    email_configuration_set_arn: str = ""

    evidence_bucket_arn: str = ""  # the encrypted bucket of training certificates (its name's prefix, then *)
    # the stage's dead-letter queues (built after the functions: infra/constructs/watch.py adds the statement then)
    dead_letter_queue_arns: tuple[str, ...] = ()

    audit_archive_bucket_arn: str = ""  # the Object Lock bucket of the audit trail's days (its name's prefix, then *)

    user_pool_arn: str = ""  # the Cognito user pool invitations create users in


def _practice_objects(name: str, bucket_arn: str, key: str, missing: str) -> list[iam.PolicyStatement]:
    """Put and get (HeadObject) objects under practices/ of a bucket named by prefix, held to this account, and its
    key through S3 only."""
    if not bucket_arn:
        raise ValueError(missing)
    return [
        iam.PolicyStatement(sid=f"{name}Objects", actions=["s3:PutObject", "s3:GetObject"],
                            resources=[f"{bucket_arn}/practices/*"],
                            conditions={"StringEquals": {"s3:ResourceAccount": Aws.ACCOUNT_ID}}),
        iam.PolicyStatement(sid=f"{name}Key", actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[key],
                            conditions=_via("s3")),
    ]


def _via(service: str) -> dict:
    # the data key may only be used through the service that owns the data, never directly
    return {"StringEquals": {"kms:ViaService": f"{service}.{Aws.REGION}.amazonaws.com"}}


# The session tag the tenant role's statements read: each request's session carries the caller's practice.
PRINCIPAL_PRACTICE = f"${{aws:PrincipalTag/{TAG}}}"
TENANT_LEADING_KEYS = {
    # every partition key the call leads with (an index's, for a Query on it) is the practice's own ...
    "ForAllValues:StringLike": {"dynamodb:LeadingKeys": [tenant_key_pattern(PRINCIPAL_PRACTICE)]},
    # ... and there is at least one: ForAllValues over no keys at all would be true
    "Null": {"dynamodb:LeadingKeys": "false"},
}


def audit_append_only(table_arn: str) -> iam.PolicyStatement:
    """No UpdateItem or DeleteItem in any practice's audit partition (entries, head, checkpoint): the trail is
    appended by conditional Puts only. IAM has no condition key for a ConditionExpression, so a Put over an
    existing entry cannot be denied here; the nightly chain verification finds one."""
    return iam.PolicyStatement(
        sid="AuditIsAppendOnly", effect=iam.Effect.DENY, actions=["dynamodb:UpdateItem", "dynamodb:DeleteItem"],
        resources=[table_arn],
        conditions={"ForAnyValue:StringLike": {"dynamodb:LeadingKeys": [AUDIT_PARTITION_PATTERN]}})


def _statements_for(access: Access, data: DataResources, items: dict | None = None) -> list[iam.PolicyStatement]:
    """`items`: conditions on the table's items (the tenant role's leading keys); None for the whole table."""
    table, key = data.table_arn, data.data_key_arn
    match access:
        case Access.TABLE_READ:
            return [
                iam.PolicyStatement(
                    sid="TableRead", actions=["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"],
                    resources=[table], conditions=items),
                iam.PolicyStatement(
                    sid="TableIndexQuery", actions=["dynamodb:Query"],
                    resources=[f"{table}/index/{name}" for name in data.index_names], conditions=items),
                iam.PolicyStatement(
                    sid="TableKeyDecrypt", actions=["kms:Decrypt"], resources=[key], conditions=_via("dynamodb")),
            ]
        case Access.TABLE_WRITE:
            return [
                iam.PolicyStatement(
                    sid="TableWrite",
                    actions=["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                             "dynamodb:ConditionCheckItem"],
                    resources=[table], conditions=items),
                audit_append_only(table),
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
                iam.PolicyStatement(sid="TableStreamDecrypt", actions=["kms:Decrypt"], resources=[key],
                                    conditions=_via("dynamodb")),
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
        case Access.STATES_STOP:
            if not data.state_machine_arns:
                return []
            # an execution's ARN is its machine's with :execution: and the execution's name after it
            executions = [f"{arn.replace(':stateMachine:', ':execution:')}:*" for arn in data.state_machine_arns]
            return [
                iam.PolicyStatement(sid="ListWorkflowRuns", actions=["states:ListExecutions"],
                                    resources=list(data.state_machine_arns)),
                iam.PolicyStatement(sid="StopWorkflowRuns", actions=["states:StopExecution"], resources=executions),
            ]
        case Access.STATES_CALLBACK:
            return [iam.PolicyStatement(
                sid="ResumeWorkflows", resources=["*"],
                actions=["states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"])]
        case Access.EMAIL_SEND:
            if not data.email_identity_arn:
                raise ValueError("email:send needs the sender's SES identity (context practiceflow:sender)")
            # SES authorizes a send on every resource it names: the From identity, and the configuration set
            # the request passes (without it, every email fails AccessDenied)
            sending = [data.email_identity_arn] + ([data.email_configuration_set_arn]
                                                   if data.email_configuration_set_arn else [])
            return [iam.PolicyStatement(sid="SendEmailFromSender", actions=["ses:SendEmail"], resources=sending)]
        case Access.SMS_SEND:
            return [
                iam.PolicyStatement(sid="SendSms", actions=["sns:Publish", "sns:CheckIfPhoneNumberIsOptedOut"],
                                    resources=["*"]),
                # "*" above is for phone numbers only: no topic or platform endpoint may be published to
                iam.PolicyStatement(sid="NoTopicPublish", effect=iam.Effect.DENY, actions=["sns:Publish"],
                                    resources=[f"arn:{Aws.PARTITION}:sns:*:*:*"]),
            ]
        case Access.EVIDENCE_FILES:
            return _practice_objects("Evidence", data.evidence_bucket_arn, key, "s3:evidence needs the evidence bucket")
        case Access.DEAD_LETTER_DEPTHS:
            return [dead_letter_depths(data.dead_letter_queue_arns)] if data.dead_letter_queue_arns else []
        case Access.AUDIT_ARCHIVE:
            return _practice_objects("AuditArchive", data.audit_archive_bucket_arn, key,
                                     "s3:audit-archive needs the audit archive bucket")

        case Access.USER_INVITE:
            if not data.user_pool_arn:
                raise ValueError("cognito:invite needs the user pool")
            return [iam.PolicyStatement(sid="InviteUsers", actions=sorted(ACTIONS[Access.USER_INVITE]),
                                        resources=[data.user_pool_arn])]
    raise ValueError(f"no IAM mapping for {access!r}")  # pragma: no cover - the match is exhaustive


def dead_letter_depths(queue_arns: tuple[str, ...]) -> iam.PolicyStatement:
    return iam.PolicyStatement(sid="DeadLetterDepths", actions=["sqs:GetQueueAttributes"], resources=list(queue_arns))


def statements(access: frozenset[Access], data: DataResources,
               tenant_role_arn: str | None = None) -> list[iam.PolicyStatement]:
    """The statements for a function's whole access set, in a stable order (so templates diff cleanly).
    With `tenant_role_arn`, the table is reached only through that role: the function may assume it, tagged
    with one practice, and keeps no table access of its own (only the audit Deny, should any be granted)."""
    found: list[iam.PolicyStatement] = []
    for each in sorted(access):
        if tenant_role_arn is None or each not in TABLE_ACCESS:
            found.extend(_statements_for(each, data))
    if tenant_role_arn is not None and access & TABLE_ACCESS:
        found.append(iam.PolicyStatement(sid="AssumeTenantRole", actions=["sts:AssumeRole", "sts:TagSession"],
                                         resources=[tenant_role_arn]))
        if Access.TABLE_WRITE in access:
            found.append(audit_append_only(data.table_arn))
    return found


def tenant_statements(access: frozenset[Access], data: DataResources) -> list[iam.PolicyStatement]:
    """A tenant role's statements: the function's table access, on the practice's partition keys only."""
    found: list[iam.PolicyStatement] = []
    for each in sorted(access & TABLE_ACCESS):
        found.extend(_statements_for(each, data, items=TENANT_LEADING_KEYS))
    return found
