"""Signed reply links for reminders: "confirm" or "cancel" one appointment without signing in. The token
names the practice, the appointment, the action and an expiry, signed with a sub-key of the page-token
secret; it carries ids only, never a name or a time."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from functions.core import tenancy
from functions.core.errors import Invalid
from functions.core.signed import SignedTokens
from functions.scheduling.models.appointments import ReplyView

ACTIONS = ("confirm", "cancel")


@dataclass(frozen=True)
class Reply:
    practice_id: str
    appointment_id: str
    action: str
    expires: int  # unix seconds


@dataclass(frozen=True)
class ReplyAnswer:
    """What a reply link shows: the view (all an API client gets), the local time as messages write it, and
    the token for each reply the appointment's status still allows (action -> token)."""

    view: ReplyView
    when: str
    choices: dict[str, str]


class ReplyLinks:
    def __init__(self, secret: Callable[[], bytes], base_url: str = "") -> None:
        self._tokens = SignedTokens(secret, "practiceflow.scheduling.reply")
        self.base_url = base_url.rstrip("/")

    def token(self, reply: Reply) -> str:
        return self._tokens.sign([reply.practice_id, reply.appointment_id, reply.action, reply.expires])

    def link(self, reply: Reply) -> str:
        return f"{self.base_url}/appointments/reply/{self.token(reply)}"

    def verify(self, token: str, now: datetime) -> Reply:
        values = self._tokens.open(token)
        if (values is None or len(values) != 4 or values[2] not in ACTIONS
                or not isinstance(values[3], int)):
            raise Invalid("this link is not valid", code="invalid_reply_link")
        practice_id, appointment_id, action, expires = values
        if now.timestamp() > expires:
            raise Invalid("this link has expired; sign in or call the practice", code="reply_link_expired")
        tenancy.bind(str(practice_id))  # the signed link is the credential: it names the practice acted for
        return Reply(str(practice_id), str(appointment_id), action, expires)


@dataclass(frozen=True)
class MoveReply:
    """A patient's answer to a move offer: `choice` is the offered time's index, -1 declines."""

    practice_id: str
    reason: str
    appointment_id: str
    choice: int
    expires: int  # unix seconds


class MoveLinks:
    """Signed links of a move offer, one per offered time and one to decline (ids and an index only)."""

    def __init__(self, secret: Callable[[], bytes], base_url: str = "") -> None:
        self._tokens = SignedTokens(secret, "practiceflow.scheduling.move")
        self.base_url = base_url.rstrip("/")

    def token(self, reply: MoveReply) -> str:
        return self._tokens.sign([reply.practice_id, reply.reason, reply.appointment_id, reply.choice,
                                  reply.expires])

    def link(self, reply: MoveReply) -> str:
        return f"{self.base_url}/appointments/moves/{self.token(reply)}"

    def verify(self, token: str, now: datetime) -> MoveReply:
        values = self._tokens.open(token)
        if (values is None or len(values) != 5 or not isinstance(values[3], int)
                or not isinstance(values[4], int)):
            raise Invalid("this link is not valid", code="invalid_move_link")
        practice_id, reason, appointment_id, choice, expires = values
        if now.timestamp() > expires:
            raise Invalid("this link has expired; please call the practice", code="move_link_expired")
        tenancy.bind(str(practice_id))  # the signed link is the credential: it names the practice acted for
        return MoveReply(str(practice_id), str(reason), str(appointment_id), choice, expires)
