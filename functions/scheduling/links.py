"""Signed reply links for reminders: "confirm" or "cancel" one appointment without signing in. The token
names the practice, the appointment, the action and an expiry, signed with a sub-key of the page-token
secret; it carries ids only, never a name or a time."""

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from functions.core.errors import Invalid

_LABEL = b"practiceflow.scheduling.reply"
_MAX = 512
ACTIONS = ("confirm", "cancel")


@dataclass(frozen=True)
class Reply:
    practice_id: str
    appointment_id: str
    action: str
    expires: int  # unix seconds


class ReplyLinks:
    def __init__(self, secret: Callable[[], bytes], base_url: str = "") -> None:
        self._secret = secret
        self.base_url = base_url.rstrip("/")

    def _sign(self, payload: bytes) -> str:
        key = hmac.new(self._secret(), _LABEL, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(hmac.new(key, payload, hashlib.sha256).digest()[:18]).decode()

    def token(self, reply: Reply) -> str:
        body = json.dumps([reply.practice_id, reply.appointment_id, reply.action, reply.expires],
                          separators=(",", ":")).encode()
        payload = base64.urlsafe_b64encode(body).decode().rstrip("=")
        return f"{payload}.{self._sign(payload.encode())}"

    def link(self, reply: Reply) -> str:
        return f"{self.base_url}/appointments/reply/{self.token(reply)}"

    def verify(self, token: str, now: datetime) -> Reply:
        bad = Invalid("this link is not valid", code="invalid_reply_link")
        payload, _, signature = token.partition(".")
        if not payload or not signature or len(token) > _MAX:
            raise bad
        if not hmac.compare_digest(signature, self._sign(payload.encode())):
            raise bad
        try:
            practice_id, appointment_id, action, expires = json.loads(
                base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except ValueError:
            raise bad from None
        if action not in ACTIONS or not isinstance(expires, int):
            raise bad
        if now.timestamp() > expires:
            raise Invalid("this link has expired; sign in or call the practice", code="reply_link_expired")
        return Reply(str(practice_id), str(appointment_id), action, expires)
