import pytest

from functions.core import clock, ids
from functions.core.errors import Invalid
from functions.core.idempotency import fingerprint, validate_key
from functions.core.settings import SettingsError, settings


def test_missing_environment_names_the_variable(monkeypatch):
    monkeypatch.delenv("TABLE_NAME", raising=False)
    monkeypatch.setenv("PAGE_TOKEN_SECRET_ARN", "arn:x")
    settings.cache_clear()
    with pytest.raises(SettingsError, match="TABLE_NAME"):
        settings()
    settings.cache_clear()


def test_ids_sort_by_time():
    assert ids.new_id(1_000) < ids.new_id(2_000)
    assert ids.is_id(ids.new_id())


def test_naive_time_is_refused_by_the_clock():
    from datetime import datetime

    with pytest.raises(ValueError):
        clock.FixedClock(datetime(2026, 1, 1))


@pytest.mark.parametrize("key", ["short", "has space in it", "x" * 129, "emoji-🙂-key"])
def test_bad_idempotency_keys_are_refused(key):
    with pytest.raises(Invalid):
        validate_key(key)


def test_same_request_same_fingerprint_key_order_ignored():
    assert fingerprint("op", {"a": 1, "b": 2}) == fingerprint("op", {"b": 2, "a": 1})
    assert fingerprint("op", {"a": 1}) != fingerprint("op", {"a": 2})


def test_links_in_messages_point_at_the_configured_public_url(monkeypatch):
    monkeypatch.setenv("TABLE_NAME", "practiceflow")
    monkeypatch.setenv("PAGE_TOKEN_SECRET_ARN", "arn:x")
    monkeypatch.setenv("PUBLIC_API_URL", "https://api.clinic.example/prod")
    settings.cache_clear()
    assert settings().public_api_url == "https://api.clinic.example/prod"
    monkeypatch.setenv("PUBLIC_API_URL", "https://api.clinic.example/prod/")  # a trailing slash would double up
    settings.cache_clear()
    with pytest.raises(SettingsError, match="PUBLIC_API_URL"):
        settings()
    settings.cache_clear()


# --- simulators never run outside the local stage -------------------------------------------------------------

@pytest.fixture
def environment(monkeypatch):
    """A function's required environment, with the stage and clearinghouse left to each test."""
    monkeypatch.setenv("TABLE_NAME", "practiceflow")
    monkeypatch.setenv("PAGE_TOKEN_SECRET_ARN", "arn:x")
    monkeypatch.delenv("STAGE", raising=False)
    monkeypatch.delenv("BILLING_CLEARINGHOUSE", raising=False)
    settings.cache_clear()
    yield monkeypatch
    settings.cache_clear()


def test_the_local_stage_simulates_the_clearinghouse_by_default(environment):
    assert (settings().stage, settings().billing_clearinghouse) == ("local", "simulated")


def test_a_deployed_stage_has_no_clearinghouse_until_one_is_configured(environment):
    environment.setenv("STAGE", "prod")
    assert settings().billing_clearinghouse is None


@pytest.mark.parametrize("stage", ["prod", "dev", "test", "Local"])
def test_any_stage_but_local_refuses_the_simulator_at_start(environment, stage):
    environment.setenv("STAGE", stage)
    environment.setenv("BILLING_CLEARINGHOUSE", "simulated")
    with pytest.raises(SettingsError, match=f"STAGE={stage} refuses BILLING_CLEARINGHOUSE=simulated") as refused:
        settings()
    assert "invalid or missing" not in str(refused.value)  # the rule, not a missing variable


def test_a_clearinghouse_no_adapter_exists_for_is_refused_at_start(environment):
    environment.setenv("BILLING_CLEARINGHOUSE", "simulator")
    with pytest.raises(SettingsError, match="BILLING_CLEARINGHOUSE"):
        settings()


# --- the browser origins the API answers ------------------------------------------------------------------------

def test_no_browser_origin_is_allowed_unless_the_stage_names_it(environment):
    assert settings().cors_allowed_origins == ()
    environment.setenv("CORS_ALLOWED_ORIGINS", "https://app.clinic.example, http://localhost:5173")
    settings.cache_clear()
    assert settings().cors_allowed_origins == ("https://app.clinic.example", "http://localhost:5173")


@pytest.mark.parametrize("origins", ["*", "https://app.clinic.example/", "app.clinic.example",
                                     "https://app.clinic.example,https://*.clinic.example"])
def test_an_origin_a_browser_would_never_send_is_refused_at_start(environment, origins):
    environment.setenv("CORS_ALLOWED_ORIGINS", origins)
    with pytest.raises(SettingsError, match="CORS_ALLOWED_ORIGINS"):
        settings()
