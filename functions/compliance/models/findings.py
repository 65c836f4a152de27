"""Findings of the daily checks, the run that keeps them, and the board over them."""

from datetime import date
from typing import Literal

from pydantic import Field

from functions.compliance.checks.base import Severity
from functions.core.models import Shape, Stored

Status = Literal["open", "closed"]


class Finding(Stored):
    """One thing a check found wrong, open until the check no longer raises it. Its id is `<check>-<key>`, so
    the same problem raised on two days (or by two runs at once) is one finding; raised again after it was
    closed, it reopens as its next `episode`."""

    id: str
    practice_id: str
    check: str
    key: str
    severity: Severity
    owner: str = Field(description='"user:<sign-in id>", "role:<job role>" or "role:privacy_officer"')
    due_on: date
    title: str
    link: str = Field(description="the API path of the thing to fix")
    status: Status = "open"
    opened_at: str
    updated_at: str
    closed_at: str | None = None
    closed_by: str | None = Field(None, description='"check" when its check no longer raised it')
    episode: int = Field(1, description="how many times it has been opened")
    version: int

    @property
    def owner_user(self) -> str | None:
        return self.owner.removeprefix("user:") if self.owner.startswith("user:") else None


class FindingPage(Shape):
    findings: list[Finding]
    next_page_token: str | None = None


class CheckOutcome(Shape):
    name: str
    raised: int = 0
    opened: int = 0
    kept: int = 0
    updated: int = 0
    closed: int = 0
    failed: bool = Field(False, description="the check could not run; its findings were left as they were")


class RunSummary(Shape):
    practice_id: str
    ran_at: str
    today: date
    checks: list[CheckOutcome]
    failed: int = Field(description="checks that could not run")
    notices: int = Field(description="work notices asked for, one per owner of each newly opened finding")
    open: int = Field(description="findings open after the run")


class WeekSnapshot(Stored):
    """What was open at the week's last run, and what the week's runs opened and closed."""

    week_of: date = Field(description="the Monday (UTC) the week starts on")
    at: str = Field(description="when the last run of the week wrote it")
    open: int
    by_severity: dict[str, int]
    opened: int = 0
    closed: int = 0


class TrendPoint(Shape):
    week_of: date
    open: int | None = Field(description="open at the week's last run; null when no run that week")
    by_severity: dict[str, int] = Field(default_factory=dict)
    opened: int = 0
    closed: int = 0


class OwnerCount(Shape):
    owner: str
    open: int


class Board(Shape):
    as_of: date
    open: int
    by_severity: dict[str, int] = Field(description="open findings per severity, every severity named")
    by_owner: list[OwnerCount] = Field(description="open findings per owner, most first")
    trend: list[TrendPoint] = Field(description="the last 12 weeks, oldest first")
    last_run_at: str | None = None
