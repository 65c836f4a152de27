"""Roster drafts on fakes with the real solver: what the solver is asked (windows, leave, work elsewhere),
the draft's shifts and remaining gaps, and publishing it to the roster once."""

from datetime import date, timedelta

import pytest

from functions.core.errors import Conflict, Forbidden
from functions.staff.models.leave import LeaveRequestIn
from functions.staff.models.members import Window
from functions.staff.models.roster import CoverageRule, CoverageRulesIn, DraftIn, ShiftIn
from tests.unit.staff.support import PRACTICE, Staff, coordinator, member_in, staff_user

MONDAY = date(2026, 3, 2)


@pytest.fixture
def staff():
    world = Staff()
    world.coverage.set_rules(coordinator(), "main", CoverageRulesIn(rules=[
        CoverageRule(role="front_desk", min_staff=1, start="08:00", end="16:00")]), expected=lambda: 0)
    for user in ("a", "b"):
        world.members.add(coordinator(), member_in(user, hours=24))
    return world


def test_a_draft_is_asked_for_then_solved_with_the_gaps_it_leaves(staff):
    draft = staff.suggestions.request(coordinator(), DraftIn(location_id="main", week_of=MONDAY))
    assert draft.status == "solving" and staff.audit.events[-1].type == "staff.roster.draft_requested"
    solved = staff.suggestions.solve(PRACTICE, draft.id)
    assert solved.status == "ready" and len(solved.shifts) == 5 and solved.gaps == []
    assert staff.suggestions.solve(PRACTICE, draft.id) == solved  # a redelivered event changes nothing


def test_leave_availability_and_work_elsewhere_shape_the_problem(staff):
    staff.members.add(coordinator(), member_in("c", locations=("main", "north"),
                                               availability=[Window(weekday=0, start="07:00", end="15:00"),
                                                             Window(weekday=1, start="07:00", end="15:00")]))
    staff.rostering.add_shift(coordinator(), ShiftIn(user_id="c", location_id="north", date=MONDAY, start="07:00",
                                                     end="11:00"))
    leave = staff.leave.submit(staff_user("a"), LeaveRequestIn(kind="vacation", unit="days", first_day=MONDAY,
                                                               last_day=MONDAY + timedelta(days=1)))
    staff.approval.approve(PRACTICE, leave.id)
    draft = staff.suggestions.request(coordinator(), DraftIn(location_id="main", week_of=MONDAY))
    problem = staff.suggestions.problem(draft)
    by_user = {c.user_id: c for c in problem.candidates}
    assert set(by_user["a"].windows) == {MONDAY + timedelta(days=n) for n in range(2, 7)}
    assert set(by_user["c"].windows) == {MONDAY + timedelta(days=1)}  # Monday worked elsewhere; only Mon/Tue free
    assert by_user["c"].max_minutes == 40 * 60 - 4 * 60


def test_too_few_people_leave_named_gaps(staff):
    staff.coverage.set_rules(coordinator(), "main", CoverageRulesIn(rules=[
        CoverageRule(role="front_desk", min_staff=3, start="08:00", end="16:00")]), expected=lambda: 1)
    draft = staff.suggestions.request(coordinator(), DraftIn(location_id="main", week_of=MONDAY))
    solved = staff.suggestions.solve(PRACTICE, draft.id)
    assert solved.status == "ready" and solved.gaps
    assert all(g.role == "front_desk" and g.short >= 1 for g in solved.gaps)


def test_publishing_puts_the_shifts_on_the_roster_once(staff):
    draft = staff.suggestions.request(coordinator(), DraftIn(location_id="main", week_of=MONDAY))
    staff.suggestions.solve(PRACTICE, draft.id)
    with pytest.raises(Forbidden):
        staff.suggestions.publish(staff_user("a"), draft.id)
    published = staff.suggestions.publish(coordinator(), draft.id)
    assert published.status == "published"
    roster = staff.rostering.roster(coordinator(), "main", MONDAY, MONDAY + timedelta(days=6))
    assert len(roster.shifts) == 5 and {s.draft_id for s in roster.shifts} == {draft.id}
    assert staff.coverage.report(coordinator(), "main", MONDAY, MONDAY + timedelta(days=6)).gaps == []
    with pytest.raises(Conflict):
        staff.suggestions.publish(coordinator(), draft.id)  # published already
    with pytest.raises(Conflict) as busy:
        staff.suggestions.request(coordinator(), DraftIn(location_id="main", week_of=MONDAY))
    assert busy.value.code == "roster_not_empty"


def test_a_shift_added_since_the_draft_stops_the_publication_and_nothing_is_published(staff):
    draft = staff.suggestions.request(coordinator(), DraftIn(location_id="main", week_of=MONDAY))
    first = staff.suggestions.solve(PRACTICE, draft.id).shifts[-1]
    clash = staff.rostering.add_shift(coordinator(), ShiftIn(user_id=first.user_id, location_id="main",
                                                             date=first.date, start="06:00", end="09:00"))
    with pytest.raises(Conflict) as refused:
        staff.suggestions.publish(coordinator(), draft.id)
    assert refused.value.code == "shift_overlap" and refused.value.details == {"shift_id": clash.id}
    assert [s.id for s in staff.rostering.roster(coordinator(), "main", MONDAY, MONDAY + timedelta(days=6)).shifts] \
        == [clash.id]
