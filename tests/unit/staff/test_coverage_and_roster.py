"""Coverage gaps and the roster on fakes: what counts as covered, how gaps are named, overlapping shifts."""

from datetime import date

import pytest

from functions.core.errors import Conflict, Forbidden, Invalid
from functions.staff.coverage import gaps
from functions.staff.models.roster import CoverageRule, CoverageRulesIn, ShiftIn
from tests.contract.staff_support import shift
from tests.unit.staff.support import Staff, coordinator, member_in, staff_user

MONDAY, SATURDAY = date(2026, 3, 2), date(2026, 3, 7)


def s(start, end, role="front_desk", on=MONDAY, status="scheduled"):
    return shift("x", on=on, start=start, end=end).model_copy(update={"role": role, "status": status})


def brief(found):
    return [(g.date.isoformat(), g.start, g.end, g.role.value, g.required, g.scheduled, g.short) for g in found]


def test_no_rules_no_gaps_and_a_fully_staffed_day_has_none():
    assert gaps("main", [], [], MONDAY, MONDAY) == []
    rule = CoverageRule(role="front_desk", min_staff=1, start="09:00", end="17:00")
    assert gaps("main", [rule], [s("09:00", "17:00")], MONDAY, MONDAY) == []


def test_a_gap_says_when_which_role_how_many_required_scheduled_and_short():
    rule = CoverageRule(role="front_desk", min_staff=2, start="08:00", end="18:00")
    found = gaps("main", [rule], [s("08:00", "18:00"), s("08:00", "12:30")], MONDAY, MONDAY)
    assert brief(found) == [("2026-03-02", "12:30", "18:00", "front_desk", 2, 1, 1)]


def test_a_shortfall_that_deepens_is_a_new_gap():
    rule = CoverageRule(role="nurse", min_staff=2, start="08:00", end="12:00")
    found = gaps("main", [rule], [s("08:00", "10:00", role="nurse")], MONDAY, MONDAY)
    assert brief(found) == [("2026-03-02", "08:00", "10:00", "nurse", 2, 1, 1),
                            ("2026-03-02", "10:00", "12:00", "nurse", 2, 0, 2)]


def test_rules_apply_on_their_weekdays_only():
    rule = CoverageRule(role="front_desk", start="09:00", end="10:00")  # Monday to Friday
    assert gaps("main", [rule], [], SATURDAY, SATURDAY) == []
    weekend = CoverageRule(role="front_desk", weekdays=[5], start="09:00", end="10:00")
    assert len(gaps("main", [weekend], [], MONDAY, SATURDAY)) == 1


def test_a_practitioners_clinic_needs_an_assistant_for_each_practitioner_on_shift():
    rule = CoverageRule(role="assistant", per="practitioner", start="08:00", end="18:00")
    staffed = [s("09:00", "13:00", role="practitioner"), s("09:00", "17:00", role="practitioner"),
               s("09:00", "17:00", role="assistant")]
    assert brief(gaps("main", [rule], staffed, MONDAY, MONDAY)) == [
        ("2026-03-02", "09:00", "13:00", "assistant", 2, 1, 1)]


def test_two_rules_for_one_role_ask_for_the_larger_number_and_released_shifts_count_for_nothing():
    rules = [CoverageRule(role="nurse", min_staff=1, start="08:00", end="18:00"),
             CoverageRule(role="nurse", min_staff=2, start="10:00", end="12:00")]
    shifts = [s("08:00", "18:00", role="nurse"), s("08:00", "18:00", role="nurse", status="on_leave")]
    assert brief(gaps("main", rules, shifts, MONDAY, MONDAY)) == [
        ("2026-03-02", "10:00", "12:00", "nurse", 2, 1, 1)]


def test_a_shift_covers_only_the_quarter_hours_it_covers_whole():
    rule = CoverageRule(role="front_desk", start="09:00", end="10:00")
    assert brief(gaps("main", [rule], [s("09:10", "10:00")], MONDAY, MONDAY)) == [
        ("2026-03-02", "09:00", "09:15", "front_desk", 1, 0, 1)]


@pytest.fixture
def staff():
    world = Staff()
    world.members.add(coordinator(), member_in("fd", locations=("main", "north")))
    return world


def test_overlapping_shifts_for_one_member_are_refused_at_any_location(staff):
    staff.rostering.add_shift(coordinator(), ShiftIn(user_id="fd", location_id="main", date=MONDAY, start="08:00",
                                                     end="12:00"))
    with pytest.raises(Conflict) as clash:
        staff.rostering.add_shift(coordinator(), ShiftIn(user_id="fd", location_id="north", date=MONDAY,
                                                         start="11:45", end="13:00"))
    assert clash.value.code == "shift_overlap"
    staff.rostering.add_shift(coordinator(), ShiftIn(user_id="fd", location_id="north", date=MONDAY, start="12:00",
                                                     end="13:00"))
    assert len(staff.shift_book.of_member("practice-unit", "fd", MONDAY, MONDAY)) == 2


def test_a_shift_for_an_unknown_or_inactive_member_is_422(staff):
    with pytest.raises(Invalid):
        staff.rostering.add_shift(coordinator(), ShiftIn(user_id="ghost", location_id="main", date=MONDAY,
                                                         start="08:00", end="12:00"))


def test_a_member_sees_the_roster_but_only_the_coordinator_changes_it_or_the_rules(staff):
    with pytest.raises(Forbidden):
        staff.rostering.add_shift(staff_user("fd"), ShiftIn(user_id="fd", location_id="main", date=MONDAY,
                                                            start="08:00", end="12:00"))
    assert staff.rostering.roster(staff_user("fd"), "main", MONDAY, MONDAY).shifts == []
    with pytest.raises(Forbidden):
        staff.coverage.set_rules(staff_user("fd"), "main", CoverageRulesIn(rules=[]), expected=lambda: 0)


def test_the_report_reads_the_location_rules_and_roster(staff):
    staff.coverage.set_rules(coordinator(), "main", CoverageRulesIn(rules=[
        CoverageRule(role="front_desk", start="08:00", end="12:00")]), expected=lambda: 0)
    report = staff.coverage.report(coordinator(), "main", MONDAY, MONDAY)
    assert [(g.start, g.end) for g in report.gaps] == [("08:00", "12:00")]
    staff.rostering.add_shift(coordinator(), ShiftIn(user_id="fd", location_id="main", date=MONDAY, start="08:00",
                                                     end="12:00"))
    assert staff.coverage.report(coordinator(), "main", MONDAY, MONDAY).gaps == []
    with pytest.raises(Invalid):
        staff.coverage.report(coordinator(), "main", MONDAY, date(2026, 6, 1))
