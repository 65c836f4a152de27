"""Scheduled compliance jobs. The schedule's input names the job; each returns a small summary."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from functions.compliance.audit_verification import verify_all
from functions.core.observability import logger, metrics
from functions.core.table import Table


def verify_audit_chains(table: Table, full: bool = False) -> dict[str, Any]:
    reports = verify_all(table, full=full)
    broken = [r for r in reports if not r.intact]
    for report in broken:
        # practice id and entry numbers only: enough to investigate, nothing about a patient
        logger.error("audit chain broken", extra={"practice_id": report.practice_id, "problems": report.problems})
    metrics.add_metric(name="AuditChainsBroken", unit=MetricUnit.Count, value=len(broken))
    metrics.add_metric(name="AuditEntriesVerified", unit=MetricUnit.Count, value=sum(r.checked for r in reports))
    return {"practices": len(reports), "entries_checked": sum(r.checked for r in reports), "broken": len(broken)}


JOBS = {"verify_audit_chains": verify_audit_chains}


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    job = JOBS.get(event.get("job", ""))
    if job is None:
        raise ValueError(f"unknown job {event.get('job')!r}; known: {sorted(JOBS)}")
    return job(Table(), **{k: v for k, v in event.items() if k != "job"})
