"""Disclosures of a patient's data and their accounting (HIPAA §164.528): staff record a disclosure the rule asks
the practice to account for (to a public health authority, a court, law enforcement, a researcher without
authorization...); the accounting lists those of the six years before the request, and the patient may ask for
their own. What the system itself sends (messages to the patient, to family involved in their care with consent,
claims to payers) is treatment, payment or operations, or to the individual, which §164.528(a)(1) leaves out of
the accounting: none of it is listed here (the audit trail and the delivery log keep it)."""

from collections.abc import Callable
from datetime import date, datetime

from functions.compliance.models.audit import Disclosure, DisclosureAccounting, DisclosureIn
from functions.compliance.ports.audit import DisclosureBook
from functions.core import authz, clock
from functions.core.auth import Caller
from functions.core.errors import Invalid, NotFound
from functions.core.idempotency import IdempotentRequest, run_once
from functions.core.ids import new_id
from functions.core.service import AreaService, AuditTrail

RECORD = "compliance.disclosure.record"
ACCOUNTING = "compliance.disclosure.accounting"
YEARS = 6  # §164.528(a)(1): the six years before the date of the request


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class Disclosures(AreaService):
    def __init__(self, book: DisclosureBook, audit: AuditTrail, now: Callable[[], datetime] = clock.now) -> None:
        self.book = book
        self.audit = audit
        self.now = now

    def record(self, caller: Caller, request: DisclosureIn, idempotency_key: str | None = None) -> Disclosure:
        """Once per Idempotency-Key: a retried request must not list a disclosure twice in the accounting."""
        authz.authorize(caller, RECORD, authz.patient(request.patient_id))
        now = self.now()
        if request.disclosed_on > now.date():
            raise Invalid("a disclosure is recorded once it has been made", {"field": "disclosed_on"},
                          code="disclosure_in_future")

        def work(keyed: IdempotentRequest | None) -> Disclosure:
            disclosure = Disclosure(id=new_id(int(now.timestamp() * 1000)), practice_id=caller.practice_id,
                                    **request.model_dump(), recorded_by=caller.user_id, recorded_at=clock.iso(now))
            self.book.record(disclosure, self._draft(caller, "disclosure.record", "DISCLOSURE", disclosure.id,
                                                     request.patient_id),
                             keyed.answered(disclosure) if keyed else None)
            return disclosure

        def replayed(stored: dict) -> Disclosure:
            disclosure = Disclosure.model_validate(stored)
            self._audit_read(caller, "disclosure.record.replayed", "DISCLOSURE", disclosure.id, disclosure.patient_id)
            return disclosure

        return run_once(self.book, caller.practice_id, idempotency_key, "compliance.disclosure.record", request, work,
                        replayed)

    def accounting(self, caller: Caller, patient_id: str) -> DisclosureAccounting:
        """The disclosures made in the six years before today, newest first."""
        authz.authorize(caller, ACCOUNTING, authz.patient(patient_id))
        today = self.now().date()
        start = years_before(today, YEARS)
        # recorded on or after the day it was made, so every one made since `start` was recorded since then too
        found = [d for d in self.book.of_patient(caller.practice_id, patient_id, start) if d.disclosed_on >= start]
        found.sort(key=lambda d: (d.disclosed_on, d.id), reverse=True)
        self._audit_read(caller, "disclosure.accounting", "PATIENT", patient_id, patient_id)
        return DisclosureAccounting(patient_id=patient_id, requested_on=today, period_start=start, disclosures=found)

    def read(self, caller: Caller, patient_id: str, disclosure_id: str) -> Disclosure:
        authz.authorize(caller, ACCOUNTING, authz.patient(patient_id))
        disclosure = self.book.disclosure(caller.practice_id, patient_id, disclosure_id)
        if disclosure is None:
            raise NotFound("no such disclosure", code="disclosure_not_found", subject_patient_id=patient_id)
        self._audit_read(caller, "disclosure.read", "DISCLOSURE", disclosure_id, patient_id)
        return disclosure
