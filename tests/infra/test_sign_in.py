"""Sign-in: the hosted (OAuth) sign-in is off unless the stage names its callback URLs, and then it is the
authorization code grant only, on the stage's own domain prefix, to the app's own URLs; the pool's email goes
through SES from the stage's sender."""

from __future__ import annotations

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
