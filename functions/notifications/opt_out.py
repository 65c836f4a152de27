"""Opting out of a channel: from the link in a message (no sign-in: the signed token says who and which
channel), from an SMS STOP reply or a permanent email bounce; and opting back in (START)."""

from collections.abc import Callable
from datetime import datetime

from functions.core import clock
from functions.core.errors import Conflict
from functions.notifications.links import OptOutLinks
from functions.notifications.models.messages import CHANNELS
from functions.notifications.models.preferences import OptOutResult, Preferences
from functions.notifications.ports import PreferenceBook

ATTEMPTS = 3  # optimistic writes racing another change to the same preferences


class OptOuts:
    def __init__(self, preferences: PreferenceBook, links: OptOutLinks,
                 now: Callable[[], datetime] = clock.now) -> None:
        self.preferences = preferences
        self.links = links
        self.now = now

    def describe(self, token: str) -> OptOutResult:
        """What the link would stop, and whether it already has: opening a link changes nothing (mail
        scanners open links)."""
        link = self.links.verify(token)
        current = self.preferences.preferences(link.practice_id, link.person) or Preferences(person=link.person)
        return OptOutResult(channel=link.channel, opted_out=link.channel in current.opted_out)

    def opt_out(self, token: str) -> OptOutResult:
        link = self.links.verify(token)
        self.set(link.practice_id, link.person, link.channel, opted_out=True)
        return OptOutResult(channel=link.channel, opted_out=True)

    def set(self, practice_id: str, person: str, channel: str, opted_out: bool) -> None:
        """The person's channel off (or back on), whatever else their preferences say; nothing when it
        already is. Conflict when the preferences keep changing under it."""
        for _ in range(ATTEMPTS):
            current = self.preferences.preferences(practice_id, person) or Preferences(person=person)
            wanted = set(current.opted_out) | {channel} if opted_out else set(current.opted_out) - {channel}
            if wanted == set(current.opted_out):
                return
            updated = current.model_copy(update={
                "opted_out": [c for c in CHANNELS if c in wanted],
                "version": current.version + 1, "updated_at": clock.iso(self.now())})
            try:
                self.preferences.put_preferences(practice_id, updated, current.version or None)
                return
            except Conflict:
                continue
        raise Conflict("the preferences are changing; retry", code="preferences_busy")
