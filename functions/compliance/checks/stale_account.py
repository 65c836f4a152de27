"""`stale_account`: active staff accounts with no sign-in for `idle_days` (never signed in: since created)."""

from collections.abc import Iterator
from datetime import date, timedelta

from functions.compliance.checks.base import Raised, Severity
from functions.compliance.checks.finding_keys import finding_key
from functions.compliance.ports.sources import SignIns


class StaleAccount:
    """An unused account is access nobody watches (HIPAA §164.308(a)(3)): the coordinators deactivate it or
    the member signs in; either clears it."""

    name = "stale_account"

    def __init__(self, sign_ins: SignIns, idle_days: int = 90) -> None:
        self.sign_ins, self.idle_days = sign_ins, idle_days

    def find(self, practice_id: str, today: date) -> Iterator[Raised]:
        for account in self.sign_ins.quiet_since(practice_id, today - timedelta(days=self.idle_days)):
            since = date.fromisoformat((account.last_signed_in_at or account.created_at)[:10])
            what = (f"has not signed in since {since}" if account.last_signed_in_at
                    else f"has never signed in since it was created on {since}")
            yield Raised(check=self.name, key=finding_key("user", account.user_id), severity=Severity.MEDIUM,
                         owner="role:coordinator", due_on=since + timedelta(days=self.idle_days),
                         title=f"Staff account {account.user_id} {what}", link=f"/staff/{account.user_id}")
