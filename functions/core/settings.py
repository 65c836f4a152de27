"""Settings read once from the environment and validated, so a misconfigured function fails at start."""

import json
import os
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

from functions.core.container import per_container

# The only stage that may stand a simulator in for an outside party (the clearinghouse): the local cloud, which
# the tests run as too. infra/ never deploys it, so no deployed function can be talked into simulating.
SIMULATOR_STAGES = frozenset({"local"})
SIMULATED = "simulated"
# what a browser sends as Origin: scheme, host, port; no path, no wildcard
ORIGIN = r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$"


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
    # billing: which clearinghouse adapter claims go through: "simulated" (the built-in simulator, local only, and
    # the default there); elsewhere unset until a real adapter exists, so the claim workflow cannot submit
    billing_clearinghouse: Literal["simulated"] | None = None
    # notifications: the verified SES identity mail is sent from (localcloud verifies this domain on moto),
    # the SES configuration set that reports bounces, and the SMS sender id where the country allows one
    notifications_sender: str = "PracticeFlow <notifications@practiceflow.local>"
    notifications_ses_configuration_set: str | None = None
    notifications_sms_sender_id: str | None = None
    # compliance: the encrypted bucket training certificates are uploaded to (presigned), and, locally only, the
    # address clients upload to instead of S3's (`practice serve` takes the uploads itself: localcloud/uploads.py)
    evidence_bucket: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
    evidence_upload_endpoint: str | None = Field(default=None, pattern=r"^https?://[^\s]+[^/\s]$")
    # compliance: the Object Lock bucket the audit trail is archived to, day by day (compliance/audit_archive.py)
    audit_archive_bucket: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")

    # accounts: the Cognito user pool invitations create users in (only accounts-api is given it)
    user_pool_id: str | None = Field(default=None, pattern=r"^[\w-]+_[0-9A-Za-z]+$")

    # the browser origins (scheme://host[:port]) whose pages may call the API: CORS_ALLOWED_ORIGINS, comma-separated;
    # none by default, so no other site's script can read an answer
    cors_allowed_origins: tuple[Annotated[str, StringConstraints(pattern=ORIGIN)], ...] = ()

    # operations: the watcher's dead-letter queues (name in the stage -> URL) and each scheduled job with the minutes
    # it may go without a finished run (infra/heartbeats.py), both JSON objects set by the stack and localcloud
    dead_letter_queues: dict[Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{1,64}$")],
                             Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$")]] = {}
    watched_jobs: dict[Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,64}$")],
                       Annotated[int, Field(ge=15)]] = {}

    @field_validator("dead_letter_queues", "watched_jobs", mode="before")
    @classmethod
    def _json_object(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value  # not JSON: the field's own error names the variable
        return value

    @field_validator("cors_allowed_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(origin.strip() for origin in value.split(",") if origin.strip())
        return value

    @model_validator(mode="before")
    @classmethod
    def _simulate_by_default_where_allowed(cls, values: Any) -> Any:
        if isinstance(values, dict) and "billing_clearinghouse" not in values and \
                values.get("stage", "local") in SIMULATOR_STAGES:
            return {**values, "billing_clearinghouse": SIMULATED}
        return values

    @model_validator(mode="after")
    def _no_simulator_outside_local(self) -> "Settings":
        if self.billing_clearinghouse == SIMULATED and self.stage not in SIMULATOR_STAGES:
            raise ValueError(f"STAGE={self.stage} refuses BILLING_CLEARINGHOUSE={SIMULATED}: a simulator runs only "
                             f"in the {' or '.join(sorted(SIMULATOR_STAGES))} stage")
        return self


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
    "audit_archive_bucket": "AUDIT_ARCHIVE_BUCKET",

    "user_pool_id": "USER_POOL_ID",

    "cors_allowed_origins": "CORS_ALLOWED_ORIGINS",
    "dead_letter_queues": "DEAD_LETTER_QUEUES",
    "watched_jobs": "WATCHED_JOBS",
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
        # a rule across variables has no field; its message is ours and names the variables, never a value read
        rules = [str(e["ctx"]["error"]) for e in error.errors() if not e["loc"] and "error" in e.get("ctx", {})]
        problems = ([f"invalid or missing environment: {', '.join(names)}"] if names else []) + rules
        raise SettingsError("; ".join(problems)) from None


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
