"""Opaque page tokens. Signed with the practice and the query they came from, so a token cannot be
forged, edited, or replayed against another practice or another list."""

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

from functions.core.errors import Invalid
from functions.core.keys import belongs_to
from functions.core.signed import is_base64url, signature_matches


def _sign(key: bytes, practice_id: str, query: str, payload: bytes) -> str:
    message = practice_id.encode() + b"\x00" + query.encode() + b"\x00" + payload
    return base64.urlsafe_b64encode(hmac.new(key, message, hashlib.sha256).digest()[:18]).decode()


def encode(last_key: dict[str, Any] | None, *, practice_id: str, query: str, key: bytes) -> str | None:
    if not last_key:
        return None
    payload = base64.urlsafe_b64encode(json.dumps(last_key, sort_keys=True, separators=(",", ":")).encode())
    return f"{payload.decode()}.{_sign(key, practice_id, query, payload)}"


def decode(token: str | None, *, practice_id: str, query: str, key: bytes | Callable[[], bytes]) -> dict | None:
    if not token:
        return None
    bad = Invalid("the page token is not valid here", code="invalid_page_token")
    payload, _, signature = token.partition(".")
    if len(token) > 2048 or not is_base64url(payload):
        raise bad
    secret = key() if callable(key) else key
    if not signature_matches(signature, _sign(secret, practice_id, query, payload.encode())):
        raise bad
    try:
        last_key = json.loads(base64.urlsafe_b64decode(payload.encode()))
    except ValueError:
        raise bad from None
    # Belt and braces: even a correctly signed key must point inside the caller's practice.
    if not isinstance(last_key, dict) or not all(
        belongs_to(practice_id, v) for k, v in last_key.items() if k.endswith("pk") and isinstance(v, str)
    ):
        raise bad
    return last_key
