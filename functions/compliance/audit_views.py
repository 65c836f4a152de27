"""The privacy officer's views of the audit trail: who read or changed one patient's record, and what one user
did, over a range of days, newest first, a page at a time. Reading them is itself audited."""

from collections.abc import Callable
from datetime import date, datetime

from functions.compliance.models.audit import AuditLine, AuditPage
from functions.compliance.ports.audit import AuditLog
from functions.core import authz, clock, pagination
from functions.core.audit_store import AuditListing
from functions.core.auth import Caller
from functions.core.dates import check_range
from functions.core.service import AreaService, AuditTrail

READ = "compliance.audit.read"
MAX_DAYS = 366  # a year a page at a time; a longer look is several


class AuditViews(AreaService):
    def __init__(self, log: AuditLog, audit: AuditTrail, page_key: Callable[[], bytes],
                 now: Callable[[], datetime] = clock.now) -> None:
        self.log = log
        self.audit = audit
        self.page_key = page_key
        self.now = now

    def of_patient(self, caller: Caller, patient_id: str, first: date, last: date, limit: int,
                   page_token: str | None) -> AuditPage:
        """Every entry whose subject is the patient: reads, changes and refused attempts, by anyone."""
        authz.authorize(caller, READ, authz.patient(patient_id))
        query, start = self._start(caller, f"patient.{patient_id}", first, last, page_token)
        listing = self.log.about_patient(caller.practice_id, patient_id, first.isoformat(), last.isoformat(), limit,
                                         start)
        self._audit_read(caller, "audit.patient.read", "PATIENT", patient_id, patient_id)
        return self._page(caller, query, listing)

    def of_user(self, caller: Caller, user_id: str, first: date, last: date, limit: int,
                page_token: str | None) -> AuditPage:
        """Every entry the user wrote: what they read, changed, or were refused."""
        authz.authorize(caller, READ, authz.staff_member(user_id))
        query, start = self._start(caller, f"user.{user_id}", first, last, page_token)
        listing = self.log.by_actor(caller.practice_id, user_id, first.isoformat(), last.isoformat(), limit, start)
        self._audit_read(caller, "audit.user.read", "USER", user_id, None)
        return self._page(caller, query, listing)

    def _start(self, caller: Caller, whose: str, first: date, last: date,
               page_token: str | None) -> tuple[str, dict | None]:
        check_range(first, last, MAX_DAYS, "the dates")
        # the token is bound to the question: another patient, user or range is a 422, not a page of it
        query = f"audit.{whose}.{first.isoformat()}.{last.isoformat()}"
        return query, pagination.decode(page_token, practice_id=caller.practice_id, query=query, key=self.page_key)

    def _page(self, caller: Caller, query: str, listing: AuditListing) -> AuditPage:
        token = pagination.encode(listing.next_start, practice_id=caller.practice_id, query=query,
                                  key=self.page_key())
        return AuditPage(entries=[AuditLine.of(entry) for entry in listing.entries], next_page_token=token)
