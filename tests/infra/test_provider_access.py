"""Every SES and SNS call the functions' code makes is allowed on every resource AWS checks it on. The calls are
read from the code (the channels' client calls), made by the real channel adapters on a recording client with
each sending function's own synthesized environment, and each (action, resource) is judged against that
function's synthesized role: an explicit Deny wins, else an Allow must match, with IAM's wildcards."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from infra.catalog import CATALOG, Access
from tests.infra.conftest import as_list, ref_id
from tests.infra.test_template import function_ids, role_statements

pytestmark = pytest.mark.xdist_group("infra")

FUNCTIONS = Path(__file__).parents[2] / "functions"
PROVIDER_CLIENTS = {"ses", "sesv2", "sns", "pinpoint", "pinpoint-sms-voice-v2"}
SES = "arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>"
SENDERS = [f for f in CATALOG.functions if f.access & {Access.EMAIL_SEND, Access.SMS_SEND}]


def checked(operation: str, request: dict) -> list[tuple[str, str]]:
    """What AWS authorizes for one call (the Service Authorization Reference), written out apart from infra/:
    SES SendEmail on the From identity and on the configuration set the request names; SNS SMS on "*", since a
    phone number has no ARN."""
    if operation == "send_email":
        domain = request["Source"].rsplit("@", 1)[-1].strip(" >")
        found = [("ses:SendEmail", f"{SES}:identity/{domain}")]
        if "ConfigurationSetName" in request:
            found.append(("ses:SendEmail", f"{SES}:configuration-set/{request['ConfigurationSetName']}"))
        return found
    if operation == "publish":
        assert set(request) >= {"PhoneNumber"} and "TopicArn" not in request, "SMS only: topics are denied"
        return [("sns:Publish", "*")]
    if operation == "check_if_phone_number_is_opted_out":
        return [("sns:CheckIfPhoneNumberIsOptedOut", "*")]
    raise AssertionError(f"what does AWS check for {operation}? write it here")


# --- the calls, from the code ------------------------------------------------------------------------------

def provider_modules() -> set[Path]:
    """Modules that make a boto3 client of an email or SMS provider."""
    found = set()
    for path in FUNCTIONS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "client" \
                    and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value in PROVIDER_CLIENTS:
                found.add(path)
    return found


def client_calls(path: Path) -> set[str]:
    """The operations a module calls on `self.client` (the channels' one way to their provider)."""
    return {node.func.attr for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "client"}


class Recorder:
    """Stands in for the boto3 client: keeps each call and answers as the provider would for a good send."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []

    def __getattr__(self, operation: str):
        def call(**request):
            self.calls.append((operation, request))
            return {"MessageId": "provider-1", "isOptedOut": False}
        return call


def outgoing():
    from functions.notifications.ports import Outgoing

    return Outgoing(practice_id="p1", message_id="m1", person="patient:p1", address="+15555550100",
                    subject="s", text="t", html="<p>t</p>", sms="t", requested_at="2026-01-01T00:00:00.000Z",
                    source=None)


def sent_by(synthesized, name: str) -> list[tuple[str, dict]]:
    """The provider calls `name` makes for one email and one SMS, configured from its synthesized environment
    the way functions/notifications/wiring.py configures them."""
    from functions.core.settings import ENVIRONMENT, Settings
    from functions.notifications.channels import SesEmail, SnsSms

    resources = synthesized.templates["Service"]["Resources"]
    env = resources[function_ids(synthesized)[name]]["Properties"]["Environment"]["Variables"]

    def value(raw):  # a literal, or the name of a resource of the stack (the configuration set's Ref)
        return raw if isinstance(raw, str) else resources[ref_id(raw)]["Properties"]["Name"]

    variables = {variable: field for field, variable in ENVIRONMENT.items()}
    required = {"table_name": "t-1", "page_token_secret_arn": "arn:x"}  # not what this test is about
    config = Settings(**required, **{
        variables[k]: value(v) for k, v in env.items() if k.startswith("NOTIFICATIONS_")})
    recorder = Recorder()
    SesEmail(config.notifications_sender, client=recorder,
             configuration_set=config.notifications_ses_configuration_set).send(outgoing())
    SnsSms(client=recorder, sender_id=config.notifications_sms_sender_id).send(outgoing())
    return recorder.calls


# --- the role, judged --------------------------------------------------------------------------------------

def render(value) -> str:
    """A policy resource as text: pseudo parameters as <AWS::Region>, joins joined, anything else unmatchable."""
    if isinstance(value, str):
        return value
    if "Ref" in value and value["Ref"].startswith("AWS::"):
        return f"<{value['Ref']}>"
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(render(part) for part in parts)
    return f"<unresolved {value}>"


def matches(pattern: str, resource: str) -> bool:
    return re.fullmatch("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern),
                        resource) is not None


def allows(statements: list[dict], action: str, resource: str) -> bool:
    def applies(statement: dict) -> bool:
        return action in as_list(statement["Action"]) and not statement.get("Condition") and any(
            matches(render(r), resource) for r in as_list(statement["Resource"]))

    if any(s["Effect"] == "Deny" and applies(s) for s in statements):
        return False
    return any(s["Effect"] == "Allow" and applies(s) for s in statements)


def test_only_the_channels_call_an_email_or_sms_provider_and_every_call_they_make_is_judged_here(synthesized):
    (channels,) = provider_modules()
    assert channels == FUNCTIONS / "notifications" / "channels.py"
    made = {operation for operation, _ in sent_by(synthesized, SENDERS[0].name)}
    assert client_calls(channels) == made == {"send_email", "publish", "check_if_phone_number_is_opted_out"}


def test_the_worker_and_the_job_deliver_and_so_hold_the_send_access():
    # the API only stores messages; the worker (events) and the job (deferred messages) hand them to providers
    assert {f.name for f in SENDERS} == {"notifications-worker", "notifications-jobs"}


@pytest.mark.parametrize("spec", SENDERS, ids=lambda f: f.name)
def test_every_provider_call_is_allowed_on_every_resource_aws_checks(synthesized, spec):
    statements = role_statements(synthesized, function_ids(synthesized)[spec.name])
    calls = sent_by(synthesized, spec.name)
    (email,) = [request for operation, request in calls if operation == "send_email"]
    assert email["ConfigurationSetName"] == f"practiceflow-{synthesized.built.stage}"  # sends name the set
    refused = [(action, resource) for operation, request in calls for action, resource in checked(operation, request)
               if not allows(statements, action, resource)]
    assert refused == []


@pytest.mark.parametrize("spec", SENDERS, ids=lambda f: f.name)
def test_a_sender_may_not_use_another_configuration_set_identity_or_topic(synthesized, spec):
    statements = role_statements(synthesized, function_ids(synthesized)[spec.name])
    assert not allows(statements, "ses:SendEmail", f"{SES}:configuration-set/someone-elses")
    assert not allows(statements, "ses:SendEmail", f"{SES}:identity/example.com")
    assert not allows(statements, "sns:Publish", "arn:<AWS::Partition>:sns:<AWS::Region>:<AWS::AccountId>:alarms")


def test_a_send_the_provider_refuses_is_alarmed(synthesized):
    alarms = synthesized.resources("Monitoring", "AWS::CloudWatch::Alarm").values()
    (alarm,) = [a["Properties"] for a in alarms if a["Properties"]["AlarmName"].endswith("-refused-by-provider")]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("PracticeFlow", "NotificationsRefusedByProvider")
    assert alarm["Dimensions"] == [{"Name": "service", "Value": "notifications"}]  # the worker's and job's
    assert (alarm["Statistic"], alarm["Period"], alarm["Threshold"]) == ("Sum", 300, 1)
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold" and alarm["AlarmActions"]
