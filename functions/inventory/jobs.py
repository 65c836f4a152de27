"""The inventory area's scheduled jobs, each run for every practice in the registry: the nightly drift check
and the daily expiry watch."""

from typing import Any

from functions.core.jobs import job_handler
from functions.core.observability import logger
from functions.core.registry import practice_ids
from functions.core.table import Table
from functions.inventory import wiring


def check_stock_drift(table: Table) -> dict[str, Any]:
    """Re-derive every balance from the ledger; a drifted balance is logged by ids (never fixed here)."""
    reports = [wiring.drift().run(practice) for practice in practice_ids(table)]
    for report in reports:
        for line in report.drift:
            logger.warning("stock balance drift", extra={"practice_id": report.practice_id, **line.model_dump()})
    return {"practices": len(reports), "items": sum(r.items_checked for r in reports),
            "movements": sum(r.movements_read for r in reports), "drifted": sum(len(r.drift) for r in reports)}


def watch_expiry(table: Table, within_days: int = 30) -> dict[str, Any]:
    """Each practice's coordinators hear once a day of stock expired or expiring within `within_days`."""
    notices = [wiring.expiry().notify(practice, within_days) for practice in practice_ids(table)]
    return {"practices": len(notices), "notices": sum(notices)}


handler = job_handler({"check_stock_drift": check_stock_drift, "watch_expiry": watch_expiry})
