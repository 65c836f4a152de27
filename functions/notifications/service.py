"""The notifications rules in motion: accept a request, decide by consent, preferences and quiet hours,
render, and deliver exactly once; and the staff and patient operations behind the API. Storage, the records
area and the providers come in as ports, so nothing here talks to AWS.

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

import hashlib
import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from aws_lambda_powertools.metrics import MetricUnit

from functions.core import clock, pagination
from functions.core.audit import AuditDraft, draft
from functions.core.auth import ALL_STAFF, CLINICAL_STAFF, Caller, Role, require, require_self_or
from functions.core.errors import Conflict, Forbidden, Invalid, NotFound, TooManyRequests
from functions.core.events import DomainEvent
from functions.core.ids import new_id
from functions.core.observability import log_unhandled, logger, metrics
from functions.core.service import AreaService
from functions.core.table import Item, Page
from functions.notifications import rules, templates
from functions.notifications.channels import Channel, Outgoing
from functions.notifications.links import OptOut, OptOutLinks
from functions.notifications.models import (
    FINAL,
    Accepted,
    AlreadyRequested,
    CareInstructionsIn,
    Data,
    DeliveryFailed,
    InboxItem,
    InboxPage,
    LogEntry,
    Message,
    MessageIn,
    MessagePage,
    NotificationRequest,
    OptOutResult,
    Outcome,
    Preferences,
    PreferencesIn,
    Recipient,
    Rendered,
    Source,
    Template,
    TemplateIn,
    TemplateList,
    TransientFailure,
    person_ref,
)
from functions.notifications.request import REQUESTED
from functions.notifications.rules import Allowance, Contact

MAX_ATTEMPTS = 3  # the first invocation and Lambda's two asynchronous retries
SCHEDULED_ATTEMPTS = 5  # a deferred message, retried by the job
RETRY_BACKOFF = timedelta(minutes=15)
STALE_CLAIM = timedelta(minutes=5)  # longer than the worker may run: a claim this old was abandoned
GAVE_UP = "gave_up"  # a channel's last attempt failed in passing: settled failed, and the event dead-lettered

# Who may do what, in one place; the API's guards read these.
TEMPLATE_READERS = ALL_STAFF
TEMPLATE_EDITORS = frozenset({Role.COORDINATOR})
SENDERS = CLINICAL_STAFF
CARE_INSTRUCTION_SENDERS = frozenset({Role.PRACTITIONER})
LOG_READERS = CLINICAL_STAFF  # + a patient, for messages to themself
PREFERENCE_EDITORS = frozenset({Role.COORDINATOR, Role.FRONT_DESK})  # + the person themself


class InFlight(TransientFailure):
    """Another invocation holds this delivery's claim: look again later."""


# --- ports -------------------------------------------------------------------------------------------

class StoredMessage(Protocol):
    message: Message
    payload: dict[str, Any] | None
    fingerprint: str


class NotificationsRepo(Protocol):
    def create_message(self, message: Message, payload: dict[str, Any], fingerprint: str) -> bool: ...
    def request_messages(self, messages: Sequence[tuple[Message, dict[str, Any], str]], audit: AuditDraft,
                         event: DomainEvent, allowance: Allowance | None = None) -> None: ...
    def message(self, practice_id: str, message_id: str) -> StoredMessage | None: ...
    def claim(self, practice_id: str, message_id: str, channel: str, attempt: int, at: str) -> bool: ...
    def record_sent(self, practice_id: str, message_id: str, channel: str, attempt: int, at: str,
                    provider_id: str | None) -> None: ...
    def record_attempt_failed(self, practice_id: str, message_id: str, channel: str, attempt: int, at: str,
                              reason: str, final: bool) -> None: ...
    def record_uncertain(self, practice_id: str, message_id: str, channel: str, attempt: int, at: str) -> None: ...
    def settle(self, practice_id: str, message_id: str, status: str, at: str, reason: str | None = None,
               channels: Sequence[str] = ()) -> None: ...
    def defer(self, practice_id: str, message_id: str, until: str, at: str, reason: str,
              channels: Sequence[str] = ()) -> None: ...
    def record_bounce(self, practice_id: str, message_id: str, at: str, reason: str) -> None: ...
    def due(self, practice_id: str, now: str, limit: int = 100, start_key: Item | None = None) -> Page: ...
    def by_recipient(self, practice_id: str, person: str, limit: int, start_key: Item | None) -> Page: ...
    def by_source(self, practice_id: str, source: Source, limit: int, start_key: Item | None) -> Page: ...
    def template(self, practice_id: str, key: str, language: str) -> Template | None: ...
    def templates(self, practice_id: str) -> list[Template]: ...
    def put_template(self, practice_id: str, template: Template, expected_version: int | None) -> None: ...
    def preferences(self, practice_id: str, person: str) -> Preferences | None: ...
    def put_preferences(self, practice_id: str, preferences: Preferences, expected_version: int | None) -> None: ...
    def inbox(self, practice_id: str, person: str, limit: int, start_key: Item | None) -> Page: ...
    def mark_read(self, practice_id: str, person: str, requested_at: str, message_id: str, at: str) -> None: ...


class RecipientDirectory(Protocol):
    """What notifications needs from the records area and the practice's staff records."""

    def contact(self, practice_id: str, recipient: Recipient) -> Contact: ...
    def consented_family(self, practice_id: str, patient_id: str) -> list[str]: ...
    def patients_with_phone(self, practice_id: str, phone: str) -> list[str]: ...


@dataclass
class DueRun:
    due: int = 0
    sent: int = 0
    deferred: int = 0
    failed: int = 0
    errors: int = 0


def _count(name: str, value: int = 1) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


class NotificationService(AreaService):
    def __init__(self, repo: NotificationsRepo, directory: RecipientDirectory, channels: Mapping[str, Channel],
                 links: OptOutLinks, page_key: Callable[[], bytes], now: Callable[[], datetime] = clock.now,
                 make_id: Callable[[], str] = new_id, daily_messages: Mapping[str, int] = rules.DAILY_MESSAGES) -> None:
        self.repo = repo
        self.daily_messages = daily_messages
        self.audit = repo.audit
        self.directory = directory
        self.channels = channels
        self.links = links
        self.page_key = page_key
        self.now = now
        self.make_id = make_id

    # --- the worker: requests in, messages out -------------------------------------------------------

    def accept(self, request: NotificationRequest) -> Outcome:
        """A request from an event or a workflow: the message is made (once), then delivered."""
        at = self._at()
        message = self._new_message(request, at)
        if not self.repo.create_message(message, dict(request.data), request.fingerprint()):
            stored = self.repo.message(request.practice_id, message.id)
            if stored is not None and stored.fingerprint != request.fingerprint():
                logger.error("idempotency key reused for a different notification",
                             extra={"practice_id": request.practice_id, "message_id": message.id})
                _count("NotificationKeyReused")
                return Outcome(message_id=message.id, status=stored.message.status, reason="idempotency_key_reused")
        return self.deliver(request.practice_id, message.id)

    def deliver(self, practice_id: str, message_id: str, scheduled: bool = False) -> Outcome:
        """Take one message as far as it can go now. Raises TransientFailure when a retry should follow
        (not when `scheduled`: the job re-defers instead)."""
        stored = self.repo.message(practice_id, message_id)
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
        plan = rules.plan(message.recipient, contact, self._preferences(practice_id, message.recipient.key), now)
        if plan.suppressed:
            return self._settle(message, "suppressed", at, plan.suppressed)
        if plan.defer_until is not None:
            return self._defer(message, plan.defer_until, at, "quiet_hours", plan.channels)
        try:
            rendered = templates.render(self._template(practice_id, message.template, plan.language),
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
            self.repo.record_uncertain(practice_id, message_id, channel, existing.attempts, at)
            logger.error("notification outcome unknown; not resent",
                         extra={"practice_id": practice_id, "message_id": message_id, "channel": channel})
            _count("NotificationsUncertain")
            return "uncertain"
        attempt = (existing.attempts if existing else 0) + 1
        if not self.repo.claim(practice_id, message_id, channel, attempt, at):
            raise InFlight("claim_lost")
        try:
            provider_id = self.channels[channel].send(self._outgoing(message, channel, rendered, contact))
        except DeliveryFailed as failure:
            final = not failure.transient or attempt >= max_attempts
            self.repo.record_attempt_failed(practice_id, message_id, channel, attempt, at, failure.reason, final)
            logger.warning("notification attempt failed", extra={
                "practice_id": practice_id, "message_id": message_id, "channel": channel, "attempt": attempt,
                "reason": failure.reason, "final": final})
            if failure.transient and not final:
                raise
            return GAVE_UP if failure.transient else "failed"
        self.repo.record_sent(practice_id, message_id, channel, attempt, at, provider_id)
        _count("NotificationsSent")
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
            fresh = self.repo.message(message.practice_id, message.id)
            reasons = [d.reason for d in (fresh.message.deliveries if fresh else []) if d.reason]
            reason = reasons[0] if reasons else "not_delivered"
        return self._settle(message, status, at, reason, channels)

    def _settle(self, message: Message, status: str, at: str, reason: str | None,
                channels: Sequence[str] = ()) -> Outcome:
        self.repo.settle(message.practice_id, message.id, status, at, reason, channels)
        if status != "sent":
            _count("NotificationsFailed" if status == "failed" else "NotificationsSuppressed")
            logger.info("notification settled", extra={"practice_id": message.practice_id,
                                                       "message_id": message.id, "status": status, "reason": reason})
        return Outcome(message_id=message.id, status=status, reason=reason)

    def _defer(self, message: Message, until: datetime, at: str, reason: str, channels: Sequence[str]) -> Outcome:
        if message.attempts >= SCHEDULED_ATTEMPTS:
            return self._settle(message, "failed", at, reason)
        self.repo.defer(message.practice_id, message.id, clock.iso(until), at, reason, channels)
        _count("NotificationsDeferred")
        return Outcome(message_id=message.id, status="deferred", reason=reason)

    def send_due(self, practice_id: str, page_size: int = 100, max_messages: int = 1000) -> DueRun:
        """Deferred messages of one practice whose time has come, oldest first (the job's work)."""
        run = DueRun()
        start_key = None
        now = self._at()
        while run.due < max_messages:
            page = self.repo.due(practice_id, now, limit=page_size, start_key=start_key)
            for item in page.items:
                run.due += 1
                try:
                    outcome = self.deliver(practice_id, item["id"], scheduled=True)
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
            if not page.last_key:
                break
            start_key = page.last_key
        return run

    # --- provider feedback -----------------------------------------------------------------------------

    def record_bounce(self, practice_id: str, message_id: str, permanent: bool) -> Outcome:
        """An SES bounce for one of our emails: the message shows `bounced`; a permanent bounce also stops
        email to that person (their preferences say so, and staff can see and undo it)."""
        stored = self.repo.message(practice_id, message_id)
        if stored is None:
            return Outcome(message_id=message_id, status="missing")
        reason = "permanent_bounce" if permanent else "transient_bounce"
        try:
            self.repo.record_bounce(practice_id, message_id, self._at(), reason)
        except Conflict:
            return Outcome(message_id=message_id, status=stored.message.status, reason="not_sent_by_email")
        if permanent:
            self._set_opted_out(practice_id, stored.message.recipient.key, "email", True)
        _count("NotificationsBounced")
        return Outcome(message_id=message_id, status="bounced", reason=reason)

    def inbound_sms(self, practice_ids: Sequence[str], phone: str, body: str) -> int:
        """A reply to our SMS: STOP opts the number's patients out of SMS, START back in. Anything else is
        not read. Returns how many people changed."""
        keyword = rules.sms_keyword(body)
        if keyword is None:
            return 0
        changed = 0
        for practice_id in practice_ids:
            for patient_id in self.directory.patients_with_phone(practice_id, phone):
                self._set_opted_out(practice_id, f"PATIENT#{patient_id}", "sms", keyword == "stop")
                changed += 1
        logger.info("sms keyword", extra={"keyword": keyword, "people": changed})
        return changed

    def opt_out(self, token: str) -> OptOutResult:
        """The link in a message: no sign-in, the signed token says who and which channel."""
        link = self.links.verify(token)
        self._set_opted_out(link.practice_id, link.person, link.channel, True)
        return OptOutResult(channel=link.channel, opted_out=True)

    def describe_opt_out(self, token: str) -> OptOutResult:
        link = self.links.verify(token)
        preferences = self._preferences(link.practice_id, link.person)
        return OptOutResult(channel=link.channel, opted_out=link.channel in preferences.opted_out)

    def _set_opted_out(self, practice_id: str, person: str, channel: str, opted_out: bool) -> None:
        for _ in range(3):
            current = self._preferences(practice_id, person)
            wanted = set(current.opted_out) | {channel} if opted_out else set(current.opted_out) - {channel}
            if wanted == set(current.opted_out):
                return
            updated = current.model_copy(update={
                "opted_out": [c for c in ("email", "sms", "in_app") if c in wanted],
                "version": current.version + 1, "updated_at": self._at()})
            try:
                self.repo.put_preferences(practice_id, updated, current.version or None)
                return
            except Conflict:
                continue
        raise Conflict("the preferences are changing; retry", code="preferences_busy")

    # --- templates ------------------------------------------------------------------------------------

    def _template(self, practice_id: str, key: str, language: str) -> Template:
        for candidate in templates.languages_to_try(language):
            found = self.repo.template(practice_id, key, candidate) or templates.builtin(key, candidate)
            if found is not None:
                return found
        raise NotFound("no such template", code="template_not_found")

    def list_templates(self, caller: Caller) -> TemplateList:
        require(caller, TEMPLATE_READERS)
        own = self.repo.templates(caller.practice_id)
        mine = {(t.key, t.language) for t in own}
        builtins = [t for k, t in templates.BUILTIN.items() if k not in mine]
        return TemplateList(templates=sorted([*own, *builtins], key=lambda t: (t.key, t.language)))

    def read_template(self, caller: Caller, key: str, language: str) -> Template:
        require(caller, TEMPLATE_READERS)
        found = self.repo.template(caller.practice_id, key, language) or templates.builtin(key, language)
        if found is None:
            raise NotFound("no such template", code="template_not_found")
        return found

    def save_template(self, caller: Caller, key: str, language: str, body: TemplateIn,
                      expected_version: int) -> Template:
        """`expected_version` is the version read: 0 for a built-in (or no) template, so this saves the first."""
        require(caller, TEMPLATE_EDITORS)
        templates.check(body)
        template = Template(key=key, language=language, subject=body.subject, text=body.text, html=body.html,
                            sms=body.sms, version=expected_version + 1, updated_at=self._at())
        self.repo.put_template(caller.practice_id, template, expected_version or None)
        logger.info("template saved", extra={"template": key, "language": language, "version": template.version})
        return template

    def preview(self, caller: Caller, key: str, language: str, data: Data) -> Rendered:
        return templates.render(self.read_template(caller, key, language), data)

    # --- preferences ----------------------------------------------------------------------------------

    def _preferences(self, practice_id: str, person: str) -> Preferences:
        return self.repo.preferences(practice_id, person) or Preferences(person=person)

    def _person(self, caller: Caller, ref: str | None) -> str:
        """The person whose preferences a caller may see or change: their own, or (staff) a patient's or a
        family member's; a patient may manage their own only."""
        if ref is None:
            if caller.is_patient:
                return Recipient(kind="patient", patient_id=caller.patient_id).key
            return Recipient(kind="staff", user_id=caller.user_id).key
        try:
            person = Recipient.parse_ref(ref)
        except ValueError as error:
            raise Invalid(str(error), code="invalid_person") from None
        if person.kind == "staff":
            if person.user_id != caller.user_id:
                require(caller, {Role.COORDINATOR})
            return person.key
        if person.kind == "patient":
            require_self_or(caller, person.patient_id or "", PREFERENCE_EDITORS)
        else:
            require(caller, PREFERENCE_EDITORS)
        if not self.directory.contact(caller.practice_id, person).found:
            raise NotFound("no such person", code="person_not_found")
        return person.key

    def read_preferences(self, caller: Caller, ref: str | None = None) -> Preferences:
        person = self._person(caller, ref)
        if (subject := _patient_of(person)) is not None:  # a patient's or their family's; a staff user's is not PHI
            self._audit_read(caller, "preferences.read", "PREFERENCES", person_ref(person), subject)
        return self._preferences(caller.practice_id, person)

    def save_preferences(self, caller: Caller, body: PreferencesIn, ref: str | None = None,
                         expected_version: int = 0) -> Preferences:
        """`expected_version` is the version read: 0 for the defaults, never saved."""
        person = self._person(caller, ref)
        preferences = Preferences(person=person, **body.model_dump(), version=expected_version + 1,
                                  updated_at=self._at())
        self.repo.put_preferences(caller.practice_id, preferences, expected_version or None)
        return preferences

    # --- sending from the API -------------------------------------------------------------------------

    def send(self, caller: Caller, body: MessageIn, idempotency_key: str | None) -> Accepted:
        """A message a person writes: to a patient, a family member the patient's consent names, or a member
        of staff, each reached at the address the practice keeps for them; within the sender's daily
        allowance."""
        require(caller, SENDERS)
        refusal = rules.template_refusal(body.template)
        if refusal:
            raise Forbidden(refusal, code="template_not_allowed")
        contact = self.directory.contact(caller.practice_id, body.recipient)
        if not contact.found:
            raise NotFound("no such recipient", code="recipient_not_found")
        if body.recipient.kind == "family" and not contact.shared_with:
            raise Forbidden("the patient's data-sharing consent does not name this family member",
                            code="no_family_consent")
        key = idempotency_key or self.make_id()
        # derived from the key, not drawn: a retry must be the same request, or it reads as the key reused
        source = body.source or Source(area="notifications", entity="message", entity_id=_digest(key))
        request = self._request(caller, body.recipient, body.template, dict(body.data), source, key)
        self._template(caller.practice_id, body.template, "en")  # an unknown template is the caller's 404 now
        return self._request_stored(caller, [request], "notification.send", body.recipient.patient_id)

    def send_care_instructions(self, caller: Caller, body: CareInstructionsIn,
                               idempotency_key: str | None) -> Accepted:
        """After-visit instructions to the patient, and to the family members the patient's data-sharing
        consent names (asked for here, checked again when each message goes)."""
        require(caller, CARE_INSTRUCTION_SENDERS)
        patient = Recipient(kind="patient", patient_id=body.patient_id)
        if not self.directory.contact(caller.practice_id, patient).found:
            raise NotFound("no such patient", code="patient_not_found")
        recipients = [patient]
        if body.include_family:
            recipients += [Recipient(kind="family", patient_id=body.patient_id, member_id=member_id)
                           for member_id in self.directory.consented_family(caller.practice_id, body.patient_id)]
        source = (Source(area="scheduling", entity="appointment", entity_id=body.appointment_id)
                  if body.appointment_id else
                  Source(area="notifications", entity="care_instructions", entity_id=self.make_id()))
        key = idempotency_key or self.make_id()
        requests = [self._request(caller, r, "care.instructions", {"instructions": body.instructions}, source, key)
                    for r in recipients]
        return self._request_stored(caller, requests, "care_instructions.send", body.patient_id)

    def _request(self, caller: Caller, recipient: Recipient, template: str, data: dict[str, Any], source: Source,
                 idempotency_key: str | None) -> NotificationRequest:
        return NotificationRequest(practice_id=caller.practice_id, recipient=recipient, template=template, data=data,
                                   source=source, idempotency_key=idempotency_key or self.make_id())

    def _request_stored(self, caller: Caller, requests: list[NotificationRequest], action: str,
                        subject_patient_id: str | None) -> Accepted:
        """The messages (with their data) in the table, the audit entry and one event naming them, in one
        transaction: the event carries ids only, so no health detail travels on the bus."""
        now = self.now()
        at = clock.iso(now)
        allowance = self._allowance(caller, len(requests), now)
        messages = [(self._new_message(r, at), dict(r.data), r.fingerprint()) for r in requests]
        ids = [m.id for m, _, _ in messages]
        event = DomainEvent(type=REQUESTED, practice_id=caller.practice_id, entity_id=ids[0],
                            data={"stored": ids}, occurred_at=at)
        audit = draft(caller, action, "NOTIFICATION", ids[0], at, subject_patient_id=subject_patient_id)
        try:
            self.repo.request_messages(messages, audit, event, allowance)
        except AlreadyRequested:
            first = self.repo.message(caller.practice_id, ids[0])
            if first is None or first.fingerprint != requests[0].fingerprint():
                raise Invalid("this Idempotency-Key was used for a different request",
                              code="idempotency_key_reused") from None
            kept = [(r, m) for r, (m, _, _) in zip(requests, messages, strict=True)
                    if self.repo.message(caller.practice_id, m.id) is not None]
            return Accepted(message_ids=[m.id for _, m in kept], recipients=[r.recipient.ref for r, _ in kept])
        logger.info("notifications requested", extra={"practice_id": caller.practice_id, "messages": ids})
        return Accepted(message_ids=ids, recipients=[r.recipient.ref for r in requests])

    def _allowance(self, caller: Caller, count: int, now: datetime) -> Allowance:
        limit = rules.daily_allowance(caller.roles, self.daily_messages)
        day = now.astimezone(UTC).date().isoformat()
        if count > limit:
            _count("NotificationsOverAllowance")
            raise TooManyRequests(f"your role may send {limit} messages in a day; this request has {count}",
                                  {"limit": limit, "day": day}, code="daily_message_limit")
        return Allowance(user_id=caller.user_id, day=day, limit=limit, count=count)

    # --- the delivery log -----------------------------------------------------------------------------

    def log(self, caller: Caller, recipient: str | None, source: str | None, limit: int,
            page_token: str | None) -> MessagePage:
        if (recipient is None) == (source is None):
            raise Invalid("list by one of: recipient, source", code="invalid_query")
        try:
            if recipient is not None:
                person = Recipient.parse_ref(recipient)
                query = f"notifications.to.{_digest(person.key)}"
            else:
                origin = Source.parse_ref(source or "")
                query = f"notifications.source.{_digest(origin.key)}"
        except ValueError as error:
            raise Invalid(str(error).splitlines()[0], code="invalid_query") from None
        if caller.is_patient:
            if recipient is None or person.key != f"PATIENT#{caller.patient_id}":
                raise Forbidden("you may only see messages to yourself",
                                subject_patient_id=person.patient_id if recipient is not None else None)
        else:
            require(caller, LOG_READERS)
        start = pagination.decode(page_token, practice_id=caller.practice_id, query=query, key=self.page_key)
        if recipient is not None:
            page = self.repo.by_recipient(caller.practice_id, person.key, limit, start)
        else:
            page = self.repo.by_source(caller.practice_id, origin, limit, start)
        messages = [Message.model_validate(item) for item in page.items]
        token = pagination.encode(page.last_key, practice_id=caller.practice_id, query=query, key=self.page_key())
        if recipient is not None:
            self._audit_read(caller, "message.list", "RECIPIENT", person.ref, person.patient_id)
        else:  # messages about one appointment or visit: maybe several people's, so no one subject
            self._audit_read(caller, "message.list", "SOURCE", str(source), None)
        return MessagePage(messages=messages, next_page_token=token)

    def read_message(self, caller: Caller, message_id: str) -> Message:
        stored = self.repo.message(caller.practice_id, message_id)
        if stored is None:
            raise NotFound("no such message", code="message_not_found")
        message = stored.message
        subject = message.recipient.patient_id
        if caller.is_patient:
            if message.recipient.key != f"PATIENT#{caller.patient_id}":
                raise NotFound("no such message", code="message_not_found", subject_patient_id=subject)
        else:
            require(caller, LOG_READERS)
        self._audit_read(caller, "message.read", "MESSAGE", message.id, subject)
        return message

    # --- the inbox ------------------------------------------------------------------------------------

    def _own_person(self, caller: Caller) -> str:
        return self._person(caller, None)

    def inbox(self, caller: Caller, limit: int, page_token: str | None) -> InboxPage:
        person = self._own_person(caller)
        query = f"notifications.inbox.{_digest(person)}"
        start = pagination.decode(page_token, practice_id=caller.practice_id, query=query, key=self.page_key)
        page = self.repo.inbox(caller.practice_id, person, limit, start)
        token = pagination.encode(page.last_key, practice_id=caller.practice_id, query=query, key=self.page_key())
        if (subject := _patient_of(person)) is not None:
            self._audit_read(caller, "inbox.read", "PATIENT", subject, subject)
        return InboxPage(items=[InboxItem.model_validate(item) for item in page.items], next_page_token=token)

    def mark_read(self, caller: Caller, message_id: str) -> None:
        person = self._own_person(caller)
        stored = self.repo.message(caller.practice_id, message_id)
        if stored is None or stored.message.recipient.key != person:
            raise NotFound("no such message in your inbox", code="inbox_item_not_found",
                           subject_patient_id=stored.message.recipient.patient_id if stored else None)
        self.repo.mark_read(caller.practice_id, person, stored.message.requested_at, message_id, self._at())

    # --- shared ---------------------------------------------------------------------------------------

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

    def _new_message(self, request: NotificationRequest, at: str) -> Message:
        return Message(id=request.message_id, practice_id=request.practice_id, recipient=request.recipient,
                       template=request.template, source=request.source, status="requested", requested_at=at,
                       history=[LogEntry(status="requested", at=at)])


def _patient_of(person_key: str) -> str | None:
    """The patient whose data a person's messages and preferences are: PATIENT#p and FAMILY#p#m are p's."""
    kind, _, rest = person_key.partition("#")
    return rest.split("#")[0] if kind in ("PATIENT", "FAMILY") else None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]
