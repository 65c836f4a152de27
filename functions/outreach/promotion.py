"""The workshop promotion's steps: invite the audience a page at a time, remind the invited and the registered,
close registration, send the survey to those who came, and write the reach report. Each step first checks the
workshop still runs (published, or closed to registration); otherwise the run ends with its outcome recorded.
Each message is recorded with its notification in one write, once per (workshop, kind, person), so a retried
step sends nothing twice."""

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from functions.core import clock
from functions.notifications.models.messages import Recipient
from functions.notifications.request import notification_requested
from functions.outreach.audience import AudienceSelection
from functions.outreach.models.promotion import TEMPLATES, Plan, ReachReport, Send, SendKind
from functions.outreach.models.workshops import PromotedWorkshop, Registrant
from functions.outreach.ports import DeliveryLog, PromotionLedger, SurveyLinks, SurveyTally, WorkshopFacts

REMIND_INVITED_DAYS = 3  # the default: the invited who have not registered hear again this long before
BATCH = 25  # invitations per Map iteration (one ledger write each)
RUNNING = ("published", "closed")
Step = dict[str, Any]


def plan(workshop: PromotedWorkshop, remind_days: int) -> Plan:
    first = min(s.starts_at for s in workshop.sessions)
    last = max(s.ends_at for s in workshop.sessions)
    deadline = workshop.registration_deadline
    return Plan(remind_invited_at=clock.iso(min(first - timedelta(days=remind_days), deadline)),
                close_at=clock.iso(deadline), remind_registered_at=clock.iso(first - timedelta(days=1)),
                survey_at=clock.iso(last))


def _when(workshop: PromotedWorkshop) -> str:
    return min(s.starts_at for s in workshop.sessions).strftime("%Y-%m-%d %H:%M UTC")


def _batches(ids: list[str], size: int) -> list[list[str]]:
    return [ids[n:n + size] for n in range(0, len(ids), size)]


def _recipient(registrant: Registrant) -> tuple[str, Recipient]:
    if registrant.patient_id:
        return registrant.patient_id, Recipient(kind="patient", patient_id=registrant.patient_id)
    return f"contact-{registrant.contact_id}", Recipient(kind="contact", contact_id=registrant.contact_id)


class Promotion:
    def __init__(self, facts: WorkshopFacts, selection: AudienceSelection, ledger: PromotionLedger,
                 links: SurveyLinks, deliveries: DeliveryLog, surveys: SurveyTally,
                 now: Callable[[], datetime] = clock.now, remind_days: int = REMIND_INVITED_DAYS,
                 batch: int = BATCH) -> None:
        self.facts = facts
        self.selection = selection
        self.ledger = ledger
        self.links = links
        self.deliveries = deliveries
        self.surveys = surveys
        self.now = now
        self.remind_days = remind_days
        self.batch = batch

    # --- the steps, in the order the state machine runs them ---

    def begin(self, practice_id: str, workshop_id: str, version: int) -> Step:
        workshop = self._running(practice_id, workshop_id)
        if workshop is None:
            return {"go": False}
        self.ledger.begin(practice_id, workshop_id, version, self._at())
        return {"go": True, "plan": plan(workshop, self.remind_days).model_dump()}

    def select(self, practice_id: str, workshop_id: str, cursor: str | None) -> Step:
        """One page of the audience, as batches for the Map to invite; the cursor goes back into the state."""
        workshop = self._running(practice_id, workshop_id)
        if workshop is None:
            return {"go": False}
        if workshop.status != "published":
            return {"go": True, "batches": [], "cursor": None}  # registration closed: no more invitations
        on = min(s.starts_at for s in workshop.sessions).date()
        page = self.selection.page_of(practice_id, workshop.audience, on, cursor)
        return {"go": True, "batches": _batches(page.patient_ids, self.batch), "cursor": page.cursor}

    def invite(self, practice_id: str, workshop_id: str, patient_ids: list[str]) -> Step:
        workshop = self._running(practice_id, workshop_id)
        if workshop is None:
            return {"go": False}
        if workshop.status != "published":
            return {"go": True, "sent": 0}
        sends = [self._send(workshop, "invitation", patient_id, Recipient(kind="patient", patient_id=patient_id))
                 for patient_id in patient_ids]
        return {"go": True, "sent": self.ledger.send(practice_id, workshop_id, sends)}

    def remind_invited(self, practice_id: str, workshop_id: str, cursor: str | None) -> Step:
        """A page of the invited: those with no registration hear again, while registration is open."""
        workshop = self._running(practice_id, workshop_id)
        if workshop is None:
            return {"go": False}
        if workshop.status != "published" or self.now() >= workshop.registration_deadline:
            return {"go": True, "cursor": None}  # closed: nobody can register any more
        invited, cursor = self.ledger.sent_to(practice_id, workshop_id, "invitation", cursor)
        answered = {r.patient_id for r in self._registrants(practice_id, workshop_id) if r.patient_id}
        sends = [self._send(workshop, "reminder_invited", patient_id, Recipient(kind="patient", patient_id=patient_id))
                 for patient_id in invited if patient_id not in answered]
        self.ledger.send(practice_id, workshop_id, sends)
        return {"go": True, "cursor": cursor}

    def close(self, practice_id: str, workshop_id: str) -> Step:
        self.facts.close_registration(practice_id, workshop_id)  # False when closed already: a retry
        return {"go": self._running(practice_id, workshop_id) is not None}

    def remind_registered(self, practice_id: str, workshop_id: str, cursor: str | None) -> Step:
        return self._to_registrants(practice_id, workshop_id, cursor, "reminder_registered",
                                    lambda r: r.status == "registered")

    def survey(self, practice_id: str, workshop_id: str, cursor: str | None) -> Step:
        return self._to_registrants(practice_id, workshop_id, cursor, "survey",
                                    lambda r: r.status == "registered" and r.attended,
                                    lambda r: {"survey_link": self.links.survey_url(practice_id, r.registration_id)})

    def report(self, practice_id: str, workshop_id: str, outcome: str = "completed") -> Step:
        workshop = self.facts.workshop(practice_id, workshop_id)
        registrants = list(self._registrants(practice_id, workshop_id)) if workshop else []
        summary = self.surveys.summary(practice_id, workshop_id)
        self.ledger.save_report(practice_id, ReachReport(
            workshop_id=workshop_id, outcome=outcome,
            invited=self.ledger.count(practice_id, workshop_id, "invitation"),
            delivered=self.deliveries.delivered(practice_id, workshop_id),
            registered=sum(1 for r in registrants if r.status == "registered"),
            waitlisted=sum(1 for r in registrants if r.status == "waitlisted"),
            attended=sum(1 for r in registrants if r.attended),
            surveyed=self.ledger.count(practice_id, workshop_id, "survey"),
            answered=summary.answered, mean_rating=summary.mean_rating, written_at=self.now()))
        self.ledger.end(practice_id, workshop_id, outcome, self._at())
        return {"go": outcome == "completed"}

    # --- shared ---

    def _running(self, practice_id: str, workshop_id: str) -> PromotedWorkshop | None:
        """The workshop while its promotion should go on (published, or closed to registration); when it was
        unpublished, cancelled or removed, the run ends here: the report so far, with that outcome."""
        workshop = self.facts.workshop(practice_id, workshop_id)
        if workshop is not None and workshop.status in RUNNING:
            return workshop
        outcome = "gone" if workshop is None else workshop.status
        self.report(practice_id, workshop_id, "unpublished" if outcome == "draft" else outcome)
        return None

    def _to_registrants(self, practice_id: str, workshop_id: str, cursor: str | None, kind: SendKind,
                        chosen: Callable[[Registrant], bool],
                        data: Callable[[Registrant], dict[str, Any]] = lambda _: {}) -> Step:
        workshop = self._running(practice_id, workshop_id)
        if workshop is None:
            return {"go": False}
        page, cursor = self.facts.registrants(practice_id, workshop_id, cursor)
        sends = []
        for registrant in filter(chosen, page):
            person, recipient = _recipient(registrant)
            sends.append(self._send(workshop, kind, person, recipient, data(registrant)))
        self.ledger.send(practice_id, workshop_id, sends)
        return {"go": True, "cursor": cursor}

    def _registrants(self, practice_id: str, workshop_id: str) -> Iterator[Registrant]:
        cursor = None
        while True:
            page, cursor = self.facts.registrants(practice_id, workshop_id, cursor)
            yield from page
            if cursor is None:
                return

    def _send(self, workshop: PromotedWorkshop, kind: SendKind, person: str, recipient: Recipient,
              extra: dict[str, Any] | None = None) -> Send:
        # the key names the message: notifications makes one message per (practice, key, recipient) too. The data
        # crosses EventBridge beside the patient's id, so no title: "Living with diabetes" would say too much.
        event = notification_requested(
            practice_id=workshop.practice_id, recipient=recipient, template=TEMPLATES[kind],
            source={"area": "outreach", "entity": "workshop", "entity_id": workshop.id},
            idempotency_key=f"{kind}-{workshop.id}-{person}",
            data={"starts_at": _when(workshop), "workshop_id": workshop.id, **(extra or {})})
        return Send(kind=kind, person=person, event=event)

    def _at(self) -> str:
        return clock.iso(self.now())
