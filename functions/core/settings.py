"""Settings read once from the environment and validated, so a misconfigured function fails at start."""

import os

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from functions.core.container import per_container


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    table_name: str = Field(min_length=3)
    event_bus_name: str = "default"
    page_token_secret_arn: str = Field(min_length=1)
    # API Gateway accepts 10 MB; no record of ours comes near 64 KiB, so anything bigger is refused early.
    max_body_bytes: int = Field(default=65_536, ge=1_024)
    stage: str = "local"
    # the API's public base URL: where links in messages (opt-out, appointment replies) point
    public_api_url: str = Field(default="http://localhost:8000", pattern=r"^https?://[^\s]+[^/\s]$")
    # the role an API function assumes, tagged with the caller's practice, for each request's DynamoDB calls
    # (functions/core/tenancy.py); unset, the function's own role makes them (jobs and workers)
    tenant_role_arn: str | None = Field(default=None, pattern=r"^arn:[\w-]+:iam::\d{12}:role/[\w+=,.@/-]+$")
    # billing: which clearinghouse adapter claims go through ("simulated" is the built-in simulator)
    billing_clearinghouse: str = "simulated"
    # notifications: the verified SES identity mail is sent from (localcloud verifies this domain on moto),
    # the SES configuration set that reports bounces, and the SMS sender id where the country allows one
    notifications_sender: str = "PracticeFlow <notifications@practiceflow.local>"
    notifications_ses_configuration_set: str | None = None
    notifications_sms_sender_id: str | None = None
    # compliance: the encrypted bucket training certificates are uploaded to (presigned), and, locally only, the
    # address clients upload to instead of S3's (`practice serve` takes the uploads itself: localcloud/uploads.py)
    evidence_bucket: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
    evidence_upload_endpoint: str | None = Field(default=None, pattern=r"^https?://[^\s]+[^/\s]$")


ENVIRONMENT = {
    "table_name": "TABLE_NAME",
    "event_bus_name": "EVENT_BUS_NAME",
    "page_token_secret_arn": "PAGE_TOKEN_SECRET_ARN",
    "max_body_bytes": "MAX_BODY_BYTES",
    "stage": "STAGE",
    "public_api_url": "PUBLIC_API_URL",
    "tenant_role_arn": "TENANT_ROLE_ARN",
    "billing_clearinghouse": "BILLING_CLEARINGHOUSE",
    "notifications_sender": "NOTIFICATIONS_SENDER",
    "notifications_ses_configuration_set": "NOTIFICATIONS_SES_CONFIGURATION_SET",
    "notifications_sms_sender_id": "NOTIFICATIONS_SMS_SENDER_ID",
    "evidence_bucket": "EVIDENCE_BUCKET",
    "evidence_upload_endpoint": "EVIDENCE_UPLOAD_ENDPOINT",
}


class SettingsError(RuntimeError):
    """The function's environment is wrong: a deployment fault, never a caller's."""


@per_container
def settings() -> Settings:
    values = {field: os.environ[var] for field, var in ENVIRONMENT.items() if var in os.environ}
    try:
        return Settings(**values)
    except ValidationError as error:
        names = sorted({ENVIRONMENT[str(e["loc"][0])] for e in error.errors() if e["loc"]})
        raise SettingsError(f"invalid or missing environment: {', '.join(names)}") from None


def state_machine_arn(name: str) -> str:
    """The ARN of catalogue state machine `name`, for a function the catalogue lets start or resume it."""
    variable = state_machine_arn_variable(name)
    try:
        return os.environ[variable]
    except KeyError:
        raise SettingsError(f"invalid or missing environment: {variable}") from None


def state_machine_arn_variable(name: str) -> str:
    """The environment variable that carries a catalogue state machine's ARN to the functions that start or
    resume it (the catalogue's Function.state_machines); the CDK stack and the local cloud both set it."""
    return f"STATE_MACHINE_{name.upper().replace('-', '_')}_ARN"
