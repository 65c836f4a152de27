"""The promotion's steps on fakes: each invitation, reminder and survey goes once per person however often a
step runs, reminders reach only who they are for, and an unpublished workshop ends the run with its outcome."""

from datetime import timedelta

from functions.outreach.models.promotion import SurveySummary
from functions.outreach.models.workshops import AudienceCriteria, Registrant
from tests.unit.outreach.promotion_support import FIRST, PRACTICE, WORKSHOP, World, member, workshop


def world_with_audience(n: int = 7, **criteria) -> World:
    world = World(page=4)
    world.workshops.put(workshop(audience=AudienceCriteria(topics=["diabetes", "nutrition"], **criteria)))
    world.consent("diabetes", *(member(f"P{k:03d}") for k in range(n)))
    world.consent("nutrition", member("P000"), member("P100"))
    return world


def registrant(patient_id: str | None, status: str = "registered", contact: str | None = None,
               attended: bool = False) -> Registrant:
    return Registrant(registration_id=f"R-{patient_id or contact}", patient_id=patient_id, contact_id=contact,
                      status=status, attended=attended)


def test_begin_plans_the_waits_from_the_sessions_and_the_deadline():
    world = world_with_audience()
    plan = world.promotion.begin(PRACTICE, WORKSHOP, 2)["plan"]
    assert plan == {"remind_invited_at": "2026-06-07T17:00:00.000Z", "close_at": "2026-06-08T17:00:00.000Z",
                    "remind_registered_at": "2026-06-09T17:00:00.000Z", "survey_at": "2026-06-10T19:00:00.000Z"}
    assert world.ledger.run(PRACTICE, WORKSHOP).outcome == "running"


def test_the_reminder_of_the_invited_comes_no_later_than_the_deadline():
    world = World()
    world.workshops.put(workshop(registration_deadline=FIRST - timedelta(days=5)))
    plan = world.promotion.begin(PRACTICE, WORKSHOP, 2)["plan"]
    assert plan["remind_invited_at"] == plan["close_at"] == "2026-06-05T17:00:00.000Z"


def test_everyone_in_the_audience_is_invited_once_even_on_two_topics_and_a_rerun():
    world = world_with_audience()
    assert world.invite_all() == 8  # P000..P006 and P100; P000 consents to both topics
    assert world.invite_all() == 0  # the whole selection again, as a retried step would: nothing new
    assert len(world.ledger.events) == 8
    assert world.ledger.templates_to("P000") == ["outreach.invitation"]
    request = world.ledger.events[0].data["request"]
    assert request["idempotency_key"] == f"invitation-{WORKSHOP}-{request['recipient']['patient_id']}"
    assert request["source"] == {"area": "outreach", "entity": "workshop", "entity_id": WORKSHOP}
    assert set(request["data"]) == {"starts_at", "workshop_id"}  # no title naming a health topic on the bus


def test_a_retried_invitation_batch_sends_nothing_twice():
    world = world_with_audience()
    assert world.promotion.invite(PRACTICE, WORKSHOP, ["P001", "P002"])["sent"] == 2
    assert world.promotion.invite(PRACTICE, WORKSHOP, ["P001", "P002", "P003"])["sent"] == 1
    assert len(world.ledger.events) == 3


def test_the_invited_who_did_not_register_are_reminded_and_nobody_else():
    world = world_with_audience(n=4)
    world.invite_all()
    world.workshops.register(PRACTICE, WORKSHOP, registrant("P001"))
    world.workshops.register(PRACTICE, WORKSHOP, registrant("P002", status="waitlisted"))
    world.each_page(world.promotion.remind_invited)
    world.each_page(world.promotion.remind_invited)  # a retry
    reminded = {e.data["request"]["recipient"]["patient_id"] for e in world.ledger.events
                if e.data["request"]["template"] == "outreach.reminder.invited"}
    assert reminded == {"P000", "P003", "P100"}
    assert world.ledger.count(PRACTICE, WORKSHOP, "reminder_invited") == 3


def test_nobody_is_reminded_to_register_once_registration_closed():
    world = world_with_audience(n=2)
    world.invite_all()
    world.promotion.close(PRACTICE, WORKSHOP)
    world.each_page(world.promotion.remind_invited)
    assert world.ledger.count(PRACTICE, WORKSHOP, "reminder_invited") == 0
    assert world.facts.workshop(PRACTICE, WORKSHOP).status == "closed"


def test_the_registered_are_reminded_the_day_before_and_the_attendees_get_the_survey_link():
    world = world_with_audience(n=3)
    world.invite_all()
    world.workshops.register(PRACTICE, WORKSHOP, registrant("P000", attended=True))
    world.workshops.register(PRACTICE, WORKSHOP, registrant("P001"))
    world.workshops.register(PRACTICE, WORKSHOP, registrant("P002", status="waitlisted"))
    world.workshops.register(PRACTICE, WORKSHOP, registrant(None, contact="C1", attended=True))
    world.promotion.close(PRACTICE, WORKSHOP)
    world.each_page(world.promotion.remind_registered)
    world.each_page(world.promotion.survey)
    world.each_page(world.promotion.survey)
    assert world.ledger.templates_to("P000") == ["outreach.invitation", "outreach.reminder.registered",
                                                 "outreach.survey"]
    assert world.ledger.templates_to("P002") == ["outreach.invitation"]
    assert world.ledger.templates_to("C1") == ["outreach.reminder.registered", "outreach.survey"]
    links = {e.data["request"]["data"]["survey_link"] for e in world.ledger.events
             if e.data["request"]["template"] == "outreach.survey"}
    assert links == {"https://practice.example/surveys/p1-R-P000", "https://practice.example/surveys/p1-R-C1"}


def test_the_reach_report_counts_what_happened():
    world = world_with_audience(n=3)
    world.invite_all()
    world.workshops.register(PRACTICE, WORKSHOP, registrant("P000", attended=True))
    world.workshops.register(PRACTICE, WORKSHOP, registrant("P001", status="waitlisted"))
    world.each_page(world.promotion.survey)
    world.deliveries.counts[(PRACTICE, WORKSHOP)] = 3
    world.surveys.summaries[(PRACTICE, WORKSHOP)] = SurveySummary(answered=1, mean_rating=4.0)
    assert world.promotion.report(PRACTICE, WORKSHOP) == {"go": True}
    report = world.ledger.report(PRACTICE, WORKSHOP)
    assert (report.outcome, report.invited, report.delivered, report.registered, report.waitlisted,
            report.attended, report.surveyed, report.answered, report.mean_rating) == (
        "completed", 4, 3, 1, 1, 1, 1, 1, 4.0)


def test_an_unpublished_workshop_ends_the_run_with_its_outcome_and_sends_nothing_more():
    world = world_with_audience()
    world.promotion.begin(PRACTICE, WORKSHOP, 2)
    world.promotion.invite(PRACTICE, WORKSHOP, ["P001"])
    world.workshops.set_status(PRACTICE, WORKSHOP, "unpublished")
    assert world.promotion.select(PRACTICE, WORKSHOP, None) == {"go": False}
    assert world.promotion.invite(PRACTICE, WORKSHOP, ["P002"]) == {"go": False}
    assert len(world.ledger.events) == 1
    assert world.ledger.run(PRACTICE, WORKSHOP).outcome == "unpublished"
    assert world.ledger.report(PRACTICE, WORKSHOP).invited == 1


def test_a_cancelled_or_vanished_workshop_ends_the_run_too():
    world = world_with_audience()
    world.workshops.set_status(PRACTICE, WORKSHOP, "cancelled")
    assert world.promotion.begin(PRACTICE, WORKSHOP, 3) == {"go": False}
    assert world.ledger.run(PRACTICE, WORKSHOP).outcome == "cancelled"
    assert World().promotion.remind_registered(PRACTICE, "01HGONE00000000000000000000", None) == {"go": False}
