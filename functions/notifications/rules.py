"""Who may be sent what, how and when: consent, preferences, opt-outs and quiet hours, as plain functions
of plain values (the use cases feed them from the records area and the table)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from functions.core.auth import Role
from functions.notifications.models.messages import CHANNELS, Recipient
from functions.notifications.models.preferences import Preferences, QuietHours

# Channels quiet hours hold back: an email or an inbox entry does not wake anyone.
QUIET_CHANNELS = frozenset({"sms"})
# Work notices reach staff in the app whatever they choose; email is theirs to turn off.
STAFF_CHANNELS = ("in_app", "email")
# Without a communication consent on file a patient is only told in the app, where they signed in.
UNCONSENTED_CHANNELS = frozenset({"in_app"})


@dataclass(frozen=True)
class Contact:
    """What the records area says about a recipient, narrowed to what sending needs."""

    found: bool
    email: str | None = None
    phone: str | None = None
    language: str = "en"
    time_zone: str = "UTC"
    # the patient's active communication consent: the channels it allows; None when there is none
    consented_channels: frozenset[str] | None = None
    # family: an active data-sharing consent of the patient names this member
    shared_with: bool = False


@dataclass(frozen=True)
class Plan:
    channels: tuple[str, ...] = ()
    suppressed: str | None = None  # why nothing may be sent, as a code
    defer_until: datetime | None = None
    language: str = "en"
    time_zone: str = "UTC"


def quiet_until(now: datetime, time_zone: str, quiet: QuietHours | None) -> datetime | None:
    """When `now` falls inside the person's quiet hours, the UTC instant they end; else None.

    Wall-clock times in the person's zone, so a change to or from daylight saving time moves the end with
    the clocks (08:00 local is 08:00 local on the day the clocks change). An end time that does not exist
    that day (inside the spring-forward gap) resolves to the same instant one hour later on the new clock."""
    if quiet is None:
        return None
    zone = ZoneInfo(time_zone)
    local = now.astimezone(zone)
    start, end = quiet.bounds()
    wall = local.time().replace(tzinfo=None)
    if start < end:
        inside, end_day = start <= wall < end, local.date()
    else:  # spans midnight
        inside = wall >= start or wall < end
        end_day = local.date() if wall < end else local.date() + timedelta(days=1)
    if not inside:
        return None
    return datetime.combine(end_day, end, tzinfo=zone).astimezone(UTC)


def reachable(recipient: Recipient, contact: Contact) -> set[str]:
    """The channels that have somewhere to go: an address, a number, an inbox the person can sign in to."""
    channels = set()
    if contact.email:
        channels.add("email")
    if contact.phone and recipient.kind != "staff":
        channels.add("sms")
    if recipient.kind in ("patient", "staff"):
        channels.add("in_app")
    return channels


def plan(recipient: Recipient, contact: Contact, preferences: Preferences, now: datetime) -> Plan:
    """Which channels to use now, or why none, or until when to wait.

    - A recipient the records do not know (or no longer keep) gets nothing.
    - A family member or proxy gets a message only while the patient's data-sharing consent names them.
    - A patient is sent only on channels their communication consent allows (in-app only without one).
    - A contact (a supplier, the public) only on the channels their card lists.
    - An opted-out channel is never used; the person's channel order picks the first that remains.
    - Staff get work notices in-app, and by email unless they opted out of it.
    - SMS inside the person's quiet hours waits until they end (deferred, not dropped)."""
    language = preferences.language or contact.language or "en"
    time_zone = preferences.time_zone or contact.time_zone or "UTC"

    def result(**kwargs) -> Plan:
        return Plan(language=language, time_zone=time_zone, **kwargs)

    if not contact.found:
        return result(suppressed="recipient_not_found")
    if recipient.kind == "family" and not contact.shared_with:
        return result(suppressed="no_family_consent")
    available = reachable(recipient, contact) - set(preferences.opted_out)
    if recipient.kind == "staff":
        available |= {"in_app"}
        return result(channels=tuple(c for c in STAFF_CHANNELS if c in available))
    if recipient.kind == "patient":
        allowed = contact.consented_channels if contact.consented_channels is not None else UNCONSENTED_CHANNELS
        available &= set(allowed)
    if recipient.kind == "contact":  # no record, no inbox: only what they agreed to when they gave the address
        available &= set(contact.consented_channels or ())
    ranked = [*preferences.channel_order, *(c for c in CHANNELS if c not in preferences.channel_order)]
    chosen = next((c for c in ranked if c in available), None)
    if chosen is None:
        return result(suppressed="no_permitted_channel")
    if chosen in QUIET_CHANNELS:
        until = quiet_until(now, time_zone, preferences.quiet_hours)
        if until is not None:
            return result(channels=(chosen,), defer_until=until)
    return result(channels=(chosen,))


# --- what people may send through the API -----------------------------------------------------------

# A message sent through the API fills a template with the sender's own words and leaves from the practice's
# address, so each person has a daily allowance by role (the largest of their roles'): enough for a day's
# calls and notices, too few for a mailing list (workshops and campaigns have their own audience rules).
# A patient sends nothing to anyone else.
DAILY_MESSAGES: Mapping[str, int] = {Role.COORDINATOR: 500, Role.PRACTITIONER: 200, Role.FRONT_DESK: 50}
# Templates only the system fills: their links must be the ones it signs, never a caller's.
SYSTEM_TEMPLATES = frozenset({"appointment.reminder.reply"})
# Templates with a route of their own, which checks who may send them and to whom.
OWN_ROUTE_TEMPLATES: Mapping[str, str] = {"care.instructions": "POST /messages/care-instructions"}


@dataclass(frozen=True)
class Allowance:
    """`count` more messages by one sender on one day (UTC), against the day's `limit`."""

    user_id: str
    day: str
    limit: int
    count: int


def daily_allowance(roles: Iterable[str], limits: Mapping[str, int] = DAILY_MESSAGES) -> int:
    return max((limits.get(role, 0) for role in roles), default=0)


def template_refusal(template: str) -> str | None:
    """Why a person may not send this template through POST /messages, or None."""
    if template in SYSTEM_TEMPLATES:
        return "only the practice's own reminders use this template"
    if template in OWN_ROUTE_TEMPLATES:
        return f"send this with {OWN_ROUTE_TEMPLATES[template]}"
    return None


# --- inbound SMS keywords (the carriers' and AWS's standard set) ----------------------------------

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "OPT-OUT"})
START_WORDS = frozenset({"START", "UNSTOP", "YES", "OPTIN", "OPT-IN"})


def sms_keyword(body: str) -> str | None:
    """'stop' for an opt-out reply, 'start' for an opt-in, None for anything else (which we do not read)."""
    words = body.strip().upper().split()
    first = words[0].strip(".!") if words else ""
    if first in STOP_WORDS:
        return "stop"
    if first in START_WORDS:
        return "start"
    return None
