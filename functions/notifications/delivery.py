"""Delivering a message: decide by consent, preferences, opt-outs and quiet hours, render, and hand it to
each channel exactly once; retry what failed in passing, send what was deferred when it is due, and record
bounces. Storage, the records area and the providers come in as ports, so nothing here talks to AWS.

Exactly once, from the patient's view
-------------------------------------
The message id is derived from (practice, idempotency key, recipient), so a repeated request finds the
message it made before. Each channel's delivery is *claimed* before the provider is called: a conditional
put of DELIVERY#<channel> as `sending` for attempt n, which only one invocation can win. Then:

- the provider took it: the claim becomes `sent` (and a retry, seeing `sent`, does nothing);
- the provider refused for good (a rejected address, an opted-out number): `failed`, never retried;
- the provider failed in passing (throttling, an outage): the claim is `released` with the attempt
  recorded, and the error is raised, so Lambda's asynchronous retries (two, with backoff) try again; the
  last attempt marks it `failed` and still raises, so the event lands in the dead-letter queue, whose
  depth is alarmed. A deferred message retried by the job is re-deferred with backoff instead;
- the invocation died between the claim and the outcome (a timeout, a crash): the claim stays `sending`.
  The provider may or may not have the message, and sending again could tell a patient twice, so a later
  attempt does not resend: once the claim is older than any invocation can run (STALE_CLAIM) it is marked
  `uncertain`, the message is settled `uncertain` (visible in the log, counted in a metric, logged as an
  error) and a person decides. A claim younger than that belongs to an invocation still running: raise,
  and let the retry look again later.
"""

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from aws_lambda_powertools.metrics import MetricUnit

from functions.core import business, clock
from functions.core.errors import Conflict, Invalid, NotFound
from functions.core.observability import log_unhandled, logger, metrics
from functions.notifications import rules, templates
from functions.notifications.links import OptOut, OptOutLinks
from functions.notifications.models.messages import (
    FINAL,
    DeliveryFailed,
    Message,
    Outcome,
    ProviderRefused,
    TransientFailure,
)
from functions.notifications.models.preferences import Preferences
from functions.notifications.models.templates import Rendered
from functions.notifications.opt_out import OptOuts
from functions.notifications.ports import (
    Channel,
    DeliveryLedger,
    DueMessages,
    MessageLog,
    Outgoing,
    PreferenceBook,
    RecipientDirectory,
)
from functions.notifications.rules import Contact
from functions.notifications.template_library import TemplateLibrary

MAX_ATTEMPTS = 3  # the first invocation and Lambda's two asynchronous retries
SCHEDULED_ATTEMPTS = 5  # a deferred message, retried by the job
RETRY_BACKOFF = timedelta(minutes=15)
STALE_CLAIM = timedelta(minutes=5)  # longer than the worker may run: a claim this old was abandoned
# scheduling's reminder templates (functions/scheduling/reminders.py): a sent one is the business's RemindersSent
REMINDER_TEMPLATES = frozenset({"appointment.reminder", "appointment.reminder.reply"})
GAVE_UP = "gave_up"  # a channel's last attempt failed in passing: settled failed, and the event dead-lettered


class InFlight(TransientFailure):
    """Another invocation holds this delivery's claim: look again later."""


@dataclass
class DueRun:
    due: int = 0
    sent: int = 0
    deferred: int = 0
    failed: int = 0
    errors: int = 0


def count(name: str, value: int = 1) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


class Delivery:
    def __init__(self, messages: MessageLog, ledger: DeliveryLedger, due: DueMessages, directory: RecipientDirectory,
                 preferences: PreferenceBook, templates: TemplateLibrary, channels: Mapping[str, Channel],
                 links: OptOutLinks, opt_outs: OptOuts, now: Callable[[], datetime] = clock.now) -> None:
        self.messages = messages
        self.ledger = ledger
        self.due_messages = due
        self.directory = directory
        self.preferences = preferences
        self.templates = templates
        self.channels = channels
        self.links = links
        self.opt_outs = opt_outs
        self.now = now

    def deliver(self, practice_id: str, message_id: str, scheduled: bool = False) -> Outcome:
        """Take one message as far as it can go now. Raises TransientFailure when a retry should follow
        (not when `scheduled`: the job re-defers instead)."""
        stored = self.messages.message(practice_id, message_id)
        if stored is None:
            logger.error("notification not found", extra={"practice_id": practice_id, "message_id": message_id})
            return Outcome(message_id=message_id, status="missing")
        message = stored.message
        if message.status in FINAL:
            return Outcome(message_id=message_id, status=message.status, reason="already_settled")
        now = self.now()
        at = clock.iso(now)
        if message.status == "deferred" and message.deliver_after and message.deliver_after > at:
            return Outcome(message_id=message_id, status="deferred", reason="not_due")
        contact = self.directory.contact(practice_id, message.recipient)
        preferences = (self.preferences.preferences(practice_id, message.recipient.key)
                       or Preferences(person=message.recipient.key))
        plan = rules.plan(message.recipient, contact, preferences, now)
        if plan.suppressed:
            return self._settle(message, "suppressed", at, plan.suppressed)
        if plan.defer_until is not None:
            return self._defer(message, plan.defer_until, at, "quiet_hours", plan.channels)
        try:
            rendered = templates.render(self.templates.find(practice_id, message.template, plan.language),
                                        stored.payload or {})
        except (Invalid, NotFound) as error:
            return self._settle(message, "failed", at, error.code)
        results: dict[str, str] = {}
        retry: TransientFailure | None = None
        max_attempts = SCHEDULED_ATTEMPTS if scheduled else MAX_ATTEMPTS
        for channel in plan.channels:
            try:
                results[channel] = self._send_one(message, channel, rendered, contact, at, max_attempts)
            except TransientFailure as failure:
                retry = retry or failure
        if retry is not None:
            if scheduled and not isinstance(retry, InFlight):
                return self._defer(message, now + RETRY_BACKOFF * (message.attempts + 1), at, retry.reason,
                                   plan.channels)
            raise retry
        outcome = self._settle_results(message, results, at, plan.channels)
        if GAVE_UP in results.values() and not scheduled:
            # settled as failed; raising once more puts the event in the dead-letter queue, whose depth alarms
            raise TransientFailure("gave_up")
        return outcome

    def _send_one(self, message: Message, channel: str, rendered: Rendered, contact: Contact, at: str,
                  max_attempts: int) -> str:
        """One channel, exactly once: 'sent', 'failed', 'uncertain' or GAVE_UP, or TransientFailure to retry."""
        practice_id, message_id = message.practice_id, message.id
        existing = message.delivery(channel)
        if existing is not None and existing.status in ("sent", "failed", "uncertain", "bounced"):
            return existing.status
        if existing is not None and existing.status == "sending":
            claimed = datetime.fromisoformat((existing.claimed_at or at).replace("Z", "+00:00"))
            if self.now() - claimed < STALE_CLAIM:
                raise InFlight("in_flight")
            self.ledger.record_uncertain(practice_id, message_id, channel, existing.attempts, at)
            logger.error("notification outcome unknown; not resent",
                         extra={"practice_id": practice_id, "message_id": message_id, "channel": channel})
            count("NotificationsUncertain")
            return "uncertain"
        attempt = (existing.attempts if existing else 0) + 1
        if not self.ledger.claim(practice_id, message_id, channel, attempt, at):
            raise InFlight("claim_lost")
        try:
            provider_id = self.channels[channel].send(self._outgoing(message, channel, rendered, contact))
        except DeliveryFailed as failure:
            final = not failure.transient or attempt >= max_attempts
            self.ledger.record_attempt_failed(practice_id, message_id, channel, attempt, at, failure.reason, final)
            logger.warning("notification attempt failed", extra={
                "practice_id": practice_id, "message_id": message_id, "channel": channel, "attempt": attempt,
                "reason": failure.reason, "final": final})
            if isinstance(failure, ProviderRefused):
                # a fault in how we send (a permission, the sender, the configuration set) fails every message
                # alike and is never retried: the metric's alarm tells a person
                count("NotificationsRefusedByProvider")
            if failure.transient and not final:
                raise
            return GAVE_UP if failure.transient else "failed"
        patient_id = message.recipient.patient_id if message.recipient.kind == "patient" else None
        self.ledger.record_sent(practice_id, message_id, channel, attempt, at, provider_id, patient_id)
        count("NotificationsSent")
        return "sent"

    def _settle_results(self, message: Message, results: dict[str, str], at: str,
                        channels: Sequence[str]) -> Outcome:
        statuses = {"failed" if s == GAVE_UP else s for s in results.values()}
        if "sent" in statuses:
            status, reason = "sent", None
        elif "uncertain" in statuses:
            status, reason = "uncertain", "outcome_unknown"
        else:
            status = "failed"
            fresh = self.messages.message(message.practice_id, message.id)
            reasons = [d.reason for d in (fresh.message.deliveries if fresh else []) if d.reason]
            reason = reasons[0] if reasons else "not_delivered"
        return self._settle(message, status, at, reason, channels)

    def _settle(self, message: Message, status: str, at: str, reason: str | None,
                channels: Sequence[str] = ()) -> Outcome:
        self.ledger.settle(message.practice_id, message.id, status, at, reason, channels)
        if status == "sent" and message.template in REMINDER_TEMPLATES:
            business.send("RemindersSent", 1)  # once a message, however many channels carried it
        if status != "sent":
            count("NotificationsFailed" if status == "failed" else "NotificationsSuppressed")
            logger.info("notification settled", extra={"practice_id": message.practice_id,
                                                       "message_id": message.id, "status": status, "reason": reason})
        return Outcome(message_id=message.id, status=status, reason=reason)

    def _defer(self, message: Message, until: datetime, at: str, reason: str, channels: Sequence[str]) -> Outcome:
        if message.attempts >= SCHEDULED_ATTEMPTS:
            return self._settle(message, "failed", at, reason)
        self.due_messages.defer(message.practice_id, message.id, clock.iso(until), at, reason, channels)
        count("NotificationsDeferred")
        return Outcome(message_id=message.id, status="deferred", reason=reason)

    def send_due(self, practice_id: str, page_size: int = 100, max_messages: int = 1000) -> DueRun:
        """Deferred messages of one practice whose time has come, oldest first (the job's work)."""
        run = DueRun()
        start = None
        now = clock.iso(self.now())
        while run.due < max_messages:
            listing = self.due_messages.due(practice_id, now, page_size, start)
            for message_id in listing.items:
                run.due += 1
                try:
                    outcome = self.deliver(practice_id, message_id, scheduled=True)
                except TransientFailure:
                    run.errors += 1  # in flight elsewhere; still on the due index for the next run
                    continue
                except Exception as error:  # noqa: BLE001 - one bad message must not hold up the rest
                    log_unhandled(error)
                    run.errors += 1
                    continue
                if outcome.status == "sent":
                    run.sent += 1
                elif outcome.status == "deferred":
                    run.deferred += 1
                else:
                    run.failed += 1
            if not listing.next_start:
                break
            start = listing.next_start
        return run

    # --- provider feedback ----------------------------------------------------------------------------

    def record_bounce(self, practice_id: str, message_id: str, permanent: bool) -> Outcome:
        """An SES bounce for one of our emails: the message shows `bounced`; a permanent bounce also stops
        email to that person (their preferences say so, and staff can see and undo it)."""
        stored = self.messages.message(practice_id, message_id)
        if stored is None:
            return Outcome(message_id=message_id, status="missing")
        reason = "permanent_bounce" if permanent else "transient_bounce"
        try:
            self.ledger.record_bounce(practice_id, message_id, clock.iso(self.now()), reason)
        except Conflict:
            return Outcome(message_id=message_id, status=stored.message.status, reason="not_sent_by_email")
        if permanent:
            self.opt_outs.set(practice_id, stored.message.recipient.key, "email", opted_out=True)
        count("NotificationsBounced")
        return Outcome(message_id=message_id, status="bounced", reason=reason)

    def _outgoing(self, message: Message, channel: str, rendered: Rendered, contact: Contact) -> Outgoing:
        person = message.recipient.key
        address = {"email": contact.email, "sms": contact.phone, "in_app": person}[channel] or ""
        text, body_html = rendered.text, rendered.html
        if channel == "email":
            link = self.links.link(OptOut(message.practice_id, person, "email"))
            text += f"\n\n--\nTo stop emails like this one: {link}"
            body_html += (f'<p style="font-size:small">To stop emails like this one, '
                          f'<a href="{html.escape(link)}">unsubscribe</a>.</p>')
        return Outgoing(practice_id=message.practice_id, message_id=message.id, person=person, address=address,
                        subject=rendered.subject, text=text, html=body_html, sms=rendered.sms,
                        requested_at=message.requested_at, source=message.source)

