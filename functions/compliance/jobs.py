"""Scheduled compliance jobs. The schedule's input names the job; each returns a small summary."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from functions.compliance import wiring
from functions.core import business
from functions.core.jobs import job_handler
from functions.core.observability import logger, metrics
from functions.core.table import Table


def verify_audit_chains(_table: Table, full: bool = False) -> dict[str, Any]:
    """Nightly from the checkpoints; weekly (`full`) from the start. core.jobs hands every job the table;
    this one's use case comes wired, with its own."""
    reports = wiring.audit_verification().verify_all(full=full)
    broken = [r for r in reports if not r.intact]
    for report in broken:
        # practice id and entry numbers only: enough to investigate, nothing about a patient
        logger.error("audit chain broken", extra={"practice_id": report.practice_id, "problems": report.problems})
    metrics.add_metric(name="AuditChainsBroken", unit=MetricUnit.Count, value=len(broken))
    metrics.add_metric(name="AuditEntriesVerified", unit=MetricUnit.Count, value=sum(r.checked for r in reports))
    return {"practices": len(reports), "entries_checked": sum(r.checked for r in reports), "broken": len(broken)}


def backfill_audit_indexes(table: Table) -> dict[str, Any]:
    """Run once by hand after the deploy that added the by-user index (no schedule): every practice's older audit
    entries get their index keys, hashes unchanged. Idempotent: a second run puts nothing."""
    from functions.core.audit_store import AuditStore
    from functions.core.registry import practice_ids

    store = AuditStore(table)
    counts = [store.backfill_indexes(practice_id) for practice_id in practice_ids(table)]
    return {"practices": len(counts), "entries_indexed": sum(counts)}


# --- certifications, the monitoring engine ---------------------------------------------------------------------


def run_compliance_checks(_table: Table) -> dict[str, Any]:
    """Daily, after the chain verification: every practice's checks; a check that failed is counted (and logged
    by the run), the others ran."""
    summaries = wiring.compliance_run().run_all()
    failed = sum(s.failed for s in summaries)
    metrics.add_metric(name="ComplianceChecksFailed", unit=MetricUnit.Count, value=failed)
    business.send("ComplianceFindingsOpen", sum(s.open for s in summaries))  # every practice's, after the run
    return {"practices": len(summaries), "open": sum(s.open for s in summaries), "failed_checks": failed,
            "opened": sum(o.opened for s in summaries for o in s.checks),
            "closed": sum(o.closed for s in summaries for o in s.checks), "notices": sum(s.notices for s in summaries)}


def remind_certifications(_table: Table) -> dict[str, Any]:
    """Daily: licences and certifications reaching a reminder stage (60, 30, 7 days; expired), each once."""
    return {"notices": wiring.certification_reminders().remind_all()}



# --- training, policies ---


def remind_training(_table: Table) -> dict[str, Any]:
    """Daily: training due in 14 or 3 days or overdue (weekly), and policy versions to sign likewise; each stage
    once per assignment or signer."""
    run = wiring.compliance_reminders().remind_all()
    metrics.add_metric(name="TrainingReminders", unit=MetricUnit.Count, value=run.training)
    metrics.add_metric(name="PolicyReminders", unit=MetricUnit.Count, value=run.policies)
    return {"practices": run.practices, "training": run.training, "policies": run.policies,
            "lost_races": run.lost_races}


# --- the audit trail's daily archive ---


class ArchiveDiffers(RuntimeError):
    """An archived part holds other chain ends than the trail now says: the trail or the archive changed."""


def archive_audit_trail(_table: Table, day: str | None = None, days: int = 1) -> dict[str, Any]:
    """Daily, after the chain verification: every practice's entries of yesterday (UTC), or of `days` days ending
    with `day` (a rerun, a catch-up), to the Object Lock bucket. A part found there with other ends fails the run
    (after every practice is done), so it alarms like any failed job."""
    from datetime import date

    runs = wiring.audit_archiving().archive_all(day=date.fromisoformat(day) if day else None, days=int(days))
    written = sum(len(r.written) for r in runs)
    differing = [r for r in runs if r.differing]
    metrics.add_metric(name="AuditArchivePartsWritten", unit=MetricUnit.Count, value=written)
    metrics.add_metric(name="AuditArchivePartsDiffering", unit=MetricUnit.Count,
                       value=sum(len(r.differing) for r in differing))
    for run in differing:
        # practice, day and part numbers only
        logger.error("archived audit part differs from the trail", extra={
            "practice_id": run.practice_id, "day": run.day.isoformat(), "parts": run.differing})
    summary = {"practices": len({r.practice_id for r in runs}), "days": sorted({r.day.isoformat() for r in runs}),
               "entries": sum(r.entries for r in runs), "parts_written": written,
               "parts_already_archived": sum(len(r.already) for r in runs),
               "parts_differing": sum(len(r.differing) for r in runs)}
    if differing:
        raise ArchiveDiffers(f"{summary['parts_differing']} archived part(s) differ from the trail: see the log")
    return summary


JOBS = {"verify_audit_chains": verify_audit_chains, "backfill_audit_indexes": backfill_audit_indexes,
        "run_compliance_checks": run_compliance_checks, "remind_certifications": remind_certifications,
        "remind_training": remind_training, "archive_audit_trail": archive_audit_trail}

handler = job_handler(JOBS)
