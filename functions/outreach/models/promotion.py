"""The workshop promotion's shapes: its plan in time, the sends it makes, a run's state and the reach report."""

from datetime import datetime
from typing import Literal

from pydantic import Field

from functions.core.events import DomainEvent
from functions.core.models import Shape, Stored

# what the promotion sends, each at most once per (workshop, person)
SendKind = Literal["invitation", "reminder_invited", "reminder_registered", "survey"]
TEMPLATES: dict[str, str] = {
    "invitation": "outreach.invitation",
    "reminder_invited": "outreach.reminder.invited",
    "reminder_registered": "outreach.reminder.registered",
    "survey": "outreach.survey",
}
Outcome = Literal["running", "completed", "unpublished", "cancelled", "gone"]


class Plan(Shape):
    """When each later step runs (UTC, ISO 8601: the state machine's Waits read them by TimestampPath)."""

    remind_invited_at: str   # N days before the first session, or the deadline if that comes first
    close_at: str            # the registration deadline
    remind_registered_at: str  # the day before the first session
    survey_at: str           # the end of the last session


class Send(Shape):
    """One message of the promotion to one person: its record and its notification land together, once."""

    kind: SendKind
    person: str  # patient id, or "contact-<id>" for a member of the public
    event: DomainEvent


class PromotionRun(Stored):
    """A workshop's promotion as its steps leave it: which publication, and how the run ended."""

    workshop_id: str
    version: int = 0
    outcome: Outcome = "running"
    updated_at: str | None = None


class SurveySummary(Shape):
    answered: int = 0
    mean_rating: float | None = None


class ReachReport(Shape):
    """How far the promotion reached: written after the survey (or when the run ended early)."""

    workshop_id: str
    outcome: Outcome
    invited: int
    delivered: int = Field(description="invitations the notifications delivery log shows as sent")
    registered: int
    waitlisted: int
    attended: int
    surveyed: int = Field(description="survey links sent to those who attended")
    answered: int = Field(description="surveys answered")
    mean_rating: float | None = None
    written_at: datetime
