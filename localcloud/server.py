"""The local API: an HTTP server that does what API Gateway and its Cognito authorizer do in front of the
functions. It checks the bearer token, turns the request into the REST proxy event API Gateway would
send (claims included), routes it by the catalogue's mounts, runs the handler in-process and writes
back its response. It also serves the OpenAPI document and Swagger UI, and a few local-only admin
endpoints under /_local/ (run a job now, move the clock, health) that answer loopback callers only."""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from infra.catalog import Function
from localcloud import tokens
from localcloud.cloud import LocalCloud

log = logging.getLogger("localcloud.server")

MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit; the functions set a lower one themselves
LOOPBACK = frozenset({"127.0.0.1", "::1", "::ffff:127.0.0.1"})
JSON_TYPE = "application/json"

SWAGGER_UI = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>PracticeFlow API (local)</title>
  <link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"></script>
  <script>
    // Authorize with a token from `./practice token --role coordinator --practice demo`
    window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", persistAuthorization: true});
  </script>
</body>
</html>
"""


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def route(functions: tuple[Function, ...], path: str) -> tuple[Function, str, dict[str, str] | None] | None:
    """(function, resource, path parameters) for a path, as the REST API's /<mount> and /<mount>/{proxy+}
    resources route it; None when no mount matches."""
    segments = path.strip("/").split("/", 1)
    mount = segments[0]
    for function in functions:
        if mount and mount in function.mounts:
            rest = segments[1] if len(segments) > 1 else ""
            if rest:
                return function, f"/{mount}/{{proxy+}}", {"proxy": rest}
            return function, f"/{mount}", None
    return None


def is_public(function: Function, path: str) -> bool:
    """True for a path the REST API serves without the Cognito authorizer (catalogue `public_routes`,
    e.g. notifications/opt-out/{token}): the function checks its own signed token there."""
    segments = path.strip("/").split("/")
    for template in function.public_routes:
        parts = template.strip("/").split("/")
        if len(parts) == len(segments) and all(
                p == s or (p.startswith("{") and p.endswith("}") and s) for p, s in zip(parts, segments, strict=True)):
            return True
    return False


def proxy_event(*, method: str, path: str, query: str, headers: list[tuple[str, str]], body: bytes,
                resource: str, path_parameters: dict[str, str] | None, claims: dict[str, str] | None,
                source_ip: str, request_id: str, stage: str = "local") -> dict[str, Any]:
    """The API Gateway REST proxy event for one request (see tests/support.py api_event)."""
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in headers:
        single[name] = value
        multi.setdefault(name, []).append(value)
    query_pairs = parse_qsl(query, keep_blank_values=True)
    query_single: dict[str, str] = {}
    query_multi: dict[str, list[str]] = {}
    for name, value in query_pairs:
        query_single[name] = value
        query_multi.setdefault(name, []).append(value)
    try:
        text, encoded = (body.decode("utf-8") if body else None), False
    except UnicodeDecodeError:
        text, encoded = base64.b64encode(body).decode(), True
    now = time.time()
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": single or None,
        "multiValueHeaders": multi or None,
        "queryStringParameters": query_single or None,
        "multiValueQueryStringParameters": query_multi or None,
        "pathParameters": path_parameters,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": f"/{stage}{path}",
            "stage": stage,
            "protocol": "HTTP/1.1",
            "requestId": request_id,
            "extendedRequestId": request_id,
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "requestTimeEpoch": int(now * 1000),
            "accountId": "123456789012",
            "apiId": "local",
            "domainName": single.get("Host") or single.get("host") or "localhost",
            "identity": {"sourceIp": source_ip, "userAgent": single.get("User-Agent") or single.get("user-agent")},
            "authorizer": {"claims": claims} if claims else None,
        },
        "body": text,
        "isBase64Encoded": encoded,
    }


class LocalServer:
    """Owns the HTTP server; the cloud it fronts is the caller's to open and close."""

    def __init__(self, cloud: LocalCloud, host: str = "127.0.0.1", port: int = 8000) -> None:
        self.cloud = cloud
        self.api_functions = cloud.catalog.api_functions()
        self._openapi: bytes | None = None
        self._openapi_lock = threading.Lock()
        self.httpd = _Server((host, port), _handler_class(self))
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104 - describing, not binding
        return f"http://{shown}:{port}"

    def start(self) -> LocalServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="localcloud-http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def openapi(self) -> bytes:
        with self._openapi_lock:
            if self._openapi is None:
                from functions.openapi import build_document

                self._openapi = json.dumps(build_document(self.cloud.catalog)).encode()
            return self._openapi


class _Server(ThreadingHTTPServer):
    """A thread per connection, as before; a listen backlog of 128, not socketserver's 5, so a burst of
    clients that connect at once waits its turn instead of being reset."""

    daemon_threads = True
    request_queue_size = 128


def _handler_class(server: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(_RequestHandler):
        local = server

    return Handler


class _RequestHandler(BaseHTTPRequestHandler):
    local: LocalServer
    protocol_version = "HTTP/1.1"
    server_version = "PracticeFlowLocal/0.1"

    # every method goes the same way: API Gateway's proxy resources take ANY
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET  # noqa: N815

    def do_TRACE(self) -> None:  # noqa: N802 - http.server's naming
        # not in API Gateway's ANY; without this http.server answers 501, a server error for a caller's mistake
        self.close_connection = True  # its body, if any, is not read
        self._error(405, "method_not_allowed", "use GET, HEAD, OPTIONS, POST, PUT, PATCH or DELETE")

    do_CONNECT = do_TRACE  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        pass  # _handle logs one line per request, by route template: a concrete path can name a patient

    # --- plumbing -----------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, headers: dict[str, list[str]] | None = None,
              content_type: str | None = JSON_TYPE) -> None:
        self.sent_status = status
        self.send_response(status)
        sent = {k.lower() for k in (headers or {})}
        if content_type and "content-type" not in sent:
            self.send_header("Content-Type", content_type)
        for name, values in (headers or {}).items():
            if name.lower() in ("content-length", "connection", "transfer-encoding"):
                continue
            for value in values:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, document: Any, headers: dict[str, list[str]] | None = None) -> None:
        self._send(status, json.dumps(document, default=str).encode(), headers)

    def _error(self, status: int, code: str, message: str, details: Any = None) -> None:
        self._json(status, error_body(code, message, details))

    def _read_body(self) -> bytes | None:
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self._error(411, "length_required", "send the body with a Content-Length")
            return None
        if not length:
            return b""
        if not length.isdigit():
            self._error(400, "bad_request", "Content-Length is not a number")
            return None
        if int(length) > MAX_BODY_BYTES:
            self._error(413, "payload_too_large", f"the body is over {MAX_BODY_BYTES} bytes")
            self.close_connection = True
            return None
        return self.rfile.read(int(length))

    # --- the request ----------------------------------------------------------------------------
    def _handle(self) -> None:
        started = time.monotonic()
        parts = urlsplit(self.path)
        path = unquote(parts.path) or "/"
        self.sent_status = 0
        label = path
        try:
            body = self._read_body()
            if body is None:
                return
            if path.startswith("/_local/") or path == "/_local":
                label = path  # local endpoints carry job names, never a patient's id
                self._admin(path, parts.query, body)
            elif path in ("/openapi.json", "/docs", "/"):
                self._public(path)
            else:
                label = self._api(path, parts.query, body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:  # noqa: BLE001 - never a stack trace to the caller
            log.exception("local server failed on %s %s", self.command, label)
            if not self.sent_status:
                self._error(500, "internal", "the local server failed; see its log")
        finally:
            took = (time.monotonic() - started) * 1000
            log.info("%s %s %s %.0fms", self.command, label, self.sent_status, took)

    def _public(self, path: str) -> None:
        if self.command not in ("GET", "HEAD"):
            self._error(405, "method_not_allowed", "use GET")
            return
        if path == "/openapi.json":
            self._send(200, self.local.openapi())
        elif path == "/docs":
            self._send(200, SWAGGER_UI.encode(), content_type="text/html; charset=utf-8")
        else:
            self._json(200, {"name": "PracticeFlow (local)", "openapi": "/openapi.json", "docs": "/docs",
                             "health": "/_local/health"})

    def _claims(self) -> dict[str, str] | None:
        """The Cognito authorizer's part: a valid bearer token, or a 401 sent and None returned."""
        header = self.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            self._error(401, "unauthorized", "sign in first: send Authorization: Bearer <token> "
                                             "(`./practice token --role coordinator --practice demo`)")
            return None
        try:
            claims = tokens.verify(token.strip(), self.local.cloud.token_key())
        except tokens.InvalidToken as invalid:
            self._error(401, "unauthorized", str(invalid))
            return None
        return tokens.authorizer_claims(claims)

    def _preflight(self) -> bool:
        """A browser's CORS preflight, which carries no token: API Gateway routes it past the authorizer where the
        stage allows origins (infra ApiConstruct._preflight), and so does this, when CORS_ALLOWED_ORIGINS is set."""
        from functions.core.settings import settings

        return self.command == "OPTIONS" and bool(settings().cors_allowed_origins)

    def _api(self, path: str, query: str, body: bytes) -> str:
        """Answers an API request; returns the route template, for the log line."""
        found = route(self.local.api_functions, path)
        if found is None:
            self._error(404, "no_route", "no such route")
            return "/" + path.strip("/").split("/", 1)[0]
        function, resource, path_parameters = found
        claims = None
        if not is_public(function, path) and not self._preflight():
            claims = self._claims()
            if claims is None:
                return resource
        request_id = str(uuid.uuid4())
        event = proxy_event(method=self.command, path=path, query=query, headers=list(self.headers.items()),
                            body=body, resource=resource, path_parameters=path_parameters, claims=claims,
                            source_ip=self.client_address[0], request_id=request_id)
        try:
            response = self.local.cloud.invoke(function.name, event)
        except Exception:  # noqa: BLE001 - what API Gateway answers when the function itself fails
            log.exception("function %s failed", function.name)
            self._error(502, "bad_gateway", "the function failed")
            return resource
        # a change is on disk before the caller hears it was made: the journal has it already (a read's audit
        # entry included); this waits for the disk, sharing one fsync with the requests answered alongside
        self.local.cloud.save()
        status = int(response.get("statusCode", 200))
        headers: dict[str, list[str]] = {}
        for name, value in (response.get("headers") or {}).items():
            headers[name] = [str(value)]
        for name, values in (response.get("multiValueHeaders") or {}).items():
            headers[name] = [str(v) for v in values]
        headers.setdefault("x-amzn-RequestId", [request_id])
        raw = response.get("body") or ""
        payload = base64.b64decode(raw) if response.get("isBase64Encoded") else raw.encode()
        self._send(status, payload, headers, content_type=None if any(
            k.lower() == "content-type" for k in headers) else JSON_TYPE)
        return resource

    # --- local-only administration ----------------------------------------------------------------
    def _admin(self, path: str, query: str, body: bytes) -> None:
        if self.client_address[0] not in LOOPBACK:
            self._error(403, "forbidden", "the /_local/ endpoints answer this machine only")
            return
        cloud = self.local.cloud
        parts = path.strip("/").split("/")[1:]
        if parts == ["health"] and self.command in ("GET", "HEAD"):
            from functions.core.clock import iso

            self._json(200, {
                "status": "ok", "pid": os.getpid(), "data_dir": str(cloud.data.path), "now": iso(cloud.clock.now()),
                "functions": [f.name for f in cloud.catalog.functions],
                "schedules": {name: (iso(at) if at else None) for name, at in cloud.next_fire_times().items()},
            })
            return
        if len(parts) == 2 and parts[0] == "jobs" and self.command == "POST":
            try:
                cloud.catalog.schedule(parts[1])
            except KeyError:
                self._error(404, "no_job", f"no schedule {parts[1]!r}",
                            {"known": [s.name for s in cloud.catalog.schedules]})
                return
            try:
                result = cloud.run_job(parts[1])
            except Exception as error:  # noqa: BLE001 - the job's own failure, reported by type only
                log.exception("job %s failed", parts[1])
                self._error(500, "job_failed", f"the job failed with {type(error).__name__}; see the server log")
                return
            cloud.save()
            self._json(200, {"job": parts[1], "result": result})
            return
        if parts == ["sent"] and self.command in ("GET", "HEAD"):
            from localcloud.sent import sent

            self._json(200, sent())  # local only: what a patient would have received, bodies included
            return
        if parts[:1] == ["s3"] and self.command == "PUT":
            from localcloud.uploads import UploadRefused

            try:
                key = cloud.evidence.accept(path, query, self.headers.get("Content-Type"), body)
            except UploadRefused as refused:
                self._error(refused.status, refused.code, refused.message)
                return
            self._json(200, {"stored": key})
            return
        if parts == ["drain"] and self.command == "POST":
            self._json(200, {"processed": cloud.drain()})
            return
        if parts == ["clock", "advance"] and self.command == "POST":
            from datetime import timedelta

            from functions.core.clock import iso

            try:
                seconds = float(dict(parse_qsl(query)).get("seconds") or json.loads(body or b"{}")["seconds"])
            except (KeyError, ValueError, TypeError):
                self._error(422, "invalid", "send ?seconds=N or {\"seconds\": N}")
                return
            if seconds < 0:
                self._error(422, "invalid", "the clock only moves forward")
                return
            processed = cloud.advance(timedelta(seconds=seconds))
            self._json(200, {"now": iso(cloud.clock.now()), "processed": processed})
            return
        self._error(404, "no_route", "no such local endpoint",
                    {"endpoints": ["GET /_local/health", "GET /_local/sent", "POST /_local/jobs/{name}",
                                   "POST /_local/drain", "PUT /_local/s3/{bucket}/{key} (presigned uploads)",
                                   "POST /_local/clock/advance?seconds=N"]})
