"""Tenant isolation in IAM, not only in key builders: an API request's DynamoDB calls run with credentials
of the function's tenant role, assumed with a session tag naming the caller's practice. That role may touch
only partition keys PRACTICE#<its tag>#* (dynamodb:LeadingKeys), so a key built for another practice by a
bug is refused by DynamoDB itself.

A request (core.api.make_handler) opens a scope; the practice is bound where the caller becomes known (the
Cognito claims, or a signed link). Outside a request (jobs, workers, workflow tasks, which span practices)
there is no scope and the function's own role is used. Credentials are kept per container and practice
until shortly before they expire, so only a practice's first request in a container pays for AssumeRole.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

from functions.core.container import on_reset, per_container
from functions.core.settings import settings

TAG = "practice_id"  # the session tag the tenant role's policy reads as ${aws:PrincipalTag/practice_id}
# Renew this long before expiry, so a call never goes out with credentials that lapse in flight.
RENEW_BEFORE_S = 300
# A container rarely serves many practices; past this, the least recently used practice's client goes.
MAX_PRACTICES = 64
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)


class TenancyError(RuntimeError):
    """A request's DynamoDB call with no practice bound, or a request acting for two: a bug, never a caller's."""


@dataclass
class _Request:
    practice_id: str | None = None


_request: ContextVar[_Request | None] = ContextVar("practiceflow_request", default=None)


@contextmanager
def request() -> Iterator[None]:
    """One API request: DynamoDB calls inside it go through the caller's practice's credentials."""
    token = _request.set(_Request())
    try:
        yield
    finally:
        _request.reset(token)


def bind(practice_id: str) -> None:
    """The current request acts for `practice_id` (a no-op outside a request)."""
    current = _request.get()
    if current is None:
        return
    if current.practice_id not in (None, practice_id):
        raise TenancyError("one request may act for one practice only")
    current.practice_id = practice_id


@dataclass
class _Credentials:
    client: Any
    expires_at: float  # unix seconds


_clients: OrderedDict[str, _Credentials] = OrderedDict()
_lock = threading.Lock()


@per_container
def _sts():
    return boto3.client("sts", config=CLIENT_CONFIG)


def _assume(role_arn: str, practice_id: str) -> _Credentials:
    response = _sts().assume_role(
        RoleArn=role_arn,
        RoleSessionName=f"practice-{practice_id}"[:64],  # CloudTrail shows which practice a session was for
        Tags=[{"Key": TAG, "Value": practice_id}],
    )
    credentials = response["Credentials"]
    client = boto3.client(
        "dynamodb", config=CLIENT_CONFIG,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    return _Credentials(client, credentials["Expiration"].timestamp())


def practice_client(practice_id: str) -> Any:
    """The DynamoDB client for `practice_id`'s tenant session: assumed on first use, kept until it nears expiry."""
    role_arn = settings().tenant_role_arn
    if role_arn is None:
        raise TenancyError("no tenant role is configured (TENANT_ROLE_ARN)")
    with _lock:
        held = _clients.get(practice_id)
        if held is None or time.time() >= held.expires_at - RENEW_BEFORE_S:
            held = _clients[practice_id] = _assume(role_arn, practice_id)
            while len(_clients) > MAX_PRACTICES:
                _clients.popitem(last=False)
        _clients.move_to_end(practice_id)
        return held.client


def scoped_client() -> Any | None:
    """The client the current request must use, or None where the function's own role applies (outside a
    request, or with no tenant role configured)."""
    current = _request.get()
    if current is None or settings().tenant_role_arn is None:
        return None
    if current.practice_id is None:
        raise TenancyError("a DynamoDB call before the caller's practice is known")
    return practice_client(current.practice_id)


@on_reset
def forget() -> None:
    """Drop every held session (tests: each gets a fresh cloud)."""
    with _lock:
        _clients.clear()
