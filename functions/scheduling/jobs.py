"""Scheduled scheduling jobs. The schedule's input names the job; each walks the practice registry (one
Query) and reads only sparse indexes, so its cost follows the work due, not the table."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from functions.core.jobs import job_handler
from functions.core.observability import metrics
from functions.core.registry import practice_ids
from functions.core.table import Table
from functions.scheduling.wiring import scheduling


def send_appointment_reminders(table: Table) -> dict[str, Any]:
    reminders = scheduling().reminders
    practices = practice_ids(table)
    sent = sum(reminders.send_due(practice_id) for practice_id in practices)
    metrics.add_metric(name="AppointmentRemindersRequested", unit=MetricUnit.Count, value=sent)
    return {"practices": len(practices), "reminders": sent}


def expire_waitlist_offers(table: Table) -> dict[str, Any]:
    waitlist = scheduling().waitlist
    practices = practice_ids(table)
    expired = sum(waitlist.expire_offers(practice_id) for practice_id in practices)
    metrics.add_metric(name="WaitlistOffersExpired", unit=MetricUnit.Count, value=expired)
    return {"practices": len(practices), "expired": expired}


JOBS = {"send_appointment_reminders": send_appointment_reminders, "expire_waitlist_offers": expire_waitlist_offers}

handler = job_handler(JOBS)
