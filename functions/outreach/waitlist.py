"""The waitlist's promotion: the first to join take the free places, each told. Run after a cancellation, after a
capacity is raised, and after someone joins the waitlist (a place freed in between finds them)."""

from collections.abc import Callable
from datetime import datetime

from functions.core.auth import Caller
from functions.core.service import AreaService, AuditTrail
from functions.outreach import notices
from functions.outreach.models.workshops import Workshop
from functions.outreach.ports import RegistrationBook

# promotions one run may make: a freed place is one, a capacity raised is at most this many
MAX_PROMOTIONS = 200


class WaitlistPromotion(AreaService):
    def __init__(self, book: RegistrationBook, audit: AuditTrail, now: Callable[[], datetime]) -> None:
        self.book, self.audit, self.now = book, audit, now

    def promote(self, caller: Caller, workshop: Workshop) -> int:
        """How many moved up. Idempotent: a place is taken on the workshop's counter and a registration moves
        only from waitlisted, so a run repeated after a crash promotes no one twice."""
        promoted = 0
        while promoted < MAX_PROMOTIONS:
            first = self.book.first_waitlisted(caller.practice_id, workshop.id)
            if first is None:
                return promoted
            moved = first.model_copy(update={"status": "registered", "version": first.version + 1,
                                             "updated_at": self._at()})
            audit = self._draft(caller, "registration.promote", "REGISTRATION", first.id, first.patient_id)
            if self.book.promote(moved, audit, [notices.waitlist_promoted(moved, workshop)]):
                promoted += 1
                continue
            again = self.book.registration(caller.practice_id, first.id)
            if again is not None and again.status == "waitlisted":
                return promoted  # it is still first in line: no place is free
        return promoted
