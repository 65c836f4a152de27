"""The resolver factory every area's HTTP function uses: validation from pydantic models (which also
feed OpenAPI), one JSON error shape, a body-size limit, the caller taken from Cognito claims, and an audit
entry for every refused request of a signed-in caller (core.refusals)."""

import base64
import json
import re
from collections.abc import Callable
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import CORSConfig, Router
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Header
from aws_lambda_powertools.logging import correlation_paths

from functions.core import clock, tenancy
from functions.core.auth import PRACTICE_CLAIM, Caller, caller_from_claims
from functions.core.errors import (
    DomainError,
    Invalid,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    PreconditionRequired,
)
from functions.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from functions.core.idempotency import validate_key
from functions.core.keys import is_segment
from functions.core.observability import log_unhandled, logger, metrics
from functions.core.refusals import REFUSED, refusal
from functions.core.service import AuditTrail
from functions.core.settings import settings
from functions.core.types import ExpectedVersion

JSON = "application/json"
API_TITLE = "PracticeFlow API"
API_VERSION = "0.1.0"
# What a browser client sends beyond Powertools' defaults (Authorization, Content-Type), and the answers' headers
# its script must read: the version to send back in If-Match, and where a created thing lives.
CORS_REQUEST_HEADERS = ["If-Match", "If-None-Match", IDEMPOTENCY_HEADER]
CORS_EXPOSED_HEADERS = ["ETag", "Location"]
CORS_MAX_AGE_S = 600  # a browser asks again for each URL after this (Chrome caps it at 7200)


class AllowedOrigins(CORSConfig):
    """CORS for exactly the origins the stage allows (`settings().cors_allowed_origins`), read at the first request,
    not at import: an answer to any other origin, or to none, carries no Access-Control-Allow-Origin. The
    answer varies by Origin, so it says so to caches."""

    def __init__(self) -> None:
        # the allowed origins are ours (allowed_origin below), never Powertools' list, which stays empty of them
        super().__init__(allow_origin="", allow_headers=CORS_REQUEST_HEADERS, expose_headers=CORS_EXPOSED_HEADERS,
                         max_age=CORS_MAX_AGE_S, allow_credentials=False)

    def allowed_origin(self, extracted_origin: str | None) -> str | None:
        return extracted_origin if extracted_origin in settings().cors_allowed_origins else None

    def to_dict(self, origin: str | None) -> dict[str, str]:
        if origin is None or self.allowed_origin(origin) is None:
            return {}
        return {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Headers": ",".join(sorted(self.allow_headers)),
            "Access-Control-Expose-Headers": ",".join(self.expose_headers),
            "Access-Control-Max-Age": str(self.max_age),
            "Vary": "Origin",
        }

    def headers(self, event: dict) -> dict[str, str]:
        """The CORS headers for an answer made outside the resolver (a body refused before routing)."""
        origin = next((v for k, v in (event.get("headers") or {}).items() if k.lower() == "origin"), None)
        return self.to_dict(origin)


CORS = AllowedOrigins()


def error_response(error: DomainError) -> Response:
    return Response(status_code=error.status, content_type=JSON, body=json.dumps(error.body()))


def _validation_details(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Never echo the input back: it may be a patient's data.
    return [{"field": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", ""),
             "type": e.get("type", "")} for e in errors]


def make_resolver(*routers: Router, audit: Callable[[], AuditTrail]) -> APIGatewayRestResolver:
    """`audit` gives the area's audit trail (the one its service writes, so the chain head is cached once)."""
    app = APIGatewayRestResolver(enable_validation=True, response_validation_error_http_code=500, cors=CORS)
    for router in routers:
        app.include_router(router)

    @app.exception_handler(RequestValidationError)
    def _invalid(error: RequestValidationError) -> Response:
        details = _validation_details(error.errors())
        if any(d["type"] == "json_invalid" for d in details):
            return error_response(Invalid("the body is not valid JSON", details, code="malformed_json"))
        return error_response(Invalid("the request is not valid", details, code="validation_failed"))

    @app.exception_handler(DomainError)
    def _domain(error: DomainError) -> Response:
        if error.status in REFUSED:
            _audit_refusal(app, audit, error)
        return error_response(error)

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response:
        log_unhandled(error)
        body = {"error": {"code": "internal", "message": "something went wrong; it has been logged",
                          "details": None}}
        return Response(status_code=500, content_type=JSON, body=json.dumps(body))

    @app.not_found
    def _not_found(_: Exception) -> Response:
        return error_response(NotFound("no such route", code="no_route"))

    return app


def _audit_refusal(app: APIGatewayRestResolver, audit: Callable[[], AuditTrail], error: DomainError) -> None:
    """One TransactWriteItems for a 403, or a 404 that named a patient's data; none otherwise. A refusal whose
    entry cannot be written is still refused (nothing was shown), and the failure is logged."""
    route = app.context.get("_route")
    if route is None:
        return
    try:
        caller = current_caller(app)
    except DomainError:
        caller = _unrecognised_caller(app)
    if caller is None:  # no one to blame: API Gateway's authorizer turns those away before us
        return
    event = app.current_event
    try:
        body = json.loads(event.body) if event.body else None
    except ValueError:
        body = None
    entry = refusal(caller, error, route.method, app.context.get("_route_args") or {},
                    event.query_string_parameters or {}, body, clock.iso(clock.now()))
    if entry is None:
        return
    try:
        audit().record(entry)
    except Exception as failure:  # noqa: BLE001 - the refusal stands; the lost entry is logged
        log_unhandled(failure)


def _unrecognised_caller(app: APIGatewayRestResolver) -> Caller | None:
    """A signed-in user of a practice whose token carries no role here (or a patient group with no record):
    `current_caller` refused them, and the trail still names who it was, with role "none"."""
    event = app.current_event.raw_event
    context = event.get("requestContext") or {}
    claims = (context.get("authorizer") or {}).get("claims") or {}
    practice_id, sub = claims.get(PRACTICE_CLAIM), claims.get("sub")
    if not (is_segment(practice_id) and isinstance(sub, str) and sub):
        return None
    route = app.context["_route"]
    tenancy.bind(practice_id)
    return Caller(user_id=sub[:128], practice_id=practice_id, roles=frozenset(),
                  request_id=context.get("requestId", "-"), route=f"{route.method} {route.openapi_path}")


def make_handler(app: APIGatewayRestResolver) -> Callable[[dict, Any], dict]:
    """The Lambda entry point for an area's API: size guard, correlation id, traces and metrics."""

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, log_event=False)
    @metrics.log_metrics
    def handler(event: dict, context: Any) -> dict:
        body = event.get("body") or ""
        if len(body) > settings().max_body_bytes:
            return _refused(PayloadTooLarge(f"the body is over {settings().max_body_bytes} bytes"), event)
        if event.get("isBase64Encoded") and body and not _is_utf8(body):
            # API Gateway base64-encodes a body that is not text; every route here takes UTF-8 text (JSON or a
            # form), and the resolver would fail decoding it: a 422 that says so, before any route runs.
            return _refused(Invalid("the body is not UTF-8 text", code="malformed_body"), event)
        with tenancy.request():
            return app.resolve(event, context)

    return handler


def _refused(error: DomainError, event: dict) -> dict:
    # a browser reads the refusal only with the CORS headers the resolver would have added
    return {"statusCode": error.status, "headers": {"Content-Type": JSON, **CORS.headers(event)},
            "body": json.dumps(error.body()), "isBase64Encoded": False}


def _is_utf8(encoded: str) -> bool:
    try:
        base64.b64decode(encoded, validate=True).decode("utf-8")
    except ValueError:  # binascii.Error and UnicodeDecodeError are both ValueErrors
        return False
    return True


def current_caller(router: Router | APIGatewayRestResolver) -> Caller:
    event = router.current_event.raw_event
    context = event.get("requestContext") or {}
    claims = (context.get("authorizer") or {}).get("claims")
    route = router.context.get("_route")
    caller = caller_from_claims(claims, request_id=context.get("requestId", "-"),
                                route=f"{route.method} {route.openapi_path}" if route is not None else None)
    tenancy.bind(caller.practice_id)  # from here on, the request's DynamoDB calls are confined to this practice
    return caller


def idempotency_key(router: Router | APIGatewayRestResolver) -> str | None:
    # Powertools v3 headers are case-insensitive; get_header_value is deprecated
    return validate_key(router.current_event.headers.get(IDEMPOTENCY_HEADER))


# --- HTTP's own versioning: ETag on reads, If-Match on updates, Location on creates --------------------------

IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=200,
                                       description='the ETag you read, e.g. "3" (without it: 428; stale: 412)')]
IfNoneMatch = Annotated[str | None, Header(alias="If-None-Match", max_length=200,
                                           description='"*" to create one that does not exist yet')]
_TAG = re.compile(r'^(?:W/)?"(\d{1,10})"$')


def etag(version: int) -> str:
    """A strong tag from the stored version: every change bumps the version, so equal tags are one state."""
    return f'"{version}"'


def expected_version(if_match: str | None, if_none_match: str | None = None, *, may_create: bool = False) -> int:
    """The version the caller read, from If-Match; 0 for "there is none yet" (If-None-Match: *), where the route
    creates on first write. Missing: 428, so no update ever overwrites a change its sender has not seen."""
    if if_match is None or not if_match.strip():
        if may_create and if_none_match is not None and if_none_match.strip() == "*":
            return 0
        hint = ' (or If-None-Match: * to create it)' if may_create else ""
        raise PreconditionRequired(f"send If-Match with the ETag you read{hint}")
    text = if_match.strip()
    if text == "*":
        raise PreconditionRequired('If-Match: * is not enough here: send the ETag you read')
    # A weak tag is accepted for the same version: proxies that compress a response weaken its ETag.
    match = _TAG.fullmatch(text)
    if match is None:
        raise PreconditionFailed('If-Match is not an ETag from this API (one tag, like "3")',
                                 code="precondition_failed")
    return int(match.group(1))


def precondition(if_match: str | None, if_none_match: str | None = None, *,
                 may_create: bool = False) -> ExpectedVersion:
    """The If-Match check, deferred: the use case authorizes first and only then asks for the version, so a
    refused caller hears 403 (and a refused look at a patient's data is audited) whatever If-Match it sent,
    rather than 428/412 from a header its role never earned it the right to have judged."""
    return lambda: expected_version(if_match, if_none_match, may_create=may_create)


def tagged(model: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A versioned resource with its ETag, the tag to send back in If-Match."""
    return Response(status_code=status, content_type=JSON, body=model,
                    headers={"ETag": etag(model.version), **(headers or {})})


def created(model: Any, location: str) -> Response:
    """201 with the new resource's Location and, when it has one, its ETag. `location` is the path from the API's
    root; the API's public URL (its stage, or a custom domain's base path) goes before it, so it resolves wherever
    the caller reached us."""
    headers = {"Location": settings().public_api_url + location}
    if isinstance(getattr(model, "version", None), int):
        headers["ETag"] = etag(model.version)
    return Response(status_code=201, content_type=JSON, body=model, headers=headers)
