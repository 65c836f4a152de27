"""What the promotion unit tests share: a workshop and its registrants arranged in the workshops' fake state (through
the catalogue and the registration book, as the use cases leave them), a consenting audience on records' fake
index, the promotion wired to fakes, and a runner that walks its steps in the state machine's order."""

from datetime import UTC, date, datetime, timedelta

from functions.core.audit import draft
from functions.core.auth import Caller, Role
from functions.outreach.audience import AudienceSelection
from functions.outreach.models.registrations import Registration
from functions.outreach.models.workshops import AudienceCriteria, Registrant, Workshop, WorkshopSession
from functions.outreach.promotion import Promotion
from functions.records.models.audience import AudienceMember
from tests.fakes.outreach import (
    FakeDeliveryLog,
    FakeOutreach,
    FakePromotionLedger,
    FakeSurveyLinks,
    FakeSurveyTally,
)
from tests.fakes.records import FakeAudienceIndex, RecordsStore

PRACTICE = "p1"
WORKSHOP = "01HWORKSHOP000000000000000"
FIRST = datetime(2026, 6, 10, 17, 0, tzinfo=UTC)
AT = "2026-05-01T09:00:00.000Z"


def workshop(**overrides) -> Workshop:
    fields = {"id": WORKSHOP, "practice_id": PRACTICE, "title": "Living well with diabetes", "topic": "diabetes",
              "description": "Food, movement, sleep.", "status": "published",
              "audience": AudienceCriteria(topics=["diabetes"]),
              "sessions": [WorkshopSession(id="s1", starts_at=FIRST, ends_at=FIRST + timedelta(hours=2),
                                           mode="in_person", room="Room 1", address="1 High St")],
              "registration_deadline": FIRST - timedelta(days=2), "capacity": 20, "facilitator_id": "staff-fac",
              "version": 2, "created_at": AT, "updated_at": AT}
    return Workshop(**{**fields, **overrides})


class WorkshopSetup:
    """Arranges the workshops' fake state the way its use cases change it: a workshop put in the catalogue, its status
    moved (a new version), people registered or waitlisted in the registration book and marked present.
    `facts` is what the promotion reads of it (FakeOutreach's WorkshopFacts, held to the adapter by contract)."""

    def __init__(self, state: FakeOutreach | None = None) -> None:
        self.state = state or FakeOutreach()
        self.facts = self.state.facts()

    def put(self, workshop: Workshop) -> None:
        self.state.create(workshop, _audit(workshop.practice_id, "outreach.workshop.create", workshop.id))

    def set_status(self, practice_id: str, workshop_id: str, status: str) -> None:
        stored = self.state.workshop(practice_id, workshop_id)
        self.state.save(stored.model_copy(update={"status": status, "version": stored.version + 1}),
                        _audit(practice_id, f"outreach.workshop.{status}", workshop_id))

    def register(self, practice_id: str, workshop_id: str, registrant: Registrant) -> None:
        """A place taken (or a waitlist spot) for a patient or a member of the public; attended: marked present
        at the first session."""
        holder = f"patient:{registrant.patient_id}" if registrant.patient_id else f"contact:{registrant.contact_id}"
        registration = Registration(id=registrant.registration_id, practice_id=practice_id, workshop_id=workshop_id,
                                    patient_id=registrant.patient_id, contact_id=registrant.contact_id,
                                    status=registrant.status, holder=holder, version=1, created_at=AT, updated_at=AT)
        audit = _audit(practice_id, "outreach.registration.create", registrant.registration_id)
        if registrant.status == "registered":
            assert self.state.take_place(registration, audit, []), "no place left on the workshop"
        elif registrant.status == "waitlisted":
            self.state.join_waitlist(registration, audit, [])
        else:
            raise ValueError(f"arrange a {registrant.status} registration by cancelling a registered one")
        if registrant.attended:
            self.attend(practice_id, workshop_id, registrant.registration_id)

    def attend(self, practice_id: str, workshop_id: str, registration_id: str) -> None:
        first = self.state.workshop(practice_id, workshop_id).sessions[0].id
        self.state.mark_attendance(practice_id, workshop_id, first, [registration_id], [],
                                   _audit(practice_id, "outreach.attendance.mark", workshop_id))


def _audit(practice_id: str, action: str, entity_id: str):
    coordinator = Caller(user_id="coord-1", practice_id=practice_id, roles=frozenset({Role.COORDINATOR}),
                         request_id="t")
    return draft(coordinator, action, "WORKSHOP", entity_id, AT)


def member(patient_id: str, born: date = date(1970, 1, 1), language: str = "en",
           practitioner: str | None = None, channels=("sms",)) -> AudienceMember:
    return AudienceMember(patient_id=patient_id, birth_date=born, language=language, practitioner_id=practitioner,
                          channels=list(channels))


class World:
    def __init__(self, now: datetime = FIRST - timedelta(days=20), page: int = 200) -> None:
        self.clock = now
        self.records = RecordsStore()
        self.index = FakeAudienceIndex(self.records)
        self.workshops = WorkshopSetup()
        self.facts = self.workshops.facts
        self.ledger = FakePromotionLedger()
        self.deliveries = FakeDeliveryLog()
        self.surveys = FakeSurveyTally()
        self.promotion = Promotion(self.facts, AudienceSelection(self.index, page), self.ledger, FakeSurveyLinks(),
                                   self.deliveries, self.surveys, now=lambda: self.clock, batch=3)

    def consent(self, topic: str, *members: AudienceMember) -> None:
        for one in members:
            self.records.audience.setdefault((PRACTICE, topic), {})[one.patient_id] = one

    def invite_all(self) -> int:
        """select / Map(invite) / loop, as the state machine runs them."""
        cursor, sent = None, 0
        while True:
            page = self.promotion.select(PRACTICE, WORKSHOP, cursor)
            if not page["go"]:
                return sent
            sent += sum(self.promotion.invite(PRACTICE, WORKSHOP, batch)["sent"] for batch in page["batches"])
            cursor = page["cursor"]
            if cursor is None:
                return sent

    def each_page(self, step) -> None:
        cursor = None
        while True:
            result = step(PRACTICE, WORKSHOP, cursor)
            cursor = result.get("cursor")
            if not result["go"] or cursor is None:
                return
