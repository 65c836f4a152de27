"""Scheduled scheduling jobs. The schedule's input names the job; each walks the practice registry (one
Query) and reads only sparse indexes, so its cost follows the work due, not the table."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from functions.core.audit_store import AuditStore
from functions.core.jobs import job_handler
from functions.core.observability import metrics
from functions.core.registry import practice_ids
from functions.core.secrets import page_token_key
from functions.core.table import Table
from functions.scheduling.links import ReplyLinks
from functions.scheduling.repo import SchedulingRepo
from functions.scheduling.service import SchedulingService


def build_service(table: Table) -> SchedulingService:
    from functions.scheduling.api import public_url

    audit = AuditStore(table)
    return SchedulingService(SchedulingRepo(table, audit), audit, links=ReplyLinks(page_token_key, public_url()))


def send_appointment_reminders(table: Table) -> dict[str, Any]:
    service = build_service(table)
    practices = practice_ids(table)
    sent = sum(service.send_due_reminders(practice_id) for practice_id in practices)
    metrics.add_metric(name="AppointmentRemindersRequested", unit=MetricUnit.Count, value=sent)
    return {"practices": len(practices), "reminders": sent}


def expire_waitlist_offers(table: Table) -> dict[str, Any]:
    service = build_service(table)
    practices = practice_ids(table)
    expired = sum(service.expire_offers(practice_id) for practice_id in practices)
    metrics.add_metric(name="WaitlistOffersExpired", unit=MetricUnit.Count, value=expired)
    return {"practices": len(practices), "expired": expired}


JOBS = {"send_appointment_reminders": send_appointment_reminders, "expire_waitlist_offers": expire_waitlist_offers}

handler = job_handler(JOBS)
