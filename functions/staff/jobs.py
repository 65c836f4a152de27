"""The staff area's scheduled jobs: the monthly PTO accrual, run for every practice in the registry."""

from typing import Any

from functions.core.jobs import job_handler
from functions.core.registry import practice_ids
from functions.core.table import Table
from functions.staff import wiring


def accrue_pto(table: Table) -> dict[str, Any]:
    """Each practice's month, once: a practice already done this month costs one GetItem."""
    runs = [wiring.pto().accrue_month(practice) for practice in practice_ids(table)]
    return {"practices": len(runs), "accrued": sum(r.accrued for r in runs), "already": sum(r.already for r in runs)}


handler = job_handler({"accrue_pto": accrue_pto})
