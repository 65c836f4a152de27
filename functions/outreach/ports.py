"""What the outreach use cases need from storage and from other areas, each port named for its role."""

from collections.abc import Sequence
from typing import Protocol

from functions.outreach.models.promotion import PromotionRun, ReachReport, Send, SurveySummary
from functions.outreach.models.workshops import PromotedWorkshop, Registrant
from functions.records.models.audience import AudienceMember

# --- workshops (outws) ---

class WorkshopFacts(Protocol):
    def workshop(self, practice_id: str, workshop_id: str) -> PromotedWorkshop | None: ...

    def registrants(self, practice_id: str, workshop_id: str, cursor: str | None = None,
                    limit: int = 100) -> tuple[list[Registrant], str | None]: ...

    def close_registration(self, practice_id: str, workshop_id: str) -> bool:
        """published -> closed; False when it was not published (already closed, unpublished, cancelled)."""


class SurveyLinks(Protocol):
    def survey_url(self, practice_id: str, registration_id: str) -> str:
        """The signed link a registrant answers the follow-up survey through (outws' survey routes)."""


# --- promotion ---

class PromotionWorkflow(Protocol):
    def start(self, practice_id: str, workshop_id: str, version: int) -> None:
        """Start the promotion for this publication (execution name promote-<workshop>-v<version>: a retry
        starts it once)."""

    def stop(self, practice_id: str, workshop_id: str) -> None:
        """Stop it (StopExecution of the running one; steps also end the run when the workshop is not
        published/closed any more, so a stop lost in a race still ends cleanly)."""


class ConsentedAudience(Protocol):
    """Records' audience index: the patients who consent to contact on a topic, a page at a time."""

    def audience(self, practice_id: str, topic: str, cursor: str | None = None,
                 limit: int = 100) -> tuple[list[AudienceMember], str | None]: ...


class PromotionLedger(Protocol):
    """What the promotion sent, once each, and where its run stands."""

    def send(self, practice_id: str, workshop_id: str, sends: Sequence[Send]) -> int:
        """Record each send with its notification event, skipping any already recorded for that
        (workshop, kind, person); returns how many were new (their events are the only ones written)."""

    def sent_to(self, practice_id: str, workshop_id: str, kind: str, cursor: str | None = None,
                limit: int = 100) -> tuple[list[str], str | None]:
        """The people a kind of message went to, a page at a time (e.g. the invited, to remind them)."""

    def count(self, practice_id: str, workshop_id: str, kind: str) -> int:
        """How many people a kind of message went to."""

    def run(self, practice_id: str, workshop_id: str) -> PromotionRun | None: ...

    def begin(self, practice_id: str, workshop_id: str, version: int, at: str) -> None:
        """The run of this publication starts (its counts carry on from an earlier one of the workshop)."""

    def end(self, practice_id: str, workshop_id: str, outcome: str, at: str) -> None: ...

    def save_report(self, practice_id: str, report: ReachReport) -> None: ...

    def report(self, practice_id: str, workshop_id: str) -> ReachReport | None: ...


class DeliveryLog(Protocol):
    """Notifications' delivery log, as the reach report reads it."""

    def delivered(self, practice_id: str, workshop_id: str) -> int:
        """How many of the workshop's invitations were sent on some channel."""


class SurveyTally(Protocol):
    """The follow-up survey's answers counted, as the reach report reads them (outws keeps the totals)."""

    def summary(self, practice_id: str, workshop_id: str) -> SurveySummary: ...
