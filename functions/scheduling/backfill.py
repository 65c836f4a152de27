"""Offering a freed time to the waitlist: the first waiting entry it suits gets an offer (and a message),
first come first served; an offer not taken in time passes to the next."""

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from functions.core import clock
from functions.core.auth import Caller
from functions.core.errors import Conflict, DomainError
from functions.core.observability import logger
from functions.core.service import AreaService, AuditTrail
from functions.notifications.request import notification_requested
from functions.scheduling import slot_rules
from functions.scheduling.models.waitlist import Offer, WaitlistEntry
from functions.scheduling.ports import SchedulingSetup, Waitlist
from functions.scheduling.slots import SlotSearch

OFFER_TEMPLATE = "message.general"
OFFERED_SLOTS_KEPT = 50


def local_text(moment: datetime, zone: ZoneInfo) -> str:
    """How a message writes a time: "Mon 9 Mar 2026, 09:30" in the practice's zone."""
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


class Backfill(AreaService):
    def __init__(self, setup: SchedulingSetup, waitlist: Waitlist, slots: SlotSearch, audit: AuditTrail, *,
                 now: Callable[[], datetime] = clock.now) -> None:
        self.setup = setup
        self.waitlist = waitlist
        self.slots = slots
        self.audit = audit
        self.now = now

    def offer_freed_time(self, practice_id: str, practitioner_id: str, start: str) -> WaitlistEntry | None:
        """Best effort after the change that freed the time: a failure here is logged and the time stays free
        for anyone to book."""
        try:
            return self._offer(practice_id, practitioner_id, datetime.fromisoformat(start))
        except DomainError as error:
            logger.warning("waitlist backfill skipped", extra={"code": error.code})
            return None

    def _offer(self, practice_id: str, practitioner_id: str, start: datetime) -> WaitlistEntry | None:
        now = self.now()
        if start <= now:
            return None
        waiting = [e for e in self.waitlist.entries(practice_id) if e.status == "waiting"]
        if not waiting:
            return None
        setup = self.setup.current(practice_id)
        zone = setup.zone
        slot_key = f"{practitioner_id}@{clock.iso(start)}"
        system = Caller(user_id="system:scheduling", practice_id=practice_id, roles=frozenset(),
                        request_id="waitlist-backfill")
        for entry in waiting:  # oldest first (ULIDs sort by time)
            if slot_key in entry.offered_slots or entry.practitioner_id not in (None, practitioner_id):
                continue
            if not entry.earliest <= slot_rules.local_day(start, zone) <= entry.latest:
                continue
            kind = setup.types.get(entry.type_id)
            practitioner = setup.practitioners.get(practitioner_id)
            if kind is None or not kind.active or practitioner is None or practitioner_id not in kind.practitioner_ids:
                continue
            try:
                slot = self.slots.slot_at(practice_id, setup, kind, practitioner, start)
            except DomainError:
                continue
            expires = min(now + timedelta(minutes=setup.policy.offer_expiry_minutes), start)
            offer = Offer(practitioner_id=practitioner_id, start=clock.iso(slot.start), end=clock.iso(slot.end),
                          room_id=slot.room_id, offered_at=clock.iso(now), expires_at=clock.iso(expires))
            offered = entry.model_copy(update={"status": "offered", "offer": offer,
                                               "offered_slots": [*entry.offered_slots, slot_key][-OFFERED_SLOTS_KEPT:],
                                               "version": entry.version + 1, "updated_at": clock.iso(now)})
            message = notification_requested(
                practice_id=practice_id, recipient={"kind": "patient", "patient_id": entry.patient_id},
                template=OFFER_TEMPLATE,
                source={"area": "scheduling", "entity": "waitlist_entry", "entity_id": entry.id},
                idempotency_key=f"waitlist-offer-{entry.id}-{offered.version}",
                data={"subject": f"An earlier appointment at {setup.policy.practice_name}",
                      "body": f"A time has opened on {local_text(slot.start, zone)}. Sign in to accept it before "
                              f"{local_text(expires, zone)}."})
            try:
                self.waitlist.save(practice_id, offered, entry.version,
                                   self._draft(system, "waitlist.offer", "WAITLIST_ENTRY", entry.id, entry.patient_id),
                                   [message])
            except Conflict:
                continue
            return offered
        return None
