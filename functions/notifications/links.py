"""Opt-out links: a signed token naming the practice, the person and the channel, so a recipient can stop a
channel from the message itself without signing in. The token carries ids, never an address."""

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass

from functions.core.errors import Invalid
from functions.notifications.models import CHANNELS

# A sub-key of the page-token secret: one secret to rotate, and a token of one kind is never valid as the other.
_LABEL = b"practiceflow.notifications.opt-out"
_MAX = 512


@dataclass(frozen=True)
class OptOut:
    practice_id: str
    person: str  # person key: PATIENT#p, FAMILY#p#m, STAFF#u
    channel: str


class OptOutLinks:
    def __init__(self, secret: Callable[[], bytes], base_url: str) -> None:
        self._secret = secret
        self.base_url = base_url.rstrip("/")

    def _key(self) -> bytes:
        return hmac.new(self._secret(), _LABEL, hashlib.sha256).digest()

    def _sign(self, payload: bytes) -> str:
        return base64.urlsafe_b64encode(hmac.new(self._key(), payload, hashlib.sha256).digest()[:18]).decode()

    def token(self, opt_out: OptOut) -> str:
        body = json.dumps([opt_out.practice_id, opt_out.person, opt_out.channel], separators=(",", ":")).encode()
        payload = base64.urlsafe_b64encode(body).decode().rstrip("=")
        return f"{payload}.{self._sign(payload.encode())}"

    def link(self, opt_out: OptOut) -> str:
        return f"{self.base_url}/notifications/opt-out/{self.token(opt_out)}"

    def verify(self, token: str) -> OptOut:
        bad = Invalid("this opt-out link is not valid", code="invalid_opt_out_link")
        payload, _, signature = token.partition(".")
        if not payload or not signature or len(token) > _MAX:
            raise bad
        if not hmac.compare_digest(signature, self._sign(payload.encode())):
            raise bad
        try:
            practice_id, person, channel = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except ValueError:
            raise bad from None
        if channel not in CHANNELS:
            raise bad
        return OptOut(practice_id, person, channel)
