"""Sign-in: the hosted (OAuth) sign-in is off unless the stage names its callback URLs, and then it is the
authorization code grant only, on the stage's own domain prefix, to the app's own URLs; the pool's email goes
through SES from the stage's sender."""

from __future__ import annotations

import json

import pytest

from infra.options import StageOptions, stage_options

pytestmark = pytest.mark.xdist_group("infra")

CALLBACKS = "practiceflow:auth-callback-urls"
LOGOUTS = "practiceflow:auth-logout-urls"
PREFIX = "practiceflow:auth-domain-prefix"


def test_no_hosted_sign_in_unless_the_stage_names_callback_urls():
    assert stage_options({}, "prod") == StageOptions() and not StageOptions().hosted_sign_in
    other_stage = {CALLBACKS: {"dev": ["https://dev.clinic.test/cb"]}, PREFIX: {"dev": "clinic-dev"}}
    assert not stage_options(other_stage, "prod").hosted_sign_in


def test_the_stages_urls_and_prefix_are_read_per_stage_or_comma_separated():
    context = {CALLBACKS: {"prod": "https://app.clinic.test/callback, http://localhost:5173/callback"},
               LOGOUTS: {"prod": ["https://app.clinic.test/"]}, PREFIX: {"prod": "clinic-prod"}}
    options = stage_options(context, "prod")
    assert options.hosted_sign_in
    assert options.auth_callback_urls == ("https://app.clinic.test/callback", "http://localhost:5173/callback")
    assert (options.auth_logout_urls, options.auth_domain_prefix) == (("https://app.clinic.test/",), "clinic-prod")


@pytest.mark.parametrize("context", [
    {CALLBACKS: "https://example.com/callback", PREFIX: "clinic"},  # CDK's own placeholder
    {CALLBACKS: "https://app.clinic.test/cb", LOGOUTS: "https://www.example.org/", PREFIX: "clinic"},
    {CALLBACKS: "http://app.clinic.test/cb", PREFIX: "clinic"},  # plain http only to localhost
    {CALLBACKS: "https://app.clinic.test/cb"},  # hosted pages need a domain
    {CALLBACKS: "https://app.clinic.test/cb", PREFIX: "clinic-cognito"},  # Cognito refuses the word
    {CALLBACKS: "https://app.clinic.test/cb", PREFIX: "Clinic"},
    {CALLBACKS: "https://app.clinic.test/cb", PREFIX: "a,b"},
    {PREFIX: "clinic"},  # a domain nobody is sent back from
    {LOGOUTS: "https://app.clinic.test/"},
])
def test_a_sign_in_option_that_cannot_work_fails_the_synth(context):
    with pytest.raises(ValueError):
        stage_options(context, "prod")


# --- the pool and its app client in the template -------------------------------------------------------------

SENDER = "PracticeFlow <notifications@practiceflow.local>"  # infra/app.py's default, which the test stage uses


def _pool(template: dict) -> dict:
    (pool,) = [r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::Cognito::UserPool"]
    return pool


def _client(template: dict) -> dict:
    (client,) = [r["Properties"] for r in template["Resources"].values()
                 if r["Type"] == "AWS::Cognito::UserPoolClient"]
    return client


def _users_alone(options: StageOptions) -> dict:
    """A stack holding only the users construct, for the options the session synth does not set."""
    import aws_cdk as cdk
    from aws_cdk.assertions import Template

    from infra.catalog import CATALOG
    from infra.constructs.users import UsersConstruct

    stack = cdk.Stack(cdk.App(), "Users")
    UsersConstruct(stack, "Users", catalog=CATALOG, stage="test", sender=SENDER, options=options)
    return Template.from_stack(stack).to_json()


def test_the_pools_email_goes_through_ses_from_the_stages_sender(synthesized):
    email = _pool(synthesized.templates["Data"])["EmailConfiguration"]
    assert email["EmailSendingAccount"] == "DEVELOPER"
    assert email["From"] == "PracticeFlow <notifications@practiceflow.local>"
    arn = email["SourceArn"]["Fn::Join"][1]
    assert arn[-1].endswith(":identity/practiceflow.local") and {"Ref": "AWS::AccountId"} in arn


def test_without_callback_urls_the_app_client_has_no_oauth_and_the_pool_no_domain(synthesized):
    data = synthesized.templates["Data"]
    client = _client(data)
    assert client["ExplicitAuthFlows"] == ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    assert client.get("AllowedOAuthFlowsUserPoolClient") is False
    for absent in ("AllowedOAuthFlows", "CallbackURLs", "LogoutURLs", "AllowedOAuthScopes"):
        assert absent not in client, absent
    assert not [r for r in data["Resources"].values() if r["Type"] == "AWS::Cognito::UserPoolDomain"]
    assert "example.com" not in json.dumps(synthesized.templates)


def test_with_callback_urls_the_app_client_has_the_code_grant_only_on_the_stages_domain():
    options = stage_options({CALLBACKS: "https://app.clinic.test/callback", LOGOUTS: "https://app.clinic.test/",
                             PREFIX: "clinic-test"}, "test")
    template = _users_alone(options)
    client = _client(template)
    assert client["AllowedOAuthFlows"] == ["code"] and client["AllowedOAuthFlowsUserPoolClient"] is True
    assert sorted(client["AllowedOAuthScopes"]) == ["email", "openid", "profile"]
    assert (client["CallbackURLs"], client["LogoutURLs"]) == (["https://app.clinic.test/callback"],
                                                              ["https://app.clinic.test/"])
    assert client["SupportedIdentityProviders"] == ["COGNITO"]
    assert client["ExplicitAuthFlows"] == ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    (domain,) = [r["Properties"] for r in template["Resources"].values()
                 if r["Type"] == "AWS::Cognito::UserPoolDomain"]
    assert domain["Domain"] == "clinic-test"
    assert "example.com" not in json.dumps(template)
