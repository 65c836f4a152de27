"""What the promotion unit tests share: a workshop, a consenting audience on records' fake index, the
promotion wired to fakes, and a runner that walks its steps in the state machine's order."""

from datetime import UTC, date, datetime, timedelta

from functions.outreach.audience import AudienceSelection
from functions.outreach.models.workshops import AudienceCriteria, PromotedWorkshop, WorkshopSession
from functions.outreach.promotion import Promotion
from functions.records.models.audience import AudienceMember
from tests.fakes.outreach_promotion import (
    FakeDeliveryLog,
    FakePromotionLedger,
    FakeSurveyLinks,
    FakeSurveyTally,
    FakeWorkshopFacts,
)
from tests.fakes.records import FakeAudienceIndex, RecordsStore

PRACTICE = "p1"
WORKSHOP = "01HWORKSHOP000000000000000"
FIRST = datetime(2026, 6, 10, 17, 0, tzinfo=UTC)


def workshop(**overrides) -> PromotedWorkshop:
    fields = {"id": WORKSHOP, "practice_id": PRACTICE, "title": "Living well with diabetes", "topic": "diabetes",
              "status": "published", "audience": AudienceCriteria(topics=["diabetes"]),
              "sessions": [WorkshopSession(id="s1", starts_at=FIRST, ends_at=FIRST + timedelta(hours=2),
                                           mode="in_person", room="Room 1", address="1 High St")],
              "registration_deadline": FIRST - timedelta(days=2), "capacity": 20, "version": 2}
    return PromotedWorkshop(**{**fields, **overrides})


def member(patient_id: str, born: date = date(1970, 1, 1), language: str = "en",
           practitioner: str | None = None, channels=("sms",)) -> AudienceMember:
    return AudienceMember(patient_id=patient_id, birth_date=born, language=language, practitioner_id=practitioner,
                          channels=list(channels))


class World:
    def __init__(self, now: datetime = FIRST - timedelta(days=20), page: int = 200) -> None:
        self.clock = now
        self.records = RecordsStore()
        self.index = FakeAudienceIndex(self.records)
        self.facts = FakeWorkshopFacts()
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
