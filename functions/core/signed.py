"""Signed tokens for links that work without signing in (opt-out, appointment replies): a small JSON list
of ids, base64url-encoded, with an HMAC under a sub-key of the page-token secret. Each kind of link has
its own label, so one secret serves them all and a token of one kind is never valid as another."""

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Callable
from typing import Any

MAX_TOKEN = 512
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")


def is_base64url(text: str) -> bool:
    """True for a non-empty run of the base64url alphabet (ASCII letters, digits, - and _), maybe padded."""
    return _BASE64URL.fullmatch(text) is not None


def signature_matches(given: str, expected: str) -> bool:
    """A constant-time comparison of a signature from the caller with ours. On str, compare_digest raises
    TypeError for any non-ASCII character; so the format is checked first and the bytes compared."""
    return is_base64url(given) and hmac.compare_digest(given.encode("ascii"), expected.encode("ascii"))


class SignedTokens:
    def __init__(self, secret: Callable[[], bytes], label: str) -> None:
        self._secret = secret
        self._label = label.encode()

    def _sign(self, payload: bytes) -> str:
        key = hmac.new(self._secret(), self._label, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(hmac.new(key, payload, hashlib.sha256).digest()[:18]).decode()

    def sign(self, values: list[Any]) -> str:
        body = json.dumps(values, separators=(",", ":")).encode()
        payload = base64.urlsafe_b64encode(body).decode().rstrip("=")
        return f"{payload}.{self._sign(payload.encode())}"

    def open(self, token: str) -> list[Any] | None:
        """The signed values, or None for anything forged, edited, truncated or oversized."""
        payload, _, signature = token.partition(".")
        if len(token) > MAX_TOKEN or not is_base64url(payload):
            return None
        if not signature_matches(signature, self._sign(payload.encode())):
            return None
        try:
            values = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except ValueError:
            return None
        return values if isinstance(values, list) else None
