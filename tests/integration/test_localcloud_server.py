"""The local server in front of the functions: bearer tokens checked as the Cognito authorizer checks
them, requests turned into API Gateway proxy events, routed by the catalogue's mounts."""

import json
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from infra.catalog import CATALOG
from localcloud import tokens
from localcloud.cloud import LocalCloud
from localcloud.server import LocalServer, is_public, proxy_event, route
from localcloud.store import DataDir
from tests.support import api_event

PATIENT = {"given_name": "Ada", "family_name": "Byron", "birth_date": "1985-12-10", "gender": "female",
           "phone": "+14155550101"}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("localcloud")
    with LocalCloud(CATALOG, data_dir) as cloud:
        server = LocalServer(cloud, port=0).start()
        try:
            yield server
        finally:
            server.stop()


def call(server: LocalServer, method: str, path: str, body: Any = None, token: str | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{server.url}{path}", method=method, data=data)  # noqa: S310 - loopback
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own loopback server
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def token_for(server: LocalServer, role: str = "coordinator", practice: str = "demo", **more: Any) -> str:
    return tokens.mint(server.cloud.token_key(), role, practice, **more)


def test_no_token_is_401_in_the_error_shape(served):
    status, headers, body = call(served, "GET", "/patients?family=By")
    assert status == 401
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body)["error"]["code"] == "unauthorized"
    assert set(json.loads(body)["error"]) == {"code", "message", "details"}


def test_a_token_signed_with_another_key_or_expired_is_401(served):
    forged = tokens.mint(b"not-the-servers-key", "coordinator", "demo")
    assert call(served, "GET", "/patients", token=forged)[0] == 401
    expired = tokens.sign(tokens.claims_for("coordinator", "demo", now=time.time() - 7200, ttl_s=3600),
                          served.cloud.token_key())
    status, _, body = call(served, "GET", "/patients", token=expired)
    assert status == 401 and "expired" in json.loads(body)["error"]["message"]
    assert call(served, "GET", "/patients", token="a.b")  # noqa: S106 - a malformed token[0] == 401
    assert call(served, "GET", "/patients", headers={"Authorization": "Basic Zm9vOmJhcg=="})[0] == 401


def test_unknown_route_is_404_json(served):
    status, _, body = call(served, "GET", "/no-such-area/1", token=token_for(served))
    assert status == 404
    assert json.loads(body)["error"]["code"] == "no_route"


def test_a_patient_created_over_http_reads_back_and_is_on_disk(served):
    token = token_for(served, "front_desk")
    status, headers, body = call(served, "POST", "/patients", PATIENT, token=token)
    assert status == 201, body
    assert headers.get("x-amzn-RequestId")
    patient_id = json.loads(body)["id"]
    status, _, body = call(served, "GET", f"/patients/{patient_id}", token=token)
    assert status == 200
    assert json.loads(body)["family_name"] == "Byron"
    saved = DataDir(served.cloud.data.path).load_items()  # the snapshot and the journal, as a restart reads them
    assert any(patient_id in item["pk"]["S"] for item in saved)  # saved before the 201 was sent


def test_claims_reach_the_function_as_cognito_would_pass_them(served):
    staff = token_for(served, "front_desk")
    mine = json.loads(call(served, "POST", "/patients", PATIENT, token=staff)[2])["id"]
    other = json.loads(call(served, "POST", "/patients", {**PATIENT, "given_name": "Bea"}, token=staff)[2])["id"]
    patient = token_for(served, "patient", patient=mine)
    assert call(served, "GET", f"/patients/{mine}", token=patient)[0] == 200
    assert call(served, "GET", f"/patients/{other}", token=patient)[0] == 403
    elsewhere = token_for(served, "coordinator", practice="another-practice")
    assert call(served, "GET", f"/patients/{mine}", token=elsewhere)[0] == 404


def test_openapi_and_docs_need_no_token(served):
    status, _, body = call(served, "GET", "/openapi.json")
    assert status == 200
    document = json.loads(body)
    assert any(path.startswith("/patients") for path in document["paths"])
    status, headers, body = call(served, "GET", "/docs")
    assert status == 200 and headers["Content-Type"].startswith("text/html") and b"/openapi.json" in body


def test_local_endpoints_run_jobs_and_report_health(served):
    status, _, body = call(served, "GET", "/_local/health")
    assert status == 200 and json.loads(body)["status"] == "ok"
    assert "verify-audit-chains" in json.loads(body)["schedules"]
    status, _, body = call(served, "POST", "/_local/jobs/verify-audit-chains")
    assert status == 200 and json.loads(body)["result"]["broken"] == 0
    assert call(served, "POST", "/_local/jobs/nope")[0] == 404


def test_routes_follow_the_mounts_as_the_rest_api_does():
    functions = CATALOG.api_functions()
    function, resource, parameters = route(functions, "/patients")
    assert (function.name, resource, parameters) == ("records-api", "/patients", None)
    function, resource, parameters = route(functions, "/patients/01ABC/consents")
    assert (resource, parameters) == ("/patients/{proxy+}", {"proxy": "01ABC/consents"})
    assert route(functions, "/patientsx") is None
    assert route(functions, "/") is None


def test_only_catalogue_public_routes_skip_the_authorizer():
    notifications = CATALOG.function("notifications-api")
    assert is_public(notifications, "/notifications/opt-out/abc.def")
    assert not is_public(notifications, "/notifications/opt-out")
    assert not is_public(notifications, "/notifications/opt-out/abc/more")
    assert not is_public(notifications, "/notifications/templates")
    assert not is_public(CATALOG.function("records-api"), "/patients/opt-out/x")


def test_an_opt_out_link_needs_no_token_but_a_valid_signature(served):
    status, _, body = call(served, "GET", "/notifications/opt-out/not-a-real-token")
    assert status != 401 and 400 <= status < 500, body  # the function itself refuses the bad signature


def test_what_was_sent_can_be_listed(served):
    status, _, body = call(served, "GET", "/_local/sent")
    assert status == 200 and set(json.loads(body)) == {"email", "sms"}


def test_proxy_event_has_the_shape_of_an_api_gateway_event():
    claims = tokens.authorizer_claims(tokens.claims_for("coordinator", "demo"))
    event = proxy_event(method="GET", path="/patients/1", query="family=By&tag=a&tag=b",
                        headers=[("Content-Type", "application/json"), ("X-Tag", "1"), ("X-Tag", "2")],
                        body=b"", resource="/patients/{proxy+}", path_parameters={"proxy": "1"}, claims=claims,
                        source_ip="127.0.0.1", request_id="r-1")
    reference = api_event("GET", "/patients/1", claims={"sub": "x"})
    assert set(reference) <= set(event)
    assert set(reference["requestContext"]) <= set(event["requestContext"])
    assert event["queryStringParameters"] == {"family": "By", "tag": "b"}
    assert event["multiValueQueryStringParameters"] == {"family": ["By"], "tag": ["a", "b"]}
    assert event["multiValueHeaders"]["X-Tag"] == ["1", "2"]
    assert event["requestContext"]["authorizer"]["claims"]["cognito:groups"] == "coordinator"
    assert event["requestContext"]["authorizer"]["claims"]["custom:practice_id"] == "demo"
    assert event["body"] is None and event["isBase64Encoded"] is False


def test_tokens_refuse_tampering():
    key = b"k" * 32
    token = tokens.mint(key, "front_desk", "demo")
    assert tokens.verify(token, key)["cognito:groups"] == ["front_desk"]
    header, payload, signature = token.split(".")
    claims = json.loads(tokens._unb64(payload))
    forged_payload = tokens._b64(json.dumps({**claims, "cognito:groups": ["coordinator"]}).encode())
    with pytest.raises(tokens.InvalidToken):
        tokens.verify(f"{header}.{forged_payload}.{signature}", key)
    with pytest.raises(ValueError):
        tokens.mint(key, "patient", "demo")  # a patient token must name the patient
    with pytest.raises(ValueError):
        tokens.mint(key, "admin", "demo")


def test_a_token_with_a_non_ascii_signature_is_401_not_500(served):
    token = token_for(served)
    status, _, body = call(served, "GET", "/patients?family=By", token=token[:-1] + "é")
    assert status == 401 and json.loads(body)["error"]["code"] == "unauthorized"


def test_a_browser_on_an_allowed_origin_gets_its_preflight_and_answer_over_http(served, monkeypatch):
    from functions.core.settings import settings

    origin = "http://localhost:5173"
    status, _, _ = call(served, "OPTIONS", "/patients", headers={"Origin": origin})
    assert status == 401  # no origin allowed: a preflight is just a request without a token
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", origin)
    settings.cache_clear()
    try:
        status, headers, _ = call(served, "OPTIONS", "/patients/01HZX0000000000000000000AB", headers={
            "Origin": origin, "Access-Control-Request-Method": "PATCH"})
        assert (status, headers["Access-Control-Allow-Origin"]) == (204, origin)
        status, headers, _ = call(served, "GET", "/patients?family=By", token=token_for(served),
                                  headers={"Origin": origin})
        assert (status, headers["Access-Control-Allow-Origin"]) == (200, origin)
        status, headers, _ = call(served, "GET", "/patients?family=By", token=token_for(served),
                                  headers={"Origin": "https://evil.example"})
        assert status == 200 and "Access-Control-Allow-Origin" not in headers
    finally:
        monkeypatch.delenv("CORS_ALLOWED_ORIGINS")
        settings.cache_clear()
