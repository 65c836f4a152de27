"""The CP-SAT roster solver's constraints, on small weeks: coverage met with the fewest gaps, no one over their
contracted hours or outside their windows, one shift a day, evenings and weekends spread."""

from collections import Counter
from datetime import date, timedelta

from functions.staff.models.roster import CoverageRule
from functions.staff.ports import Candidate, RosterProblem
from functions.staff.solver import CpSatRosterSolver

MONDAY = date(2026, 3, 2)
WEEK = tuple(MONDAY + timedelta(days=n) for n in range(7))
ANY_TIME = {day: ((0, 24 * 60),) for day in WEEK}


def problem(candidates, rules, shift_hours=8):
    return RosterProblem(location_id="main", days=WEEK, shift_minutes=shift_hours * 60,
                         candidates=tuple(candidates), rules=tuple(rules), time_limit_s=5)


def person(user, role="front_desk", hours=40, windows=None):
    return Candidate(user, role, hours * 60, windows if windows is not None else ANY_TIME)


def covered(solution, day, minute, role_of, role):
    return sum(1 for a in solution.assignments
               if a.day == day and a.start <= minute < a.end and role_of[a.user_id] == role)


def test_enough_staff_cover_every_quarter_hour_with_no_one_over_their_hours():
    staff = [person(f"fd{n}") for n in range(4)]
    rules = [CoverageRule(role="front_desk", min_staff=2, start="08:00", end="16:00")]
    solution = CpSatRosterSolver().solve(problem(staff, rules))
    assert solution.status == "optimal" and solution.short == 0
    role_of = {c.user_id: c.role for c in staff}
    for day in WEEK[:5]:
        assert all(covered(solution, day, m, role_of, "front_desk") >= 2 for m in range(480, 960, 15))
    per_person = Counter(a.user_id for a in solution.assignments)
    assert all(count * 8 <= 40 for count in per_person.values())
    assert len(solution.assignments) == 10  # exactly the shifts needed: none rostered for nothing
    assert len({(a.user_id, a.day) for a in solution.assignments}) == len(solution.assignments)  # one a day


def test_too_few_people_leave_the_fewest_gaps_and_say_so():
    staff = [person("fd0", hours=16)]
    rules = [CoverageRule(role="front_desk", min_staff=1, start="08:00", end="16:00")]
    solution = CpSatRosterSolver().solve(problem(staff, rules))
    assert len(solution.assignments) == 2 and solution.short == 3 * 32  # three days of 32 quarter hours


def test_nobody_works_outside_their_windows_or_on_a_day_they_cannot():
    mornings = {day: ((6 * 60, 14 * 60),) for day in WEEK[:3]}
    staff = [person("early", windows=mornings), person("any")]
    rules = [CoverageRule(role="front_desk", min_staff=2, start="08:00", end="12:00")]
    solution = CpSatRosterSolver().solve(problem(staff, rules))
    for a in solution.assignments:
        if a.user_id == "early":
            assert a.day in WEEK[:3] and a.start >= 6 * 60 and a.end <= 14 * 60
    assert {a.day for a in solution.assignments if a.user_id == "early"} == set(WEEK[:3])


def test_a_practitioners_clinic_gets_an_assistant():
    staff = [person("dr", role="practitioner"), person("ma", role="assistant"), person("ma2", role="assistant")]
    rules = [CoverageRule(role="practitioner", min_staff=1, start="09:00", end="17:00"),
             CoverageRule(role="assistant", per="practitioner", start="09:00", end="17:00")]
    solution = CpSatRosterSolver().solve(problem(staff, rules))
    assert solution.short == 0
    for day in WEEK[:5]:
        working = {a.user_id for a in solution.assignments if a.day == day}
        assert "dr" in working and working & {"ma", "ma2"}


def test_weekends_and_evenings_are_spread_fairly():
    staff = [person(f"fd{n}") for n in range(4)]
    rules = [CoverageRule(role="front_desk", min_staff=1, weekdays=[5, 6], start="10:00", end="18:00"),
             CoverageRule(role="front_desk", min_staff=1, weekdays=[0, 1], start="12:00", end="20:00")]
    solution = CpSatRosterSolver().solve(problem(staff, rules))
    assert solution.short == 0
    unsocial = Counter(a.user_id for a in solution.assignments if a.day.weekday() >= 5 or a.end > 18 * 60)
    assert max(unsocial.values()) == 1 and len(unsocial) == 4
