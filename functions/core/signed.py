"""Signed tokens for links that work without signing in (opt-out, appointment replies): a small JSON list
of ids, base64url-encoded, with an HMAC under a sub-key of the page-token secret. Each kind of link has
its own label, so one secret serves them all and a token of one kind is never valid as another."""

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

MAX_TOKEN = 512


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
        if not payload or not signature or len(token) > MAX_TOKEN:
            return None
        if not hmac.compare_digest(signature, self._sign(payload.encode())):
            return None
        try:
            values = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except ValueError:
            return None
        return values if isinstance(values, list) else None
