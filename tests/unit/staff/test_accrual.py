"""PTO accrual by policy on fakes: a month by FTE, the caps, the turn of the year, the practice's month in
its own time zone, and a month accrued once however often (or concurrently) the job runs."""

import threading
from datetime import UTC, date, datetime

from functions.staff.accrual import accrual_entries, balance_of
from functions.staff.models.members import StaffPolicy
from tests.contract.staff_support import member
from tests.unit.staff.support import PRACTICE, Staff, coordinator, member_in

POLICY = StaffPolicy(practice_id=PRACTICE, time_zone="America/New_York", accrual_hours_per_month=10,
                     carry_over_cap_hours=40, max_balance_hours=100)
AT = "2026-03-01T12:00:00.000Z"


def minutes(entries):
    return [(e.kind, e.minutes) for e in entries]


def test_a_full_timer_earns_the_monthly_rate_and_a_part_timer_their_fte_of_it():
    assert minutes(accrual_entries(POLICY, member("a", fte=1.0), date(2026, 3, 1), 0, AT)) == [("accrual", 600)]
    assert minutes(accrual_entries(POLICY, member("b", fte=0.6), date(2026, 3, 1), 0, AT)) == [("accrual", 360)]


def test_accrual_stops_at_the_maximum_balance():
    assert minutes(accrual_entries(POLICY, member("a", fte=1.0), date(2026, 3, 1), 95 * 60, AT)) == [("accrual", 300)]
    assert minutes(accrual_entries(POLICY, member("a", fte=1.0), date(2026, 3, 1), 100 * 60, AT)) == [("accrual", 0)]


def test_in_january_the_balance_over_the_carry_over_cap_is_forfeited_first():
    entries = accrual_entries(POLICY, member("a", fte=1.0), date(2027, 1, 1), 70 * 60, AT)
    assert minutes(entries) == [("carry_over", -30 * 60), ("accrual", 600)]
    assert [e.id for e in entries] == ["carry-over-2027", "accrual-2027-01"]
    assert minutes(accrual_entries(POLICY, member("a", fte=1.0), date(2027, 2, 1), 70 * 60, AT)) == [("accrual", 600)]


def staffed(at: datetime) -> Staff:
    staff = Staff(now=at)
    staff.set_policy(time_zone="America/New_York", accrual_hours_per_month=10)
    staff.members.add(coordinator(), member_in("full"))
    staff.members.add(coordinator(), member_in("half", hours=20))
    staff.members.add(coordinator(), member_in("gone", active=False))
    return staff


def test_the_run_credits_each_active_member_for_the_practices_month():
    staff = staffed(datetime(2026, 3, 1, 12, tzinfo=UTC))
    run = staff.pto.accrue_month(PRACTICE)
    assert (run.month, run.accrued, run.already) == ("2026-03", 2, 0)
    assert staff.pto.balance(coordinator(), "full").balance_hours == 10
    assert staff.pto.balance(coordinator(), "half").balance_hours == 5
    assert staff.pto.balance(coordinator(), "gone").entries == []


def test_at_midnight_utc_on_the_first_new_york_is_still_in_the_old_month():
    staff = staffed(datetime(2026, 3, 1, 3, tzinfo=UTC))  # 22:00 on 28 February in New York
    assert staff.pto.accrue_month(PRACTICE).month == "2026-02"
    staff.now = datetime(2026, 3, 1, 5, tzinfo=UTC)  # 00:00 on 1 March in New York (EST)
    assert staff.pto.accrue_month(PRACTICE).month == "2026-03"


def test_a_month_that_straddles_the_dst_change_is_one_month_of_accrual():
    staff = staffed(datetime(2026, 4, 1, 4, tzinfo=UTC))  # 00:00 on 1 April in New York (EDT, UTC-4)
    assert staff.pto.accrue_month(PRACTICE).month == "2026-04"
    assert staff.pto.balance(coordinator(), "full").balance_hours == 10


def test_running_twice_accrues_once():
    staff = staffed(datetime(2026, 3, 1, 12, tzinfo=UTC))
    staff.pto.accrue_month(PRACTICE)
    second = staff.pto.accrue_month(PRACTICE)
    assert (second.accrued, second.already) == (0, 0)  # the month is closed: one read
    staff.ledger.closed.clear()  # as if the first run died before closing the month
    third = staff.pto.accrue_month(PRACTICE)
    assert (third.accrued, third.already) == (0, 2)
    assert balance_of(staff.ledger.entries(PRACTICE, "full")) == 600


def test_racing_runs_accrue_once():
    staff = staffed(datetime(2026, 3, 1, 12, tzinfo=UTC))
    barrier, runs = threading.Barrier(4), []

    def run():
        barrier.wait()
        runs.append(staff.pto.accrue_month(PRACTICE))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.accrued for r in runs) == 2
    assert balance_of(staff.ledger.entries(PRACTICE, "full")) == 600
    assert balance_of(staff.ledger.entries(PRACTICE, "half")) == 300
