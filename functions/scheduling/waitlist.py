"""The waitlist: a patient asks for an earlier time (a type, maybe a practitioner, a window of dates), is
offered a freed time, and accepts (booked in the same transaction), declines or lets it lapse."""

from collections.abc import Callable
from datetime import datetime

from functions.core import clock
from functions.core.auth import Caller
from functions.core.errors import Conflict, Invalid, PreconditionFailed, stale
from functions.core.ids import new_id
from functions.core.service import AreaService, AuditTrail
from functions.core.types import ExpectedVersion
from functions.scheduling import access, slot_rules
from functions.scheduling.backfill import Backfill
from functions.scheduling.booking import Booking
from functions.scheduling.models.appointments import Appointment
from functions.scheduling.models.waitlist import WaitlistEntry, WaitlistIn, WaitlistList
from functions.scheduling.ports import Filled, SchedulingSetup, Waitlist

READ = "scheduling.waitlist.read"
CHANGE = "scheduling.waitlist.change"
OPEN = ("waiting", "offered")


class WaitlistDesk(AreaService):
    def __init__(self, setup: SchedulingSetup, waitlist: Waitlist, booking: Booking, backfill: Backfill,
                 audit: AuditTrail, *, now: Callable[[], datetime] = clock.now,
                 make_id: Callable[[], str] = new_id) -> None:
        self.setup = setup
        self.waitlist = waitlist
        self.booking = booking
        self.backfill = backfill
        self.audit = audit
        self.now = now
        self.make_id = make_id

    def join(self, caller: Caller, body: WaitlistIn) -> WaitlistEntry:
        patient_id = access.patient_for(caller, CHANGE, body.patient_id)
        setup = self.setup.current(caller.practice_id)
        kind = setup.active_type(body.type_id)
        if body.practitioner_id:
            setup.practitioner_for(kind, body.practitioner_id)
        if body.latest < slot_rules.local_day(self.now(), setup.zone):
            raise Invalid("the window is in the past", code="window_in_past")
        at = self._at()
        entry = WaitlistEntry(**body.model_dump(exclude={"patient_id"}), patient_id=patient_id, id=self.make_id(),
                              status="waiting", created_at=at, version=1, updated_at=at)
        self.waitlist.save(caller.practice_id, entry, None,
                           self._draft(caller, "waitlist.join", "WAITLIST_ENTRY", entry.id, patient_id))
        return entry

    def entries(self, caller: Caller) -> WaitlistList:
        """Open entries: a patient's own, or every patient's for the desk."""
        access.may_act(caller, READ)
        entries = self.waitlist.entries(caller.practice_id)
        if caller.is_patient:
            entries = [e for e in entries if e.patient_id == caller.patient_id]
            self.audit.record(self._draft(caller, "waitlist.list", "PATIENT", caller.patient_id, caller.patient_id))
        else:
            self.audit.record(self._draft(caller, "waitlist.list", "WAITLIST", "all", None))
        return WaitlistList(entries=[e for e in entries if e.status in OPEN])

    def withdraw(self, caller: Caller, entry_id: str) -> WaitlistEntry:
        entry = access.entry_for(self.waitlist, caller, CHANGE, entry_id)
        if entry.status not in OPEN:
            raise Conflict(f"a {entry.status} entry cannot be withdrawn", code="invalid_transition")
        updated = self._next(entry, status="withdrawn", offer=None)
        self.waitlist.save(caller.practice_id, updated, entry.version,
                           self._draft(caller, "waitlist.withdraw", "WAITLIST_ENTRY", entry.id, entry.patient_id))
        if entry.offer:
            self.backfill.offer_freed_time(caller.practice_id, entry.offer.practitioner_id, entry.offer.start)
        return updated

    def accept(self, caller: Caller, entry_id: str, expected: ExpectedVersion) -> Appointment:
        """Book the offered time for the entry's patient, in the transaction that marks the entry booked."""
        entry = self._offered(caller, entry_id, expected)
        if datetime.fromisoformat(entry.offer.expires_at) <= self.now():
            raise Conflict("the offer has expired", code="offer_expired")

        def fills(appointment: Appointment) -> Filled:
            return Filled(self._next(entry, status="booked", appointment_id=appointment.id), entry.version)

        try:
            return self.booking.book_for(caller, entry.type_id, entry.offer.practitioner_id,
                                         datetime.fromisoformat(entry.offer.start), entry.patient_id, fills=fills)
        except Conflict as conflict:
            if isinstance(conflict, PreconditionFailed):
                raise
            self.waitlist.save(caller.practice_id, self._next(entry, status="waiting", offer=None), entry.version,
                               self._draft(caller, "waitlist.offer_lost", "WAITLIST_ENTRY", entry.id,
                                           entry.patient_id))
            raise Conflict("the offered time was taken meanwhile; you stay on the waitlist",
                           code="offer_taken") from None

    def decline(self, caller: Caller, entry_id: str, expected: ExpectedVersion) -> WaitlistEntry:
        entry = self._offered(caller, entry_id, expected)
        waiting = self._next(entry, status="waiting", offer=None)
        self.waitlist.save(caller.practice_id, waiting, entry.version,
                           self._draft(caller, "waitlist.decline", "WAITLIST_ENTRY", entry.id, entry.patient_id))
        self.backfill.offer_freed_time(caller.practice_id, entry.offer.practitioner_id, entry.offer.start)
        return waiting

    def expire_offers(self, practice_id: str) -> int:
        """The scheduled job: each offer past its expiry goes back to waiting, and its time to the next."""
        system = Caller(user_id="system:scheduling-jobs", practice_id=practice_id, roles=frozenset(),
                        request_id="expire_waitlist_offers")
        expired = 0
        for entry in self.waitlist.expired_offers(practice_id, self.now()):
            if entry.offer is None:
                continue
            try:
                self.waitlist.save(practice_id, self._next(entry, status="waiting", offer=None), entry.version,
                                   self._draft(system, "waitlist.offer_expired", "WAITLIST_ENTRY", entry.id,
                                               entry.patient_id))
            except Conflict:
                continue  # accepted, declined or withdrawn meanwhile
            expired += 1
            self.backfill.offer_freed_time(practice_id, entry.offer.practitioner_id, entry.offer.start)
        return expired

    def _offered(self, caller: Caller, entry_id: str, expected: ExpectedVersion) -> WaitlistEntry:
        # Whose entry it is decides who may change it, so If-Match is judged once the entry is theirs.
        entry = access.entry_for(self.waitlist, caller, CHANGE, entry_id)
        version = expected()
        if entry.status != "offered" or entry.offer is None:
            raise Conflict("there is no open offer on this entry", code="no_offer")
        if entry.version != version:
            raise stale("waitlist entry")
        return entry

    def _next(self, entry: WaitlistEntry, **changes) -> WaitlistEntry:
        return entry.model_copy(update={**changes, "version": entry.version + 1, "updated_at": self._at()})
