"""WorkshopCatalog, RegistrationBook, SignupBook, SurveyBox and RateLimits: the fakes and the DynamoDB adapters
behave alike (capacity on the counter, the waitlist in order, one registration per holder, versions, a survey
answered once, rate-limit windows)."""

from datetime import UTC, datetime, timedelta

import pytest

from functions.core.errors import Conflict, PreconditionFailed
from functions.core.idempotency import IdempotentRequest
from functions.outreach.models.surveys import SurveyAnswer
from tests.contract.outreach_support import AT, PRACTICE, audit, build, registration, signup, workshop


@pytest.fixture(params=["fake", "dynamo"])
def ports(request):
    return build(request)


def test_a_workshop_is_stored_with_zero_counts_and_listed_by_status(ports):
    ports.catalog.create(workshop("W1", status="draft"), audit())
    ports.catalog.create(workshop("W2"), audit())
    stored = ports.catalog.workshop(PRACTICE, "W1")
    assert (stored.status, stored.registered, stored.waitlisted, stored.version) == ("draft", 0, 0, 1)
    assert stored.sessions[0].address == "1 Elm Street" and stored.audience.min_age == 18
    assert ports.catalog.workshop(PRACTICE, "nope") is None
    assert [w.id for w in ports.catalog.workshops(PRACTICE, None, None, 10)[0]] == ["W2", "W1"]
    assert [w.id for w in ports.catalog.workshops(PRACTICE, "published", None, 10)[0]] == ["W2"]
    with pytest.raises(Conflict):
        ports.catalog.create(workshop("W1"), audit())


def test_workshops_are_listed_a_page_at_a_time(ports):
    for n in range(5):
        ports.catalog.create(workshop(f"W{n}"), audit())
    seen, cursor = [], None
    while True:
        page, cursor = ports.catalog.workshops(PRACTICE, "published", cursor, 2)
        seen += [w.id for w in page]
        if cursor is None:
            break
    assert seen == ["W4", "W3", "W2", "W1", "W0"]


def test_a_save_is_on_the_previous_version_and_moves_the_status_index(ports):
    ports.catalog.create(workshop("W1", status="draft"), audit())
    ports.catalog.save(workshop("W1", status="published", version=2, title="New"), audit())
    with pytest.raises(PreconditionFailed):
        ports.catalog.save(workshop("W1", status="cancelled", version=2), audit())
    assert ports.catalog.workshop(PRACTICE, "W1").title == "New"
    assert [w.id for w in ports.catalog.workshops(PRACTICE, "draft", None, 10)[0]] == []
    assert [w.id for w in ports.catalog.workshops(PRACTICE, "published", None, 10)[0]] == ["W1"]


def test_places_are_taken_up_to_capacity_and_a_save_keeps_the_counts(ports):
    ports.catalog.create(workshop("W1", capacity=2), audit())
    assert ports.book.take_place(registration("R1"), audit(), [])
    assert ports.book.take_place(registration("R2"), audit(), [])
    assert not ports.book.take_place(registration("R3"), audit(), [])
    assert ports.book.registration(PRACTICE, "R3") is None
    ports.book.join_waitlist(registration("R3", status="waitlisted"), audit(), [])
    ports.catalog.save(workshop("W1", capacity=2, version=2, title="Renamed"), audit())
    stored = ports.catalog.workshop(PRACTICE, "W1")
    assert (stored.registered, stored.waitlisted, stored.version) == (2, 1, 2)


def test_a_workshop_not_published_takes_no_one(ports):
    ports.catalog.create(workshop("W1", status="draft"), audit())
    with pytest.raises(Conflict, match="closed"):
        ports.book.take_place(registration("R1"), audit(), [])
    with pytest.raises(Conflict, match="closed"):
        ports.book.join_waitlist(registration("R1", status="waitlisted"), audit(), [])


def test_one_active_registration_per_holder_until_it_is_cancelled(ports):
    ports.catalog.create(workshop("W1", capacity=5), audit())
    ports.book.take_place(registration("R1", patient_id="p1"), audit(), [])
    with pytest.raises(Conflict, match="already"):
        ports.book.take_place(registration("R2", patient_id="p1"), audit(), [])
    with pytest.raises(Conflict, match="already"):
        ports.book.join_waitlist(registration("R2", patient_id="p1", status="waitlisted"), audit(), [])
    ports.book.cancel(registration("R1", patient_id="p1", status="cancelled", version=2), "registered", audit(), [])
    assert ports.book.take_place(registration("R2", patient_id="p1"), audit(), [])
    assert ports.catalog.workshop(PRACTICE, "W1").registered == 1
    assert [r.id for r in ports.book.of_patient(PRACTICE, "p1")] == ["R1", "R2"]


def test_a_cancel_is_on_the_version_and_status_read(ports):
    ports.catalog.create(workshop("W1"), audit())
    ports.book.take_place(registration("R1"), audit(), [])
    with pytest.raises(PreconditionFailed):
        ports.book.cancel(registration("R1", status="cancelled", version=3), "registered", audit(), [])
    with pytest.raises(PreconditionFailed):
        ports.book.cancel(registration("R1", status="cancelled", version=2), "waitlisted", audit(), [])
    ports.book.cancel(registration("R1", status="cancelled", version=2), "registered", audit(), [])
    assert ports.book.registration(PRACTICE, "R1").status == "cancelled"
    assert ports.catalog.workshop(PRACTICE, "W1").registered == 0


def test_the_first_waitlisted_is_the_first_to_join_and_is_promoted_into_a_free_place_only(ports):
    ports.catalog.create(workshop("W1", capacity=1), audit())
    ports.book.take_place(registration("R1"), audit(), [])
    ports.book.join_waitlist(registration("R9", status="waitlisted", created_at="2026-03-01T12:00:01.000Z"),
                             audit(), [])
    ports.book.join_waitlist(registration("R5", status="waitlisted", created_at="2026-03-01T12:00:02.000Z"),
                             audit(), [])
    first = ports.book.first_waitlisted(PRACTICE, "W1")
    assert first.id == "R9"
    moved = first.model_copy(update={"status": "registered", "version": 2})
    assert not ports.book.promote(moved, audit(), [])  # no place is free
    ports.book.cancel(registration("R1", status="cancelled", version=2), "registered", audit(), [])
    assert ports.book.promote(moved, audit(), [])
    assert not ports.book.promote(moved, audit(), [])  # not waitlisted any more
    assert ports.book.first_waitlisted(PRACTICE, "W1").id == "R5"
    stored = ports.catalog.workshop(PRACTICE, "W1")
    assert (stored.registered, stored.waitlisted) == (1, 1)
    assert ports.book.registration(PRACTICE, "R9").status == "registered"


def test_the_roster_pages_through_every_registration(ports):
    ports.catalog.create(workshop("W1", capacity=10), audit())
    for n in range(5):
        ports.book.take_place(registration(f"R{n}"), audit(), [])
    seen, cursor = [], None
    while True:
        page, cursor = ports.book.of_workshop(PRACTICE, "W1", cursor, 2)
        seen += [r.id for r in page]
        if cursor is None:
            break
    assert seen == ["R0", "R1", "R2", "R3", "R4"]


def test_attendance_marks_registered_people_all_or_nothing(ports):
    ports.catalog.create(workshop("W1", capacity=1), audit())
    ports.book.take_place(registration("R1"), audit(), [])
    ports.book.join_waitlist(registration("R2", status="waitlisted"), audit(), [])
    ports.book.mark_attendance(PRACTICE, "W1", "W1-1", ["R1"], [], audit())
    ports.book.mark_attendance(PRACTICE, "W1", "W1-2", ["R1"], [], audit())
    assert ports.book.registration(PRACTICE, "R1").attended_sessions == ["W1-1", "W1-2"]
    with pytest.raises(Conflict):
        ports.book.mark_attendance(PRACTICE, "W1", "W1-1", [], ["R1", "R2"], audit())
    with pytest.raises(Conflict):
        ports.book.mark_attendance(PRACTICE, "W1", "W1-1", ["NOBODY"], [], audit())
    assert ports.book.registration(PRACTICE, "R1").attended_sessions == ["W1-1", "W1-2"]
    ports.book.mark_attendance(PRACTICE, "W1", "W1-1", [], ["R1"], audit())
    assert ports.book.registration(PRACTICE, "R1").attended_sessions == ["W1-2"]
    assert ports.book.registration(PRACTICE, "R1").registrant().attended is True


def test_a_keyed_place_is_taken_once(ports):
    ports.catalog.create(workshop("W1", capacity=5), audit())
    request = IdempotentRequest(key="key-00000001", fingerprint="f")
    made = registration("R1")
    ports.book.take_place(made, audit(), [], request.answered(made))
    assert ports.book.replay(PRACTICE, request)["id"] == "R1"
    with pytest.raises(Exception, match="already"):
        ports.book.take_place(registration("R2", patient_id="other"), audit(), [], request.answered(made))
    assert ports.catalog.workshop(PRACTICE, "W1").registered == 1


def test_a_signup_is_held_and_consumed_once_by_the_place_it_confirms(ports):
    ports.catalog.create(workshop("W1"), audit())
    held = signup("S1")
    ports.signups.hold(held, audit(), [])
    assert ports.signups.signup(PRACTICE, "S1").email == "sam@example.org"
    public = registration("S1", patient_id=None, contact_id="S1", name="Sam Public")
    assert ports.book.take_place(public, audit(), [], signup=held)
    assert ports.signups.signup(PRACTICE, "S1") is None
    with pytest.raises(Conflict):
        ports.book.take_place(registration("S2", patient_id=None, contact_id="S2"), audit(), [], signup=held)
    assert ports.book.registration(PRACTICE, "S1").registrant().contact_id == "S1"


def test_a_survey_is_answered_once_and_totalled_on_the_workshop(ports):
    ports.catalog.create(workshop("W1"), audit())
    answer = SurveyAnswer(registration_id="R1", workshop_id="W1", rating=4, would_attend_again=True, answered_at=AT)
    assert not ports.box.answered(PRACTICE, "R1")
    ports.box.answer(PRACTICE, answer, audit())
    with pytest.raises(Conflict):
        ports.box.answer(PRACTICE, answer, audit())
    ports.box.answer(PRACTICE, answer.model_copy(update={"registration_id": "R2", "rating": 1,
                                                         "would_attend_again": False}), audit())
    totals = ports.catalog.survey_totals(PRACTICE, "W1")
    assert (totals.answers, totals.rating_sum, totals.would_attend_again) == (2, 5, 1)
    assert ports.box.answered(PRACTICE, "R1")


def test_a_rate_limit_counts_per_bucket_and_window(ports):
    now = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    hour = timedelta(hours=1)
    assert [ports.limits.spend(PRACTICE, "address-a", 2, hour, now) for _ in range(3)] == [True, True, False]
    assert ports.limits.spend(PRACTICE, "address-b", 2, hour, now)
    assert ports.limits.spend(PRACTICE, "address-a", 2, hour, now + hour)
