"""In-memory fakes of what the workshop promotion reads and writes: outws' WorkshopFacts and SurveyLinks (the
seam, held to outws' adapter by tests/contract/test_outreach_promotion_seam.py at merge), the promotion
ledger (exactly once per workshop, kind and person, as the DynamoDB adapter), the delivery log, the survey
results (the workflow's fake is in tests/fakes/outreach.py)."""

import threading

from functions.outreach.models.promotion import PromotionRun, ReachReport, SurveySummary
from functions.outreach.models.workshops import PromotedWorkshop, Registrant


class FakeWorkshopFacts:
    """Workshops and their registrants as outws keeps them; tests change them with `put` / `register`."""

    def __init__(self) -> None:
        self.workshops: dict[tuple[str, str], PromotedWorkshop] = {}
        self.registrations: dict[tuple[str, str], list[Registrant]] = {}
        self.reads = 0

    def put(self, workshop: PromotedWorkshop) -> None:
        self.workshops[(workshop.practice_id, workshop.id)] = workshop
        self.registrations.setdefault((workshop.practice_id, workshop.id), [])

    def set_status(self, practice_id: str, workshop_id: str, status: str) -> None:
        key = (practice_id, workshop_id)
        self.workshops[key] = self.workshops[key].model_copy(update={"status": status,
                                                                      "version": self.workshops[key].version + 1})

    def register(self, practice_id: str, workshop_id: str, registrant: Registrant) -> None:
        self.registrations[(practice_id, workshop_id)].append(registrant)

    def attend(self, practice_id: str, workshop_id: str, registration_id: str) -> None:
        people = self.registrations[(practice_id, workshop_id)]
        people[:] = [r.model_copy(update={"attended": True}) if r.registration_id == registration_id else r
                     for r in people]

    def workshop(self, practice_id, workshop_id):
        self.reads += 1
        return self.workshops.get((practice_id, workshop_id))

    def registrants(self, practice_id, workshop_id, cursor=None, limit=100):
        people = sorted(self.registrations.get((practice_id, workshop_id), []), key=lambda r: r.registration_id)
        if cursor:
            people = [r for r in people if r.registration_id > cursor]
        page = people[:limit]
        return page, (page[-1].registration_id if len(people) > limit else None)

    def close_registration(self, practice_id, workshop_id):
        workshop = self.workshops.get((practice_id, workshop_id))
        if workshop is None or workshop.status != "published":
            return False
        self.set_status(practice_id, workshop_id, "closed")
        return True


class FakeSurveyLinks:
    def survey_url(self, practice_id, registration_id):
        return f"https://practice.example/surveys/{practice_id}-{registration_id}"


class FakePromotionLedger:
    """Sends recorded once per (workshop, kind, person), their notification events in `events` (the outbox)."""

    def __init__(self) -> None:
        self.sent: dict[tuple[str, str], dict[tuple[str, str], str]] = {}  # -> (kind, person) -> message id
        self.events = []
        self.runs: dict[tuple[str, str], PromotionRun] = {}
        self.reports: dict[tuple[str, str], ReachReport] = {}
        self.lock = threading.Lock()

    def send(self, practice_id, workshop_id, sends):
        new = 0
        with self.lock:
            ledger = self.sent.setdefault((practice_id, workshop_id), {})
            for one in sends:
                if (one.kind, one.person) in ledger:
                    continue
                ledger[(one.kind, one.person)] = one.event.entity_id
                self.events.append(one.event)
                new += 1
        return new

    def _people(self, practice_id, workshop_id, kind):
        return sorted(person for (k, person) in self.sent.get((practice_id, workshop_id), {}) if k == kind)

    def sent_to(self, practice_id, workshop_id, kind, cursor=None, limit=100):
        people = [p for p in self._people(practice_id, workshop_id, kind) if cursor is None or p > cursor]
        page = people[:limit]
        return page, (page[-1] if len(people) > limit else None)

    def count(self, practice_id, workshop_id, kind):
        return len(self._people(practice_id, workshop_id, kind))

    def run(self, practice_id, workshop_id):
        return self.runs.get((practice_id, workshop_id))

    def begin(self, practice_id, workshop_id, version, at):
        self.runs[(practice_id, workshop_id)] = PromotionRun(workshop_id=workshop_id, version=version,
                                                             outcome="running", updated_at=at)

    def end(self, practice_id, workshop_id, outcome, at):
        run = self.runs.get((practice_id, workshop_id)) or PromotionRun(workshop_id=workshop_id)
        self.runs[(practice_id, workshop_id)] = run.model_copy(update={"outcome": outcome, "updated_at": at})

    def save_report(self, practice_id, report):
        self.reports[(practice_id, report.workshop_id)] = report

    def report(self, practice_id, workshop_id):
        return self.reports.get((practice_id, workshop_id))

    def templates_to(self, person):
        """The templates of the messages asked for `person`, in order."""
        return [e.data["request"]["template"] for e in self.events
                if person in (e.data["request"]["recipient"].get("patient_id"),
                              e.data["request"]["recipient"].get("contact_id"))]


class FakeDeliveryLog:
    def __init__(self) -> None:
        self.counts: dict[tuple[str, str], int] = {}

    def delivered(self, practice_id, workshop_id):
        return self.counts.get((practice_id, workshop_id), 0)


class FakeSurveyTally:
    def __init__(self) -> None:
        self.summaries: dict[tuple[str, str], SurveySummary] = {}

    def summary(self, practice_id, workshop_id):
        return self.summaries.get((practice_id, workshop_id), SurveySummary())
