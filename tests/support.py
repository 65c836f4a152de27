"""Helpers for tests: Cognito claims, API Gateway proxy events, a Lambda context."""

import base64
import json
from typing import Any


def claims(role: str = "coordinator", practice: str = "demo", sub: str = "user-1",
           patient: str | None = None) -> dict[str, str]:
    result = {"sub": sub, "cognito:groups": role, "custom:practice_id": practice, "email": f"{sub}@example.org"}
    if patient:
        result["custom:patient_id"] = patient
    return result


def api_event(method: str, path: str, *, body: Any = None, claims: dict | None = None,
              query: dict[str, str] | None = None, headers: dict[str, str] | None = None,
              raw_body: str | None = None, binary_body: bytes | None = None) -> dict[str, Any]:
    """An API Gateway REST proxy event, Cognito-authorizer claims included. A `binary_body` arrives as API
    Gateway sends a body that is not text: base64-encoded."""
    text = raw_body if raw_body is not None else (None if body is None else json.dumps(body))
    if binary_body is not None:
        text = base64.b64encode(binary_body).decode()
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {k: [v] for k, v in all_headers.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in (query or {}).items()} or None,
        "pathParameters": {"proxy": path.strip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": f"/local{path}",
            "stage": "local",
            "requestId": f"req-{abs(hash((method, path, text))) % 10**8}",
            "identity": {"sourceIp": "127.0.0.1"},
            "authorizer": {"claims": claims} if claims else None,
        },
        "body": text,
        "isBase64Encoded": binary_body is not None,
    }


class LambdaContext:
    function_name = "test"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:test"
    memory_limit_in_mb = 512
    aws_request_id = "test-request"
    log_group_name = "/aws/lambda/test"
    log_stream_name = "test"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000




def race(make_service, work, n: int) -> tuple[list, list]:
    """`work(service, index)` on `n` threads released together, each with its own service (its own Lambda
    container: no shared resolver state or audit-head cache). Returns (results, errors)."""
    import threading

    results, errors, barrier = [], [], threading.Barrier(n)

    def run(index: int) -> None:
        service = make_service()
        barrier.wait()
        try:
            results.append(work(service, index))
        except Exception as error:  # noqa: BLE001 - collected and asserted on
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def if_match(version: int) -> dict[str, str]:
    """The If-Match header for an update of the version the caller read."""
    return {"If-Match": f'"{version}"'}


def response_headers(response: dict[str, Any]) -> dict[str, str]:
    """A Lambda proxy response's headers, single- and multi-value, by lower-case name. Every 201 that passes
    through here is checked: it names where the new thing lives, whichever test made it."""
    found = {name.lower(): value for name, value in (response.get("headers") or {}).items()}
    for name, values in (response.get("multiValueHeaders") or {}).items():
        found[name.lower()] = values[-1] if isinstance(values, list) else values
    if response.get("statusCode") == 201:
        created_id = json.loads(response["body"])["id"]
        assert found.get("location", "").startswith(api_url("/")), found
        assert found["location"].endswith(f"/{created_id}"), found
    return found


def api_url(path: str) -> str:
    """Where a created resource lives: the API's public URL and the path from its root."""
    from functions.core.settings import settings

    return settings().public_api_url + path
