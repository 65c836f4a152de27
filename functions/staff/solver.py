"""The roster solver: OR-Tools CP-SAT. Only the solver's own function imports this module (an API cold start
must never pay for loading OR-Tools; tests/unit/staff/test_solver_isolation.py holds every handler to it).

The model: one boolean per (member, day, shift start) for starts on the hour near the rules' hours (and at
their edges) that fit the member's windows; at most one shift a day; the week's minutes within the contract;
every quarter hour a rule covers needs its people (a `per` rule: k of the role per person of the other role
on shift), any shortfall paid for in the objective; then the most evening and weekend shifts any one member
works, then the hours rostered (no one is put on a shift nobody needs)."""

import time

from ortools.sat.python import cp_model

from functions.staff.coverage import GRANULE
from functions.staff.models.common import minutes_of
from functions.staff.ports import Assignment, RosterProblem, RosterSolution

SHORT_WEIGHT = 10_000  # a quarter hour short outweighs any fairness or hours
FAIRNESS_WEIGHT = 100
EVENING = 18 * 60  # a shift that ends after 18:00 is an evening shift


def _starts(problem: RosterProblem) -> list[int]:
    """Where a shift may start: on the hour from two hours before the earliest rule starts until it would end
    two hours after the latest rule ends (so a member whose window opens early or late still fits), and
    exactly at each rule's start and at its end less a shift."""
    length = problem.shift_minutes
    if not problem.rules:
        return []
    first = min(minutes_of(r.start) for r in problem.rules)
    last = max(minutes_of(r.end) for r in problem.rules)
    lowest = first - first % 60 - 120
    starts = set(range(lowest, max(lowest, last - length + 120) + 1, 60))
    for rule in problem.rules:
        starts |= {minutes_of(rule.start), minutes_of(rule.end) - length}
    return sorted(s for s in starts if s >= 0 and s + length <= 24 * 60)


class _LastImprovement(cp_model.CpSolverSolutionCallback):
    """When the best roster was found: with the time limit reached, the rest was spent proving it best."""

    def __init__(self, began: float) -> None:
        super().__init__()
        self.began, self.at = began, None

    def on_solution_callback(self) -> None:
        self.at = time.perf_counter() - self.began


class CpSatRosterSolver:
    def __init__(self, workers: int = 2) -> None:
        self.workers = workers

    def solve(self, problem: RosterProblem) -> RosterSolution:
        began = time.perf_counter()
        model = cp_model.CpModel()
        length = problem.shift_minutes
        starts = _starts(problem)
        works: dict[tuple[int, int, int], cp_model.IntVar] = {}  # (candidate, day, start) -> worked
        for c, candidate in enumerate(problem.candidates):
            for d, day in enumerate(problem.days):
                for start in starts:
                    if any(a <= start and start + length <= b for a, b in candidate.windows.get(day, ())):
                        works[(c, d, start)] = model.new_bool_var(f"w{c}_{d}_{start}")
        for c, candidate in enumerate(problem.candidates):
            week = [v for (cc, _, _), v in works.items() if cc == c]
            for d in range(len(problem.days)):
                model.add_at_most_one(v for (cc, dd, _), v in works.items() if cc == c and dd == d)
            model.add(sum(week) <= candidate.max_minutes // length)  # whole shifts: a tighter relaxation

        shortfalls = self._coverage(model, problem, works, starts)
        unfair = self._fairness(model, problem, works)
        rostered = sum(works.values())
        model.minimize(SHORT_WEIGHT * sum(shortfalls) + FAIRNESS_WEIGHT * unfair + rostered)

        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = problem.time_limit_s
        solver.parameters.num_workers = self.workers
        found = _LastImprovement(began)
        result = solver.solve(model, found)
        seconds = time.perf_counter() - began
        if result not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return RosterSolution("infeasible", (), 0, seconds)
        chosen = tuple(Assignment(problem.candidates[c].user_id, problem.days[d], start, start + length)
                       for (c, d, start), v in works.items() if solver.value(v))
        short = sum(solver.value(s) for s in shortfalls)
        return RosterSolution("optimal" if result == cp_model.OPTIMAL else "feasible", chosen, short, seconds,
                              found.at or seconds)

    def _coverage(self, model, problem: RosterProblem, works, starts) -> list:
        """One constraint per distinct (day, rule, covering shifts): the granules a rule and the same shifts
        cover are one row, so a 10-hour rule is a handful of rows, not forty."""
        length, rows, shortfalls = problem.shift_minutes, {}, []
        by_role: dict[str, list[int]] = {}
        for c, candidate in enumerate(problem.candidates):
            by_role.setdefault(candidate.role, []).append(c)
        for d, day in enumerate(problem.days):
            for r, rule in enumerate(problem.rules):
                if day.weekday() not in rule.weekdays:
                    continue
                for minute in range(minutes_of(rule.start), minutes_of(rule.end), GRANULE):
                    covering = tuple(s for s in starts if s <= minute and minute + GRANULE <= s + length)
                    rows.setdefault((d, r, covering), 0)
                    rows[(d, r, covering)] += 1
        for (d, r, covering), granules in rows.items():
            rule = problem.rules[r]

            def on_shift(role: str, d: int = d, covering: tuple = covering) -> list:
                return [works[(c, d, s)] for c in by_role.get(role, []) for s in covering if (c, d, s) in works]

            have = on_shift(str(rule.role))
            if rule.per is not None:
                per = on_shift(str(rule.per))
                need_bound = rule.min_staff * max(1, len(per))
                short = model.new_int_var(0, need_bound, f"short{d}_{r}_{len(shortfalls)}")
                model.add(sum(have) + short >= rule.min_staff * sum(per))
            else:
                short = model.new_int_var(0, rule.min_staff, f"short{d}_{r}_{len(shortfalls)}")
                model.add(sum(have) + short >= rule.min_staff)
            # a row stands for `granules` quarter hours: its shortfall counts that many times
            shortfalls.append(granules * short)
        return shortfalls

    def _fairness(self, model, problem: RosterProblem, works):
        """The most evening and weekend shifts any one member works: minimizing it spreads them."""
        most = model.new_int_var(0, len(problem.days), "most_unsocial")
        for c in range(len(problem.candidates)):
            unsocial = [v for (cc, d, start), v in works.items()
                        if cc == c and (problem.days[d].weekday() >= 5 or start + problem.shift_minutes > EVENING)]
            if unsocial:
                model.add(sum(unsocial) <= most)
        return most
