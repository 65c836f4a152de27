"""Attendance taken by the facilitator (or a coordinator), and the follow-up survey answered once through its
signed link, aggregated per workshop."""

from datetime import timedelta

import pytest

from functions.core.auth import Role
from functions.core.errors import Conflict, Forbidden, Invalid, NotFound
from functions.outreach.models.registrations import AttendanceIn, RegistrationIn
from functions.outreach.models.surveys import SurveyIn
from tests.unit.outreach.support import FACILITATOR, PRACTICE, Outreach, coordinator, patient_user, staff_user


def _held(world, n=3, capacity=20):
    workshop = world.published(capacity=capacity)
    registrations = [world.registrations.register(patient_user(p), RegistrationIn(workshop_id=workshop.id))
                     for p in world.patients(n)]
    world.clock.at = workshop.sessions[0].starts_at
    return workshop, registrations


def _survey_token(world, registration_id):
    return world.links.survey_url(PRACTICE, registration_id).rsplit("/", 1)[1]


def test_the_facilitator_marks_who_came_and_may_correct_it():
    world = Outreach()
    workshop, (a, b, c) = _held(world)
    session = workshop.sessions[0].id
    sheet = world.attendance.take(staff_user(FACILITATOR), session, AttendanceIn(present=[a.id, b.id]))
    assert {line.registration_id: line.present for line in sheet.lines} == {a.id: True, b.id: True, c.id: False}
    world.attendance.take(coordinator(), session, AttendanceIn(absent=[b.id]))
    sheet = world.attendance.sheet(coordinator(), session)
    assert {line.registration_id: line.present for line in sheet.lines} == {a.id: True, b.id: False, c.id: False}
    attended = {r.registration_id: r.attended for r in world.state.facts().registrants(PRACTICE, workshop.id)[0]}
    assert attended == {a.id: True, b.id: False, c.id: False}


def test_only_the_facilitator_or_a_coordinator_takes_attendance():
    world = Outreach()
    workshop, (a, *_) = _held(world)
    session = workshop.sessions[0].id
    with pytest.raises(Forbidden):
        world.attendance.take(staff_user("another", Role.PRACTITIONER), session, AttendanceIn(present=[a.id]))
    for refused in (patient_user(a.patient_id), staff_user("biller", Role.BILLING)):
        with pytest.raises(Forbidden):
            world.attendance.take(refused, session, AttendanceIn(present=[a.id]))


def test_attendance_is_for_a_session_that_has_started_and_registered_people_of_that_workshop():
    world = Outreach()
    workshop, (a, *_) = _held(world)
    world.clock.at = workshop.sessions[0].starts_at - timedelta(hours=2)
    with pytest.raises(Conflict, match="not started"):
        world.attendance.take(coordinator(), workshop.sessions[0].id, AttendanceIn(present=[a.id]))
    world.clock.at = workshop.sessions[0].starts_at
    with pytest.raises(Conflict, match="registered"):
        world.attendance.take(coordinator(), workshop.sessions[0].id, AttendanceIn(present=[a.id, "nobody"]))
    assert world.state.registration(PRACTICE, a.id).attended_sessions == []  # all or nothing
    with pytest.raises(NotFound):
        world.attendance.take(coordinator(), f"{workshop.id}-9", AttendanceIn(present=[a.id]))
    with pytest.raises(NotFound):
        world.attendance.sheet(coordinator(), "not-a-session")


def test_a_survey_is_answered_once_and_results_are_aggregated():
    world = Outreach()
    workshop, (a, b, c) = _held(world)
    world.attendance.take(coordinator(), workshop.sessions[0].id, AttendanceIn(present=[a.id, b.id, c.id]))
    token = _survey_token(world, a.id)
    assert world.surveys.show(token).answered is False
    world.surveys.answer(token, SurveyIn(rating=5, comment="Great", would_attend_again=True))
    assert world.surveys.show(token).answered is True
    with pytest.raises(Conflict, match="answered"):
        world.surveys.answer(token, SurveyIn(rating=1, would_attend_again=False))
    world.surveys.answer(_survey_token(world, b.id), SurveyIn(rating=2, would_attend_again=False))
    results = world.surveys.results(coordinator(), workshop.id)
    assert (results.answers, results.mean_rating, results.would_attend_again_share) == (2, 3.5, 0.5)
    with pytest.raises(Forbidden):
        world.surveys.results(patient_user(a.patient_id), workshop.id)


def test_no_answers_yet_is_no_mean():
    world = Outreach()
    workshop = world.published()
    results = world.surveys.results(coordinator(), workshop.id)
    assert (results.answers, results.mean_rating, results.would_attend_again_share) == (0, None, None)


def test_the_survey_is_for_those_who_came_and_its_link_cannot_be_forged_or_reused_as_another():
    world = Outreach()
    workshop, (a, *_) = _held(world)
    with pytest.raises(Conflict, match="came"):
        world.surveys.answer(_survey_token(world, a.id), SurveyIn(rating=4, would_attend_again=True))
    with pytest.raises(Invalid):
        world.surveys.show(workshop.signup_url.rsplit("/", 1)[1])
    with pytest.raises(Invalid):
        world.surveys.show(_survey_token(world, a.id)[:-3] + "abc")


def test_a_survey_link_expires():
    world = Outreach()
    workshop, (a, *_) = _held(world)
    token = _survey_token(world, a.id)
    world.clock.advance(timedelta(days=61))
    with pytest.raises(Invalid, match="expired"):
        world.surveys.show(token)


@pytest.mark.parametrize("comment", ["x" * 1001])
def test_a_survey_comment_is_at_most_a_thousand_characters(comment):
    with pytest.raises(ValueError):
        SurveyIn(rating=3, comment=comment, would_attend_again=True)
    with pytest.raises(ValueError):
        SurveyIn(rating=6, would_attend_again=True)
