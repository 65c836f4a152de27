"""Appointment reminders, the scheduled job: each reminder due is asked of the notifications area once,
with confirm and cancel links when the practice sends them."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from functions.core import clock
from functions.core.audit import AuditDraft
from functions.core.errors import Conflict
from functions.core.events import DomainEvent
from functions.notifications.request import notification_requested
from functions.scheduling.backfill import local_text
from functions.scheduling.models.appointments import Appointment
from functions.scheduling.models.setup import Setup
from functions.scheduling.ports import ReminderQueue, SchedulingSetup
from functions.scheduling.reply_links import AppointmentReplies

REMINDER_TEMPLATE = "appointment.reminder"
REMINDER_WITH_LINKS_TEMPLATE = "appointment.reminder.reply"  # the same, with confirm and cancel links
REMINDER_ROUNDS = 50  # pages of 100 per practice per run: a backlog beyond that waits for the next run
JOB = "system:scheduling-jobs"


class Reminders:
    def __init__(self, setup: SchedulingSetup, queue: ReminderQueue, replies: AppointmentReplies, *,
                 now: Callable[[], datetime] = clock.now) -> None:
        self.setup = setup
        self.queue = queue
        self.replies = replies
        self.now = now

    def send_due(self, practice_id: str) -> int:
        """Ask the notifications area for every reminder now due, each at most once: the appointment leaves
        the due queue in the transaction that puts the request in the outbox."""
        setup = None
        sent = 0
        for _ in range(REMINDER_ROUNDS):
            due = self.queue.due(practice_id, self.now())
            if not due:
                break
            setup = setup or self.setup.current(practice_id)
            progress = 0
            for appointment in due:
                at = clock.iso(self.now())
                audit = AuditDraft(practice_id=practice_id, actor=JOB, role="system", action="appointment.remind",
                                   entity="APPOINTMENT", entity_id=appointment.id,
                                   request_id="send_appointment_reminders", at=at,
                                   subject_patient_id=appointment.patient_id)
                try:
                    self.queue.mark_reminded(practice_id, appointment, at, audit,
                                             [self._request(practice_id, setup, appointment)])
                except Conflict:
                    continue  # sent by an overlapping run, or moved or cancelled since the query
                sent += 1
                progress += 1
            if not progress:
                break
        return sent

    def _request(self, practice_id: str, setup: Setup, appointment: Appointment) -> DomainEvent:
        data: dict[str, Any] = {"practice_name": setup.policy.practice_name,
                                "appointment_time": local_text(appointment.start_at, setup.zone)}
        for action in ("confirm", "cancel"):
            link = self.replies.link_for(practice_id, appointment, action)
            if link:
                data[f"{action}_link"] = link
        stamp = appointment.start.replace("-", "").replace(":", "").replace(".", "")
        return notification_requested(
            practice_id=practice_id, recipient={"kind": "patient", "patient_id": appointment.patient_id},
            template=REMINDER_WITH_LINKS_TEMPLATE if "confirm_link" in data else REMINDER_TEMPLATE,
            source={"area": "scheduling", "entity": "appointment", "entity_id": appointment.id},
            idempotency_key=f"reminder-{appointment.id}-{stamp}", data=data)

