"""PTO accrual by policy, pure: a month's credit by FTE, the carry-over cap at the turn of the year, and the
maximum balance. Each entry's id names the month or year it is for, so the ledger takes it once."""

from datetime import date

from functions.staff.models.common import to_minutes
from functions.staff.models.leave import PtoEntry
from functions.staff.models.members import StaffMember, StaffPolicy


def month_key(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def accrual_entries(policy: StaffPolicy, member: StaffMember, month: date, balance: int, at: str) -> list[PtoEntry]:
    """What `member` earns for the month starting `month`, given their `balance` in minutes before it. In
    January, first forfeit what lies over the carry-over cap; then credit the monthly rate times FTE, no further
    than the maximum balance (an entry of 0 minutes says the month was counted)."""
    entries = []
    if month.month == 1 and balance > to_minutes(policy.carry_over_cap_hours):
        forfeit = balance - to_minutes(policy.carry_over_cap_hours)
        entries.append(PtoEntry(user_id=member.user_id, id=f"carry-over-{month.year:04d}", on=month,
                                kind="carry_over", minutes=-forfeit, at=at))
        balance -= forfeit
    earned = round(to_minutes(policy.accrual_hours_per_month) * member.fte)
    room = max(0, to_minutes(policy.max_balance_hours) - balance)
    entries.append(PtoEntry(user_id=member.user_id, id=f"accrual-{month_key(month)}", on=month, kind="accrual",
                            minutes=min(earned, room), at=at))
    return entries


def balance_of(entries: list[PtoEntry]) -> int:
    return sum(entry.minutes for entry in entries)
