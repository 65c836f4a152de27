"""Opt-out links: a signed token naming the practice, the person and the channel, so a recipient can stop a
channel from the message itself without signing in. The token carries ids, never an address."""

from collections.abc import Callable
from dataclasses import dataclass

from functions.core import tenancy
from functions.core.errors import Invalid
from functions.core.signed import SignedTokens
from functions.notifications.models.messages import CHANNELS


@dataclass(frozen=True)
class OptOut:
    practice_id: str
    person: str  # person key: PATIENT#p, FAMILY#p#m, STAFF#u
    channel: str


class OptOutLinks:
    def __init__(self, secret: Callable[[], bytes], base_url: str) -> None:
        self._tokens = SignedTokens(secret, "practiceflow.notifications.opt-out")
        self.base_url = base_url.rstrip("/")

    def token(self, opt_out: OptOut) -> str:
        return self._tokens.sign([opt_out.practice_id, opt_out.person, opt_out.channel])

    def link(self, opt_out: OptOut) -> str:
        return f"{self.base_url}/notifications/opt-out/{self.token(opt_out)}"

    def verify(self, token: str) -> OptOut:
        values = self._tokens.open(token)
        if values is None or len(values) != 3 or values[2] not in CHANNELS:
            raise Invalid("this opt-out link is not valid", code="invalid_opt_out_link")
        practice_id, person, channel = values
        tenancy.bind(practice_id)  # the signed link is the credential: it names the practice acted for
        return OptOut(practice_id, person, channel)
