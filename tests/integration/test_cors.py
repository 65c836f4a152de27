"""A browser on an allowed origin can call the API: its preflight (OPTIONS, no token: API Gateway routes it without
the authorizer) and its request get the CORS headers; a page on any other origin gets none, so its script cannot
read the answer. Through the records handler on moto, as API Gateway calls it."""

import json

import pytest

from functions.core import container
from tests.support import api_event, claims, response_headers

ALLOWED = "https://app.clinic.example"
OTHER = "https://evil.example"
PRACTICE = "practice-cors"


@pytest.fixture
def handler(cloud, monkeypatch):
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", f"{ALLOWED},http://localhost:5173")
    container.reset()  # the stage's settings are read once per container
    from functions.records.handler import handler

    return handler


def preflight(handler, lambda_context, origin: str, path: str = "/patients/01HZX0000000000000000000AB") -> dict:
    event = api_event("OPTIONS", path, headers={
        "Origin": origin, "Access-Control-Request-Method": "PATCH",
        "Access-Control-Request-Headers": "authorization,content-type,if-match"})
    event["requestContext"]["authorizer"] = None  # a preflight carries no token
    return handler(event, lambda_context)


def test_a_preflight_from_an_allowed_origin_is_answered_without_a_token(handler, lambda_context):
    response = preflight(handler, lambda_context, ALLOWED)
    headers = response_headers(response)
    assert response["statusCode"] == 204
    assert headers["access-control-allow-origin"] == ALLOWED
    assert "PATCH" in headers["access-control-allow-methods"].split(",")
    allowed_headers = {h.lower() for h in headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "if-match", "idempotency-key"} <= allowed_headers
    assert headers["vary"] == "Origin" and int(headers["access-control-max-age"]) > 0
    assert "access-control-allow-credentials" not in headers  # bearer tokens, never cookies


def test_the_request_that_follows_carries_the_origin_and_exposes_etag_and_location(handler, lambda_context):
    patient = {"given_name": "Ada", "family_name": "Lovelace", "birth_date": "1990-12-10", "gender": "female",
               "time_zone": "Europe/London"}
    created = handler(api_event("POST", "/patients", body=patient, claims=claims(practice=PRACTICE),
                                headers={"Origin": ALLOWED, "Idempotency-Key": "cors-create-0001"}), lambda_context)
    headers = response_headers(created)
    assert created["statusCode"] == 201, created["body"]
    assert headers["access-control-allow-origin"] == ALLOWED
    assert {"etag", "location"} <= {h.lower() for h in headers["access-control-expose-headers"].split(",")}

    patient_id = json.loads(created["body"])["id"]
    read = handler(api_event("GET", f"/patients/{patient_id}", claims=claims(practice=PRACTICE),
                             headers={"Origin": ALLOWED}), lambda_context)
    assert read["statusCode"] == 200
    assert response_headers(read)["access-control-allow-origin"] == ALLOWED


def test_another_origin_gets_no_allow_origin_on_the_preflight_or_the_request(handler, lambda_context):
    response = preflight(handler, lambda_context, OTHER)
    assert "access-control-allow-origin" not in response_headers(response)
    listed = handler(api_event("GET", "/patients", query={"family": "Lovelace"}, claims=claims(practice=PRACTICE),
                               headers={"Origin": OTHER}), lambda_context)
    assert listed["statusCode"] == 200
    assert not any(h.startswith("access-control-") for h in response_headers(listed))


def test_errors_reach_the_allowed_origin_too_even_a_body_refused_before_routing(handler, lambda_context):
    missing = handler(api_event("GET", "/patients/01HZX0000000000000000000ZZ", claims=claims(practice=PRACTICE),
                                headers={"Origin": ALLOWED}), lambda_context)
    assert missing["statusCode"] == 404
    assert response_headers(missing)["access-control-allow-origin"] == ALLOWED
    too_big = handler(api_event("POST", "/patients", raw_body="x" * 70_000, claims=claims(practice=PRACTICE),
                                headers={"Origin": ALLOWED}), lambda_context)
    assert too_big["statusCode"] == 413
    assert response_headers(too_big)["access-control-allow-origin"] == ALLOWED


def test_with_no_origins_set_no_answer_carries_cors_headers(cloud, lambda_context):
    from functions.records.handler import handler

    response = preflight(handler, lambda_context, ALLOWED)
    assert not any(h.startswith("access-control-allow-origin") for h in response_headers(response))
