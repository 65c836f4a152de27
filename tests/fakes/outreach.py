"""In-memory fakes of the outreach area's ports, one of each: workshops, registrations, sign-ups and surveys
over one state (FakeOutreach, with WorkshopFacts, what the promotion reads of it), the promotion's ledger,
delivery log, survey links and tally, and the promotion workflow. Each keeps state like its adapter and
enforces the same conditions (versions, the capacity counter, one active registration per holder, a survey
answered once, rate-limit windows, idempotency keys, one send per workshop, kind and person, one execution per
name); tests/contract/test_outreach_*.py runs one suite against both."""

import threading
from collections.abc import Sequence
from datetime import datetime, timedelta

from functions.core.audit import AuditDraft
from functions.core.errors import Conflict, stale
from functions.core.events import DomainEvent
from functions.core.idempotency import IdempotencyClaim, IdempotentRequest
from functions.outreach.models.promotion import PromotionRun, ReachReport, SurveySummary
from functions.outreach.models.registrations import PendingSignup, Registration
from functions.outreach.models.surveys import SurveyAnswer, SurveyTotals
from functions.outreach.models.workshops import AudienceCriteria, PromotedWorkshop, Registrant, Workshop
from tests.fakes.audit import FakeAuditTrail
from tests.fakes.idempotency import FakeIdempotencyKeys

NOT_OPEN = Conflict("registration for this workshop is closed", code="registration_closed")
ALREADY = Conflict("this person is registered for this workshop already", code="already_registered")


def _page(items: list, cursor: str | None, limit: int) -> tuple[list, str | None]:
    start = int(cursor or 0)
    chunk = items[start:start + limit]
    return chunk, (str(start + limit) if start + limit < len(items) else None)


class FakeOutreach:
    """WorkshopCatalog, RegistrationBook, SignupBook and SurveyBox over one state, as the table holds them."""

    def __init__(self, audit: FakeAuditTrail | None = None) -> None:
        self.audit = audit or FakeAuditTrail()
        self.keys = FakeIdempotencyKeys()
        self.lock = self.audit.lock
        self.stored_workshops: dict[tuple[str, str], Workshop] = {}
        self.counts: dict[tuple[str, str], dict[str, int]] = {}
        self.registrations: dict[tuple[str, str], Registration] = {}
        self.holders: dict[tuple[str, str, str], str] = {}  # (practice, workshop, holder) -> registration
        self.signups: dict[tuple[str, str], PendingSignup] = {}
        self.cards: dict[tuple[str, str], dict] = {}
        self.answers: dict[tuple[str, str], SurveyAnswer] = {}

    # --- WorkshopCatalog ---------------------------------------------------------------------------------
    def workshop(self, practice_id: str, workshop_id: str) -> Workshop | None:
        stored = self.stored_workshops.get((practice_id, workshop_id))
        if stored is None:
            return None
        counts = self.counts[(practice_id, workshop_id)]
        return stored.model_copy(update={"registered": counts["registered"], "waitlisted": counts["waitlisted"]})

    def workshops(self, practice_id: str, status: str | None, cursor: str | None,
                  limit: int) -> tuple[list[Workshop], str | None]:
        found = sorted((w for (p, _), w in self.stored_workshops.items() if p == practice_id
                        and (status is None or w.status == status)), key=lambda w: w.id, reverse=True)
        page, after = _page(found, cursor, limit)
        return [self.workshop(practice_id, w.id) for w in page], after

    def create(self, workshop: Workshop, audit: AuditDraft, claim: IdempotencyClaim | None = None) -> None:
        with self.lock:
            key = (workshop.practice_id, workshop.id)
            if key in self.stored_workshops:
                raise Conflict("the workshop changed meanwhile; read it again", code="conflict")
            self.keys.check(workshop.practice_id, claim)
            self.stored_workshops[key] = self._stored(workshop)
            self.counts[key] = {"capacity": workshop.capacity, "registered": 0, "waitlisted": 0, "answers": 0,
                                "rating_sum": 0, "again": 0}
            self.keys.keep(workshop.practice_id, claim)
            self.audit.commit(audit)

    def save(self, workshop: Workshop, audit: AuditDraft, events: Sequence[DomainEvent] = ()) -> None:
        with self.lock:
            key = (workshop.practice_id, workshop.id)
            stored = self.stored_workshops.get(key)
            if stored is None or stored.version != workshop.version - 1:
                raise stale("workshop")
            self.stored_workshops[key] = self._stored(workshop)
            self.counts[key]["capacity"] = workshop.capacity
            self.audit.commit(audit, events)

    def tell(self, audit: AuditDraft, events: Sequence[DomainEvent]) -> None:
        self.audit.commit(audit, events)

    def replay(self, practice_id: str, request: IdempotentRequest):
        return self.keys.replay(practice_id, request)

    def survey_totals(self, practice_id: str, workshop_id: str) -> SurveyTotals:
        counts = self.counts.get((practice_id, workshop_id), {})
        return SurveyTotals(answers=counts.get("answers", 0), rating_sum=counts.get("rating_sum", 0),
                            would_attend_again=counts.get("again", 0))

    @staticmethod
    def _stored(workshop: Workshop) -> Workshop:
        return workshop.model_copy(update={"registered": 0, "waitlisted": 0, "signup_url": None})

    # --- RegistrationBook --------------------------------------------------------------------------------
    def registration(self, practice_id: str, registration_id: str) -> Registration | None:
        return self.registrations.get((practice_id, registration_id))

    def of_workshop(self, practice_id: str, workshop_id: str, cursor: str | None,
                    limit: int) -> tuple[list[Registration], str | None]:
        found = sorted((r for (p, _), r in self.registrations.items() if p == practice_id
                        and r.workshop_id == workshop_id), key=lambda r: r.id)
        return _page(found, cursor, limit)

    def of_patient(self, practice_id: str, patient_id: str) -> list[Registration]:
        return sorted((r for (p, _), r in self.registrations.items() if p == practice_id
                       and r.patient_id == patient_id), key=lambda r: r.id)

    def take_place(self, registration: Registration, audit: AuditDraft, events: Sequence[DomainEvent],
                   claim: IdempotencyClaim | None = None, signup: PendingSignup | None = None) -> bool:
        with self.lock:
            counts = self._open(registration)
            if counts["registered"] >= counts["capacity"]:
                return False
            self._enter(registration, claim, signup)
            counts["registered"] += 1
            self.audit.commit(audit, events)
            return True

    def join_waitlist(self, registration: Registration, audit: AuditDraft, events: Sequence[DomainEvent],
                      claim: IdempotencyClaim | None = None, signup: PendingSignup | None = None) -> None:
        with self.lock:
            counts = self._open(registration)
            self._enter(registration, claim, signup)
            counts["waitlisted"] += 1
            self.audit.commit(audit, events)

    def cancel(self, registration: Registration, was: str, audit: AuditDraft, events: Sequence[DomainEvent]) -> None:
        with self.lock:
            key = (registration.practice_id, registration.id)
            stored = self.registrations.get(key)
            if stored is None or stored.version != registration.version - 1 or stored.status != was:
                raise stale("registration")
            self.registrations[key] = registration
            self.holders.pop((registration.practice_id, registration.workshop_id, registration.holder), None)
            self.counts[(registration.practice_id, registration.workshop_id)][was] -= 1
            self.audit.commit(audit, events)

    def first_waitlisted(self, practice_id: str, workshop_id: str) -> Registration | None:
        waiting = [r for (p, _), r in self.registrations.items() if p == practice_id
                   and r.workshop_id == workshop_id and r.status == "waitlisted"]
        return min(waiting, key=lambda r: (r.created_at, r.id), default=None)  # in the order they joined

    def promote(self, registration: Registration, audit: AuditDraft, events: Sequence[DomainEvent]) -> bool:
        with self.lock:
            key = (registration.practice_id, registration.id)
            stored = self.registrations.get(key)
            counts = self.counts[(registration.practice_id, registration.workshop_id)]
            if (stored is None or stored.status != "waitlisted" or stored.version != registration.version - 1
                    or counts["registered"] >= counts["capacity"]):
                return False
            self.registrations[key] = registration
            counts["registered"] += 1
            counts["waitlisted"] -= 1
            self.audit.commit(audit, events)
            return True

    def mark_attendance(self, practice_id: str, workshop_id: str, session_id: str, present: Sequence[str],
                        absent: Sequence[str], audit: AuditDraft) -> None:
        with self.lock:
            for registration_id in [*present, *absent]:
                stored = self.registrations.get((practice_id, registration_id))
                if stored is None or stored.workshop_id != workshop_id or stored.status != "registered":
                    raise Conflict("only a registered person of this workshop can be marked",
                                   {"registration_id": registration_id}, code="not_registered")
            for registration_id, there in [*((r, True) for r in present), *((r, False) for r in absent)]:
                stored = self.registrations[(practice_id, registration_id)]
                sessions = set(stored.attended_sessions) | {session_id} if there else \
                    set(stored.attended_sessions) - {session_id}
                self.registrations[(practice_id, registration_id)] = stored.model_copy(
                    update={"attended_sessions": sorted(sessions)})
            self.audit.commit(audit)

    def _open(self, registration: Registration) -> dict[str, int]:
        workshop = self.stored_workshops.get((registration.practice_id, registration.workshop_id))
        if workshop is None or workshop.status != "published":
            raise NOT_OPEN
        if (registration.practice_id, registration.workshop_id, registration.holder) in self.holders:
            raise ALREADY
        return self.counts[(registration.practice_id, registration.workshop_id)]

    def _enter(self, registration: Registration, claim: IdempotencyClaim | None,
               signup: PendingSignup | None) -> None:
        self.keys.check(registration.practice_id, claim)
        if signup is not None:
            if (signup.practice_id, signup.id) not in self.signups:
                raise Conflict("this sign-up was confirmed meanwhile", code="signup_settled")
            del self.signups[(signup.practice_id, signup.id)]
            self.cards[(signup.practice_id, signup.id)]["ttl"] = None
        self.registrations[(registration.practice_id, registration.id)] = registration
        self.holders[(registration.practice_id, registration.workshop_id, registration.holder)] = registration.id
        self.keys.keep(registration.practice_id, claim)

    # --- SignupBook --------------------------------------------------------------------------------------
    def hold(self, signup: PendingSignup, audit: AuditDraft, events: Sequence[DomainEvent]) -> None:
        with self.lock:
            self.signups[(signup.practice_id, signup.id)] = signup
            self.cards[(signup.practice_id, signup.id)] = {
                "name": signup.name, "email": signup.email, "phone": signup.phone,
                "channels": ["email" if signup.email else "sms"], "owner": "outreach.registration",
                "ttl": signup.expires_at}
            self.audit.commit(audit, events)

    def signup(self, practice_id: str, signup_id: str) -> PendingSignup | None:
        return self.signups.get((practice_id, signup_id))

    # --- SurveyBox ---------------------------------------------------------------------------------------
    def answer(self, practice_id: str, answer: SurveyAnswer, audit: AuditDraft) -> None:
        with self.lock:
            if (practice_id, answer.registration_id) in self.answers:
                raise Conflict("this survey is answered already", code="survey_answered")
            self.answers[(practice_id, answer.registration_id)] = answer
            counts = self.counts[(practice_id, answer.workshop_id)]
            counts["answers"] += 1
            counts["rating_sum"] += answer.rating
            counts["again"] += int(answer.would_attend_again)
            self.audit.commit(audit)

    def answered(self, practice_id: str, registration_id: str) -> bool:
        return (practice_id, registration_id) in self.answers

    # --- WorkshopFacts (the seam) ------------------------------------------------------------------------
    def facts(self) -> "FakeWorkshopFacts":
        return FakeWorkshopFacts(self)


class FakeWorkshopFacts:
    def __init__(self, state: FakeOutreach) -> None:
        self.state = state

    def workshop(self, practice_id: str, workshop_id: str) -> PromotedWorkshop | None:
        workshop = self.state.workshop(practice_id, workshop_id)
        return workshop.promoted() if workshop else None

    def registrants(self, practice_id: str, workshop_id: str, cursor: str | None = None,
                    limit: int = 100) -> tuple[list[Registrant], str | None]:
        page, after = self.state.of_workshop(practice_id, workshop_id, cursor, limit)
        return [r.registrant() for r in page], after

    def close_registration(self, practice_id: str, workshop_id: str) -> bool:
        with self.state.lock:
            stored = self.state.stored_workshops.get((practice_id, workshop_id))
            if stored is None or stored.status != "published":
                return False
            self.state.stored_workshops[(practice_id, workshop_id)] = stored.model_copy(
                update={"status": "closed", "version": stored.version + 1})
            return True


class FakeRateLimits:
    def __init__(self) -> None:
        self.hits: dict[tuple[str, str, int], int] = {}

    def spend(self, practice_id: str, bucket: str, limit: int, window: timedelta, now: datetime) -> bool:
        start = int(now.timestamp()) // int(window.total_seconds())
        key = (practice_id, bucket, start)
        if self.hits.get(key, 0) >= limit:
            return False
        self.hits[key] = self.hits.get(key, 0) + 1
        return True


class FakeAudience:
    """Records' facts, as the adapter reads them: each patient's age, language, panel and consent topics."""

    def __init__(self) -> None:
        self.patients: dict[tuple[str, str], dict] = {}

    def add(self, practice_id: str, patient_id: str, *, age: int = 50, language: str = "en",
            practitioners: Sequence[str] = (), topics: Sequence[str] = ()) -> None:
        self.patients[(practice_id, patient_id)] = {"age": age, "language": language,
                                                    "practitioners": set(practitioners), "topics": set(topics)}

    def is_in_audience(self, practice_id: str, patient_id: str, criteria: AudienceCriteria) -> bool:
        """The one audience rule on the facts set: what records would derive as the patient's entries."""
        from datetime import date

        from functions.outreach.audience import in_audience
        from functions.records.models.audience import AudienceMember

        patient = self.patients.get((practice_id, patient_id))
        if patient is None:
            return False
        today = date(2026, 3, 2)
        born = date(today.year - patient["age"], 1, 15)  # the age on any day in 2026 after mid-January
        member = AudienceMember(patient_id=patient_id, birth_date=born, language=patient["language"],
                                practitioner_id=next(iter(patient["practitioners"]), None), channels=["email"])
        return in_audience(criteria, {topic: member for topic in patient["topics"]}, today)


class FakePromotionWorkflow:
    """PromotionWorkflow as Step Functions keeps it: one execution per name (a retried start, or a start of a
    name used before, is the same one), stop aborts the workshop's running ones; `calls` logs what was asked."""

    def __init__(self) -> None:
        self.executions: dict[str, str] = {}  # name -> RUNNING | ABORTED
        self.inputs: dict[str, tuple[str, str, int]] = {}
        self.calls: list[tuple[str, str, str, int | None]] = []
        self._lock = threading.Lock()

    @property
    def started(self) -> set[str]:
        return set(self.executions)

    @property
    def running(self) -> set[str]:
        return {name for name, status in self.executions.items() if status == "RUNNING"}

    @property
    def stopped(self) -> set[str]:
        return {name for name, status in self.executions.items() if status == "ABORTED"}

    def start(self, practice_id: str, workshop_id: str, version: int) -> None:
        with self._lock:
            self.calls.append(("start", practice_id, workshop_id, version))
            name = f"promote-{workshop_id}-v{version}"[:80]  # the adapter's execution name (its module loads boto3)
            if name not in self.executions:
                self.executions[name] = "RUNNING"
                self.inputs[name] = (practice_id, workshop_id, version)

    def stop(self, practice_id: str, workshop_id: str) -> None:
        with self._lock:
            self.calls.append(("stop", practice_id, workshop_id, None))
            for name in self.running:
                if name.startswith(f"promote-{workshop_id}-v"):
                    self.executions[name] = "ABORTED"


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
