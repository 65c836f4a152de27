"""The staff area's scheduled jobs, run for every practice in the registry: the monthly PTO accrual, and the
daily count of leave waiting for a decision (the dashboard's LeavePending)."""

from typing import Any

from functions.core import business
from functions.core.jobs import job_handler
from functions.core.registry import practice_ids
from functions.core.table import Table
from functions.staff import wiring


def accrue_pto(table: Table) -> dict[str, Any]:
    """Each practice's month, once: a practice already done this month costs one GetItem."""
    runs = [wiring.pto().accrue_month(practice) for practice in practice_ids(table)]
    return {"practices": len(runs), "accrued": sum(r.accrued for r in runs), "already": sum(r.already for r in runs)}


def count_pending_leave(table: Table) -> dict[str, Any]:
    """Daily: leave requests waiting for a decision, every practice together (one Query of the sparse pending index
    per practice)."""
    practices = practice_ids(table)
    waiting = sum(wiring.leave_requests().waiting(practice) for practice in practices)
    business.send("LeavePending", waiting)
    return {"practices": len(practices), "waiting": waiting}


handler = job_handler({"accrue_pto": accrue_pto, "count_pending_leave": count_pending_leave})
