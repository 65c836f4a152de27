"""PromotionLedger: the in-memory fake and the DynamoDB adapter record each send once per (workshop, kind,
person) with its notification event, skip what was sent before (a retried step), page the people a kind went
to, and keep the run and the reach report."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from functions.notifications.request import notification_requested
from functions.outreach.models.promotion import ReachReport, Send

PRACTICE = "practice-promo"
WORKSHOP = "01HWORKSHOPLEDGER000000000"
AT = "2026-06-01T09:00:00.000Z"


@pytest.fixture(params=["fake", "dynamo"])
def ports(request):
    if request.param == "fake":
        from tests.fakes.outreach import FakePromotionLedger

        ledger = FakePromotionLedger()
        return SimpleNamespace(ledger=ledger, events=lambda: len(ledger.events))
    request.getfixturevalue("cloud")
    from functions.core.events import OUTBOX
    from functions.core.keys import collection_pk
    from functions.core.table import Table
    from functions.outreach.dynamo.promotion import DynamoPromotionLedger

    table = Table()
    return SimpleNamespace(ledger=DynamoPromotionLedger(table),
                           events=lambda: len(table.query(collection_pk(PRACTICE, OUTBOX), consistent=True).items))


def send(kind: str, person: str) -> Send:
    event = notification_requested(practice_id=PRACTICE, recipient={"kind": "patient", "patient_id": person},
                                   template="outreach.invitation",
                                   source={"area": "outreach", "entity": "workshop", "entity_id": WORKSHOP},
                                   idempotency_key=f"{kind}-{WORKSHOP}-{person}")
    return Send(kind=kind, person=person, event=event)


def test_each_send_is_recorded_once_with_its_event_and_a_repeat_writes_nothing(ports):
    first = [send("invitation", f"P{n:03d}") for n in range(60)]  # more than one transaction's worth
    assert ports.ledger.send(PRACTICE, WORKSHOP, first) == 60
    again = [send("invitation", f"P{n:03d}") for n in range(55, 65)]  # a retried batch, overlapping
    assert ports.ledger.send(PRACTICE, WORKSHOP, again) == 5
    assert ports.events() == 65
    assert ports.ledger.count(PRACTICE, WORKSHOP, "invitation") == 65
    assert ports.ledger.count(PRACTICE, WORKSHOP, "survey") == 0


def test_the_same_person_may_get_each_kind_of_message_once(ports):
    for kind in ("invitation", "reminder_invited", "reminder_registered", "survey"):
        assert ports.ledger.send(PRACTICE, WORKSHOP, [send(kind, "P001")]) == 1
    assert ports.ledger.send(PRACTICE, WORKSHOP, [send("survey", "P001")]) == 0
    assert ports.events() == 4


def test_the_people_a_kind_went_to_come_a_page_at_a_time_in_order(ports):
    ports.ledger.send(PRACTICE, WORKSHOP, [send("invitation", f"P{n:03d}") for n in (5, 1, 3, 2, 4)])
    ports.ledger.send(PRACTICE, WORKSHOP, [send("reminder_invited", "P009")])
    people, cursor = [], None
    while True:
        page, cursor = ports.ledger.sent_to(PRACTICE, WORKSHOP, "invitation", cursor, limit=2)
        people += page
        if cursor is None:
            break
    assert people == ["P001", "P002", "P003", "P004", "P005"]


def test_the_run_keeps_its_version_and_outcome_and_the_report_is_read_back(ports):
    assert ports.ledger.run(PRACTICE, WORKSHOP) is None and ports.ledger.report(PRACTICE, WORKSHOP) is None
    ports.ledger.begin(PRACTICE, WORKSHOP, 3, AT)
    assert (ports.ledger.run(PRACTICE, WORKSHOP).version, ports.ledger.run(PRACTICE, WORKSHOP).outcome) == (
        3, "running")
    ports.ledger.end(PRACTICE, WORKSHOP, "unpublished", AT)
    assert ports.ledger.run(PRACTICE, WORKSHOP).outcome == "unpublished"
    report = ReachReport(workshop_id=WORKSHOP, outcome="completed", invited=5, delivered=4, registered=2,
                         waitlisted=1, attended=2, surveyed=2, answered=1, mean_rating=4.5,
                         written_at=datetime(2026, 6, 11, 9, tzinfo=UTC))
    ports.ledger.save_report(PRACTICE, report)
    assert ports.ledger.report(PRACTICE, WORKSHOP) == report
