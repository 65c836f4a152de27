"""Create on moto the resources the catalogue's functions expect: the table, the page-token secret and
the event bus. Used by the local cloud and by the integration tests, so both see the same shapes."""

import secrets as _secrets
from dataclasses import dataclass

import boto3

from infra.catalog import Catalog

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account


@dataclass(frozen=True)
class Resources:
    table_name: str
    bus_name: str
    page_token_secret_arn: str
    stream_arn: str | None

    def environment(self, service: str = "practiceflow") -> dict[str, str]:
        """The environment every function gets (the CDK stack sets the same names)."""
        return {
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
              page_token_secret: str | None = None) -> Resources:
    """Must run inside an active moto mock."""
    stream_arn = create_table(catalog, table_name)
    boto3.client("events", region_name=REGION).create_event_bus(Name=bus_name)
    secret = boto3.client("secretsmanager", region_name=REGION).create_secret(
        Name=f"{table_name}/page-token-key", SecretString=page_token_secret or _secrets.token_urlsafe(32)
    )
    verify_sender()
    return Resources(table_name, bus_name, secret["ARN"], stream_arn)


# The notifications sender's domain (functions/notifications/wiring.py DEFAULT_SENDER): SES refuses to send
# from an unverified identity, on moto as on AWS.
SENDER_DOMAIN = "practiceflow.local"


def verify_sender(domain: str = SENDER_DOMAIN) -> None:
    boto3.client("ses", region_name=REGION).verify_domain_identity(Domain=domain)
