"""The scheduling area's one composition root: the use cases wired to their ports, once per container for
production (DynamoDB adapters on the table, reply links signed with the page-token secret), and the same
wiring over any adapters for tests (in-memory fakes, or a second container on the same table)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from functions.core import clock
from functions.core.audit_store import AuditStore
from functions.core.container import per_container
from functions.core.ids import new_id
from functions.core.secrets import page_token_key
from functions.core.service import AuditTrail
from functions.core.settings import settings
from functions.core.table import Table
from functions.scheduling.appointments import AppointmentReads
from functions.scheduling.backfill import Backfill
from functions.scheduling.booking import Booking
from functions.scheduling.dynamo.appointments import DynamoAppointmentBook, DynamoCalendars, DynamoReminderQueue
from functions.scheduling.dynamo.licences import CompliancePractitionerLicences
from functions.scheduling.dynamo.moves import DynamoMoveBook
from functions.scheduling.dynamo.setup import DynamoAvailabilityExceptions, DynamoSchedulingSetup
from functions.scheduling.dynamo.waitlist import DynamoWaitlist
from functions.scheduling.links import MoveLinks, ReplyLinks
from functions.scheduling.moves import AppointmentMoves
from functions.scheduling.ports import (
    AppointmentBook,
    AvailabilityExceptions,
    Calendars,
    MoveBook,
    PractitionerLicences,
    ReminderQueue,
    SchedulingSetup,
    Waitlist,
)
from functions.scheduling.reminders import Reminders
from functions.scheduling.reply_links import AppointmentReplies
from functions.scheduling.reports import DayReports
from functions.scheduling.setup import PracticeSetup
from functions.scheduling.slots import SlotSearch
from functions.scheduling.waitlist import WaitlistDesk


@dataclass(frozen=True)
class Stores:
    """Every port the use cases need, and the trail audited reads are recorded in."""

    setup: SchedulingSetup
    exceptions: AvailabilityExceptions
    calendars: Calendars
    appointments: AppointmentBook
    reminders: ReminderQueue
    waitlist: Waitlist
    moves: MoveBook
    licences: PractitionerLicences  # kept by compliance
    audit: AuditTrail


@dataclass(frozen=True)
class Scheduling:
    """The area's use cases, one per concern."""

    setup: PracticeSetup
    slots: SlotSearch
    booking: Booking
    appointments: AppointmentReads
    replies: AppointmentReplies
    waitlist: WaitlistDesk
    moves: AppointmentMoves
    reminders: Reminders
    reports: DayReports
    audit: AuditTrail


def wire(stores: Stores, links: ReplyLinks | None, *, now: Callable[[], datetime] = clock.now,
         make_id: Callable[[], str] = new_id, move_links: MoveLinks | None = None) -> Scheduling:
    s = stores
    slots = SlotSearch(s.setup, s.exceptions, s.calendars, s.appointments, now=now)
    backfill = Backfill(s.setup, s.waitlist, slots, s.audit, now=now)
    booking = Booking(s.setup, s.appointments, slots, backfill, s.audit, s.licences, now=now, make_id=make_id)
    replies = AppointmentReplies(s.setup, s.appointments, booking, links, now=now)
    return Scheduling(
        setup=PracticeSetup(s.setup, s.exceptions, s.audit, now=now, make_id=make_id),
        slots=slots,
        booking=booking,
        appointments=AppointmentReads(s.setup, s.appointments, s.calendars, s.audit, now=now),
        replies=replies,
        waitlist=WaitlistDesk(s.setup, s.waitlist, booking, backfill, s.audit, now=now, make_id=make_id),
        moves=AppointmentMoves(s.setup, s.appointments, s.moves, slots, booking, move_links, s.audit, now=now),
        reminders=Reminders(s.setup, s.reminders, replies, now=now),
        reports=DayReports(s.setup, s.exceptions, s.calendars, s.audit, now=now),
        audit=s.audit,
    )


def dynamo_stores(table: Table) -> Stores:
    """The DynamoDB adapters on one table, sharing one audit store (its cached chain heads)."""
    audit = AuditStore(table)
    return Stores(setup=DynamoSchedulingSetup(table, audit), exceptions=DynamoAvailabilityExceptions(table, audit),
                  calendars=DynamoCalendars(table), appointments=DynamoAppointmentBook(table, audit),
                  reminders=DynamoReminderQueue(table, audit), waitlist=DynamoWaitlist(table, audit),
                  moves=DynamoMoveBook(table, audit), licences=CompliancePractitionerLicences(table), audit=audit)


@per_container
def scheduling() -> Scheduling:
    """One per container: the audit store caches each practice's chain head between requests."""
    url = settings().public_api_url
    return wire(dynamo_stores(Table()), ReplyLinks(page_token_key, url), move_links=MoveLinks(page_token_key, url))
