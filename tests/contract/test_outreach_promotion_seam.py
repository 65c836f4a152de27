"""The seam with the promotion workflow: WorkshopFacts (what its steps read, and closing registration) and
SurveyLinks (the survey link its last step sends). One suite for the fake and the DynamoDB adapter; the lead
holds the one fake to the adapter."""

import pytest

from functions.core.clock import FixedClock
from functions.outreach.links import OutreachLinks
from functions.outreach.models.workshops import PromotedWorkshop, Registrant
from tests.contract.outreach_support import FIRST, PRACTICE, audit, build, registration, workshop


@pytest.fixture(params=["fake", "dynamo"])
def ports(request):
    return build(request)


def test_the_promotion_reads_the_workshop_as_published(ports):
    ports.catalog.create(workshop("W1", capacity=20, version=1), audit())
    facts = ports.facts.workshop(PRACTICE, "W1")
    assert isinstance(facts, PromotedWorkshop)
    assert (facts.status, facts.topic, facts.capacity, facts.version) == ("published", "diabetes", 20, 1)
    assert facts.audience.topics == ["diabetes"] and facts.audience.min_age == 18
    assert facts.sessions[0].starts_at == FIRST and facts.sessions[0].mode == "in_person"
    assert facts.registration_deadline < FIRST
    assert ports.facts.workshop(PRACTICE, "none") is None


def test_registrants_are_every_registration_a_page_at_a_time_with_attendance(ports):
    ports.catalog.create(workshop("W1", capacity=2), audit())
    ports.book.take_place(registration("R1", patient_id="p1"), audit(), [])
    ports.book.take_place(registration("R2", patient_id=None, contact_id="R2"), audit(), [])
    ports.book.join_waitlist(registration("R3", patient_id="p3", status="waitlisted"), audit(), [])
    ports.book.cancel(registration("R1", patient_id="p1", status="cancelled", version=2), "registered", audit(), [])
    ports.book.mark_attendance(PRACTICE, "W1", "W1-1", ["R2"], [], audit())
    seen, cursor = [], None
    while True:
        page, cursor = ports.facts.registrants(PRACTICE, "W1", cursor, limit=2)
        assert all(isinstance(r, Registrant) for r in page) and len(page) <= 2
        seen += page
        if cursor is None:
            break
    by_id = {r.registration_id: r for r in seen}
    assert sorted(by_id) == ["R1", "R2", "R3"]
    assert (by_id["R1"].patient_id, by_id["R1"].status, by_id["R1"].attended) == ("p1", "cancelled", False)
    assert (by_id["R2"].patient_id, by_id["R2"].contact_id, by_id["R2"].attended) == (None, "R2", True)
    assert by_id["R3"].status == "waitlisted"


def test_closing_registration_moves_published_to_closed_once(ports):
    ports.catalog.create(workshop("W1"), audit())
    ports.catalog.create(workshop("W2", status="cancelled"), audit())
    assert ports.facts.close_registration(PRACTICE, "W1") is True
    assert ports.facts.close_registration(PRACTICE, "W1") is False
    assert ports.facts.close_registration(PRACTICE, "W2") is False
    assert ports.facts.close_registration(PRACTICE, "none") is False
    closed = ports.facts.workshop(PRACTICE, "W1")
    assert (closed.status, closed.version) == ("closed", 2)
    assert [w.id for w in ports.catalog.workshops(PRACTICE, "closed", None, 10)[0]] == ["W1"]


def test_a_survey_link_opens_on_the_survey_route_for_that_registration():
    links = OutreachLinks(lambda: b"k" * 32, "https://api.example.org/", FixedClock(FIRST).now)
    url = links.survey_url(PRACTICE, "R1")
    assert url.startswith("https://api.example.org/surveys/")
    assert links.open_survey(url.rsplit("/", 1)[1]) == (PRACTICE, "R1")
