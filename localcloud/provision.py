"""Create on moto the resources the catalogue's functions expect: the table, the page-token secret, the
event bus and the tenant role. Used by the local cloud and by the integration tests, so both see the same
shapes."""

import json
import secrets as _secrets
from dataclasses import dataclass

import boto3

from functions.core.auth import PATIENT_CLAIM, PRACTICE_CLAIM, Role
from functions.core.keys import AUDIT_PARTITION_PATTERN, tenant_key_pattern
from functions.core.tenancy import TAG
from infra.catalog import Catalog

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account


@dataclass(frozen=True)
class Resources:
    table_name: str
    bus_name: str
    page_token_secret_arn: str
    stream_arn: str | None
    tenant_role_arn: str | None = None
    evidence_bucket: str | None = None
    audit_archive_bucket: str | None = None
    user_pool_id: str | None = None

    def environment(self, service: str = "practiceflow") -> dict[str, str]:
        """The environment every function gets (the CDK stack sets the same names; TENANT_ROLE_ARN only on
        the API functions, but only a request's calls use it, so jobs and workers here are not affected)."""
        tenant = {"TENANT_ROLE_ARN": self.tenant_role_arn} if self.tenant_role_arn else {}
        # the CDK stack sets EVIDENCE_BUCKET on the functions with its access only; here every function has it
        evidence = {"EVIDENCE_BUCKET": self.evidence_bucket} if self.evidence_bucket else {}
        archive = {"AUDIT_ARCHIVE_BUCKET": self.audit_archive_bucket} if self.audit_archive_bucket else {}
        # likewise USER_POOL_ID, which the CDK stack gives only the function that invites users
        users = {"USER_POOL_ID": self.user_pool_id} if self.user_pool_id else {}
        return {**tenant, **evidence, **archive, **users,
            "TABLE_NAME": self.table_name,
            "EVENT_BUS_NAME": self.bus_name,
            "PAGE_TOKEN_SECRET_ARN": self.page_token_secret_arn,
            "POWERTOOLS_SERVICE_NAME": service,
            "POWERTOOLS_METRICS_NAMESPACE": "PracticeFlow",
            "STAGE": "local",
            "PUBLIC_API_URL": "http://localhost:8000",  # the local server sets its own address when it starts
        }


def create_table(catalog: Catalog, name: str) -> str | None:
    spec = catalog.table
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    attributes = {spec.pk, spec.sk} | {a for i in spec.indexes for a in (i.pk, i.sk)}
    response = dynamodb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in sorted(attributes)],
        KeySchema=[{"AttributeName": spec.pk, "KeyType": "HASH"}, {"AttributeName": spec.sk, "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": index.name,
                "KeySchema": [{"AttributeName": index.pk, "KeyType": "HASH"},
                              {"AttributeName": index.sk, "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            }
            for index in spec.indexes
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    dynamodb.update_time_to_live(
        TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": spec.ttl_attribute}
    )
    return response["TableDescription"].get("LatestStreamArn")


def provision(catalog: Catalog, table_name: str = "practiceflow", bus_name: str = "practiceflow",
              page_token_secret: str | None = None, with_user_pool: bool = True) -> Resources:
    """Must run inside an active moto mock. `with_user_pool=False` leaves out the pool invitations need: moto takes
    0.3-0.5 s to make it, which a test that never reaches /accounts should not pay."""
    stream_arn = create_table(catalog, table_name)
    boto3.client("events", region_name=REGION).create_event_bus(Name=bus_name)
    secret = boto3.client("secretsmanager", region_name=REGION).create_secret(
        Name=f"{table_name}/page-token-key", SecretString=page_token_secret or _secrets.token_urlsafe(32)
    )
    verify_sender()
    return Resources(table_name, bus_name, secret["ARN"], stream_arn, tenant_role(table_name),
                     evidence_bucket(f"{table_name}-evidence"), audit_archive_bucket(f"{table_name}-audit-archive"),
                     user_pool(table_name) if with_user_pool else None)


def evidence_bucket(name: str) -> str:
    """The evidence bucket (training certificates); on AWS the data stack's (infra/constructs/data.py)."""
    boto3.client("s3", region_name=REGION).create_bucket(Bucket=name)
    return name


# HIPAA's documentation period; the data stack's bucket keeps the same (infra/constructs/data.py)
AUDIT_ARCHIVE_YEARS = 6


def audit_archive_bucket(name: str) -> str:
    """The audit archive: Object Lock in compliance mode, every object retained six years from its put (the
    bucket's default retention, as on AWS: the function never sets a retention itself)."""
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": AUDIT_ARCHIVE_YEARS}}})
    return name

def user_pool(name: str) -> str:
    """The user pool invitations create users in, shaped as the CDK's (infra/constructs/api.py): email is the
    username, the practice and patient bindings are custom attributes, a group per role. Local sign-in stays
    `practice token` (localcloud/tokens.py); this pool only receives the invitations."""
    cognito = boto3.client("cognito-idp", region_name=REGION)
    pool = cognito.create_user_pool(
        PoolName=name, UsernameAttributes=["email"], AutoVerifiedAttributes=["email"],
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
        Schema=[
            {"Name": PRACTICE_CLAIM.removeprefix("custom:"), "AttributeDataType": "String", "Mutable": False,
             "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "64"}},
            {"Name": PATIENT_CLAIM.removeprefix("custom:"), "AttributeDataType": "String", "Mutable": True,
             "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "64"}},
        ])["UserPool"]
    for role in Role:
        cognito.create_group(UserPoolId=pool["Id"], GroupName=role.value)
    return pool["Id"]


def tenant_role(table_name: str) -> str:
    """The role API requests assume, tagged with the caller's practice (functions/core/tenancy.py). Moto runs
    AssumeRole with tags but enforces no policy: the policy here documents what AWS enforces (infra/iam.py;
    the tests check the same patterns on moto, tests/tenant_guard.py)."""
    iam = boto3.client("iam", region_name=REGION)
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": ["sts:AssumeRole", "sts:TagSession"],
        "Condition": {"StringLike": {f"aws:RequestTag/{TAG}": "?*"}},
    }]}
    role = iam.create_role(RoleName=f"{table_name}-tenant", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    table = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{table_name}"
    leading = tenant_key_pattern(f"${{aws:PrincipalTag/{TAG}}}")
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Resource": [table, f"{table}/index/*"],
         "Action": ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem",
                    "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"],
         "Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [leading]}}},
        {"Effect": "Deny", "Resource": [table], "Action": ["dynamodb:UpdateItem", "dynamodb:DeleteItem"],
         "Condition": {"ForAnyValue:StringLike": {"dynamodb:LeadingKeys": [AUDIT_PARTITION_PATTERN]}}},
    ]}
    iam.put_role_policy(RoleName=role["RoleName"], PolicyName="practice-data", PolicyDocument=json.dumps(policy))
    return role["Arn"]


# The notifications sender's domain (core.settings' notifications_sender): SES refuses to send
# from an unverified identity, on moto as on AWS.
SENDER_DOMAIN = "practiceflow.local"


def verify_sender(domain: str = SENDER_DOMAIN) -> None:
    boto3.client("ses", region_name=REGION).verify_domain_identity(Domain=domain)
