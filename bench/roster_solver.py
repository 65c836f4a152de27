"""The roster solver (OR-Tools CP-SAT) for a week at one location with 10, 30 and 100 staff: solve time, how
far the answer is from the proven optimum, the coverage it could not meet, and the fairness of evenings and
weekends. The practice grows with its staff: front desk, nurses, practitioners each needing an assistant,
open 07:00-20:00 on weekdays and 09:00-13:00 on Saturdays, members part- and full-time, some with windows.

The solver runs with 2 workers (the machine these figures come from has 2 cores, shared) and a 30 s limit.
`seconds` is the whole solve; `best_found_after_s` is when the roster it returned was found. A week the staff
cannot cover (the 10-person practice) runs to the limit: CP-SAT cannot prove quickly that no roster has fewer
gaps, though the roster it returns was found within a second or two."""

import json
import platform
import random
import statistics
from collections import Counter
from datetime import date, timedelta

from bench.support import RESULTS, local_environment

local_environment()

SIZES = (10, 30, 100)
RUNS = 3
MONDAY = date(2026, 3, 2)
WEEK = tuple(MONDAY + timedelta(days=n) for n in range(7))
TIME_LIMIT_S = 30.0


def practice(size: int, seed: int = 7):
    from functions.staff.models.roster import CoverageRule
    from functions.staff.ports import Candidate, RosterProblem

    rng = random.Random(seed)  # noqa: S311 - a reproducible synthetic practice, not a secret
    mix = (["front_desk"] * 4 + ["nurse"] * 3 + ["practitioner"] * 2 + ["assistant"] * 3)
    candidates = []
    for n in range(size):
        role = mix[n % len(mix)]
        hours = rng.choice((40, 40, 32, 24, 20))
        if rng.random() < 0.3:  # a third can only work some days, some only mornings
            days = rng.sample(WEEK[:6], 4)
            windows = {d: ((7 * 60, 15 * 60),) if rng.random() < 0.5 else ((0, 24 * 60),) for d in days}
        else:
            windows = {d: ((0, 24 * 60),) for d in WEEK}
        candidates.append(Candidate(f"s{n:03d}", role, hours * 60, windows))
    scale = max(1, size // 10)
    rules = (
        CoverageRule(role="front_desk", min_staff=scale, start="07:00", end="20:00"),
        CoverageRule(role="nurse", min_staff=scale, start="08:00", end="18:00"),
        CoverageRule(role="practitioner", min_staff=max(1, scale // 2 + 1), start="08:00", end="17:00"),
        CoverageRule(role="assistant", per="practitioner", start="08:00", end="17:00"),
        CoverageRule(role="front_desk", min_staff=1, weekdays=[5], start="09:00", end="13:00"),
    )
    return RosterProblem(location_id="main", days=WEEK, shift_minutes=8 * 60, candidates=tuple(candidates),
                         rules=rules, time_limit_s=TIME_LIMIT_S)


def measure(size: int) -> dict:
    from functions.staff.solver import CpSatRosterSolver

    problem = practice(size)
    runs = []
    for _ in range(RUNS):
        solution = CpSatRosterSolver(workers=2).solve(problem)
        per_member = Counter(a.user_id for a in solution.assignments)
        contract = {c.user_id: c.max_minutes for c in problem.candidates}
        assert all(n * problem.shift_minutes <= contract[u] for u, n in per_member.items()), "over contract"
        unsocial = Counter(a.user_id for a in solution.assignments if a.day.weekday() >= 5 or a.end > 18 * 60)
        runs.append({"seconds": round(solution.seconds, 3), "best_found_after_s": round(solution.found_after, 3),
                     "status": solution.status, "shifts":
                     len(solution.assignments), "short_quarter_hours": solution.short,
                     "most_evening_or_weekend_shifts": max(unsocial.values(), default=0)})
    return {"staff": size, "runs": runs, "median_seconds": round(statistics.median(r["seconds"] for r in runs), 3),
            "median_best_found_after_s": round(statistics.median(r["best_found_after_s"] for r in runs), 3)}


def main() -> None:
    summary = {"solver": "OR-Tools CP-SAT", "workers": 2, "time_limit_s": TIME_LIMIT_S, "week": str(MONDAY),
               "shift_hours": 8, "machine": f"{platform.machine()}, {platform.python_version()}",
               "sizes": [measure(size) for size in SIZES]}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "roster_solver.json").write_text(json.dumps(summary, indent=2) + "\n")
    for row in summary["sizes"]:
        last = row["runs"][-1]
        print(f"{row['staff']:>4} staff  median {row['median_seconds']:>7} s  (best found after "
              f"{row['median_best_found_after_s']} s)  {last['status']:>8}  "
              f"{last['shifts']:>4} shifts  short {last['short_quarter_hours']:>4} quarter hours  "
              f"most unsocial {last['most_evening_or_weekend_shifts']}")


if __name__ == "__main__":
    main()
