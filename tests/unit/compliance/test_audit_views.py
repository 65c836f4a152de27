"""The audit trail by patient and by user: ranges of days, pages newest first, who may look, and the look itself
audited. On the in-memory trail (tests/fakes/compliance.py FakeAuditLog)."""

from datetime import UTC, date, datetime

import pytest

from functions.compliance.audit_views import AuditViews
from functions.core import pagination
from functions.core.auth import Role
from functions.core.errors import Forbidden, Invalid
from tests.fakes.compliance import FakeAuditLog
from tests.unit.compliance.audit_support import KEY, PRACTICE, entry, person

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
PO = person(Role.PRIVACY_OFFICER, "po-1")
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def trail() -> FakeAuditLog:
    log = FakeAuditLog()
    for day in range(1, 10):
        log.record(entry(f"2026-03-0{day}T09:00:00.000Z", actor="dr-a", patient="ada"))
        log.record(entry(f"2026-03-0{day}T10:00:00.000Z", actor="desk-b", patient="grace"))
    log.record(entry("2026-02-28T23:59:59.999Z", actor="dr-a", patient="ada"))  # the day before the range
    log.record(entry("2026-03-05T11:00:00.000Z", actor="dr-a", patient="ada", practice="p2"))  # another practice
    return log


@pytest.fixture
def views(trail) -> AuditViews:
    return AuditViews(trail, trail, lambda: KEY, now=lambda: NOW)


def test_a_patients_trail_lists_their_entries_in_the_range_newest_first(views):
    page = views.of_patient(PO, "ada", *MARCH, 50, None)
    assert [e.at[:10] for e in page.entries] == [f"2026-03-0{d}" for d in range(9, 0, -1)]
    assert {(e.actor, e.subject_patient_id, e.route) for e in page.entries} == {
        ("dr-a", "ada", "GET /patients/{patient_id}")}
    assert page.next_page_token is None


def test_both_days_of_a_range_are_included_whole(views):
    page = views.of_patient(PO, "ada", date(2026, 3, 2), date(2026, 3, 3), 50, None)
    assert [e.at[:10] for e in page.entries] == ["2026-03-03", "2026-03-02"]
    assert views.of_patient(PO, "ada", date(2026, 2, 28), date(2026, 2, 28), 50, None).entries[0].at.startswith(
        "2026-02-28T23:59")


def test_pages_follow_one_another_without_gaps_or_repeats(views):
    seen, token = [], None
    while True:
        page = views.of_user(PO, "desk-b", *MARCH, 4, token)
        seen += [e.seq for e in page.entries]
        token = page.next_page_token
        if token is None:
            break
    assert len(seen) == 9 and seen == sorted(seen, reverse=True)


def test_a_page_token_is_good_only_for_the_question_it_came_from(views):
    token = views.of_patient(PO, "ada", *MARCH, 2, None).next_page_token
    assert token
    for ask in (lambda: views.of_patient(PO, "grace", *MARCH, 2, token),
                lambda: views.of_patient(PO, "ada", date(2026, 3, 2), date(2026, 3, 31), 2, token),
                lambda: views.of_user(PO, "ada", *MARCH, 2, token),
                lambda: views.of_patient(PO, "ada", *MARCH, 2, token[:-2] + "AA")):
        with pytest.raises(Invalid) as refused:
            ask()
        assert refused.value.code == "invalid_page_token"
    forged = pagination.encode({"after": "2026-03-09"}, practice_id=PRACTICE, query="audit.patient.ada.2026-03-01."
                               "2026-03-31", key=b"another key, not the practice's" + b"x")
    with pytest.raises(Invalid):
        views.of_patient(PO, "ada", *MARCH, 2, forged)


def test_a_users_trail_is_what_they_did_to_anyone(views):
    page = views.of_user(PO, "dr-a", date(2026, 3, 5), date(2026, 3, 6), 50, None)
    assert [(e.actor, e.at[:10]) for e in page.entries] == [("dr-a", "2026-03-06"), ("dr-a", "2026-03-05")]


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.PRIVACY_OFFICER])
def test_the_coordinator_and_the_privacy_officer_may_look(views, trail, role):
    looker = person(role, "looker")
    views.of_patient(looker, "ada", *MARCH, 10, None)
    views.of_user(looker, "dr-a", *MARCH, 10, None)
    mine = [e for e in trail.entries(PRACTICE) if e["actor"] == "looker"]
    assert [(e["action"], e["entity"], e["entity_id"], e["subject_patient_id"]) for e in mine] == [
        ("audit.patient.read", "PATIENT", "ada", "ada"), ("audit.user.read", "USER", "dr-a", None)]


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.FRONT_DESK, Role.BILLING, Role.STAFF])
def test_other_staff_may_not_look(views, trail, role):
    head = trail.head(PRACTICE)
    with pytest.raises(Forbidden):
        views.of_patient(person(role), "ada", *MARCH, 10, None)
    with pytest.raises(Forbidden):
        views.of_user(person(role), "dr-a", *MARCH, 10, None)
    assert trail.head(PRACTICE) == head


def test_a_patient_may_not_read_the_trail_even_of_their_own_record(views):
    with pytest.raises(Forbidden) as refused:
        views.of_patient(person(Role.PATIENT, "ada-user", patient="ada"), "ada", *MARCH, 10, None)
    assert refused.value.subject_patient_id == "ada"
    with pytest.raises(Forbidden):
        views.of_user(person(Role.PATIENT, "ada-user", patient="ada"), "ada-user", *MARCH, 10, None)


def test_a_staff_member_may_not_read_their_own_trail(views):
    with pytest.raises(Forbidden):
        views.of_user(person(Role.STAFF, "dr-a"), "dr-a", *MARCH, 10, None)


@pytest.mark.parametrize(("first", "last", "code"), [
    (date(2026, 3, 2), date(2026, 3, 1), "invalid_range"),
    (date(2025, 1, 1), date(2026, 3, 1), "range_too_long"),
    (date(1700, 1, 1), date(1700, 1, 2), "invalid_range"),
])
def test_a_bad_range_is_refused_and_leaves_nothing(views, trail, first, last, code):
    head = trail.head(PRACTICE)
    with pytest.raises(Invalid) as refused:
        views.of_patient(PO, "ada", first, last, 10, None)
    assert refused.value.code == code
    assert trail.head(PRACTICE) == head


def test_a_year_is_the_longest_range(views):
    assert views.of_patient(PO, "ada", date(2025, 3, 10), date(2026, 3, 10), 10, None).entries
