"""Registration: a patient takes a place (or a waitlist spot) on a published workshop meant for them; a
cancellation frees the place and the first on the waitlist takes it, with a notice."""

from collections.abc import Callable
from datetime import datetime

from functions.core import authz
from functions.core.auth import Caller
from functions.core.errors import Conflict, Invalid, NotFound, stale
from functions.core.idempotency import IdempotentRequest, run_once
from functions.core.ids import new_id
from functions.core.service import AreaService, AuditTrail
from functions.core.types import ExpectedVersion
from functions.outreach import notices
from functions.outreach.models.registrations import PendingSignup, Registration, RegistrationIn, RegistrationList
from functions.outreach.models.workshops import Workshop
from functions.outreach.ports import AudienceCheck, RegistrationBook, WorkshopCatalog
from functions.outreach.waitlist import WaitlistPromotion

CONTENDED_TRIES = 3


class Registrations(AreaService):
    def __init__(self, catalog: WorkshopCatalog, book: RegistrationBook, audience: AudienceCheck, audit: AuditTrail,
                 now: Callable[[], datetime]) -> None:
        self.catalog, self.book, self.audience, self.audit, self.now = catalog, book, audience, audit, now
        self.waitlist = WaitlistPromotion(book, audit, now)

    def register(self, caller: Caller, body: RegistrationIn, idempotency_key: str | None = None) -> Registration:
        """A patient registers themself (their id is their token's); staff register a patient they name."""
        patient_id = body.patient_id or caller.patient_id
        if patient_id is None:
            raise Invalid("name the patient to register", code="patient_required")
        authz.authorize(caller, "outreach.registration.create", authz.patient(patient_id))
        workshop_id = body.workshop_id
        workshop = self.catalog.workshop(caller.practice_id, workshop_id)
        in_audience = workshop is not None and self.audience.is_in_audience(caller.practice_id, patient_id,
                                                                            workshop.audience)
        if workshop is None or (caller.is_patient and not (in_audience and workshop.status in ("published", "closed"))):
            raise NotFound("no such workshop")
        self.check_open(workshop)
        if not in_audience:
            raise Conflict("the patient is not in this workshop's audience", code="not_in_audience")

        def work(request: IdempotentRequest | None) -> Registration:
            at = self._at()
            registration = Registration(id=new_id(), practice_id=caller.practice_id, workshop_id=workshop_id,
                                        patient_id=patient_id, status="registered", holder=f"patient:{patient_id}",
                                        version=1, created_at=at, updated_at=at)
            return self.enrol(caller, workshop, registration, request)

        return run_once(self.book, caller.practice_id, idempotency_key, "outreach.registration.create",
                        {"workshop_id": workshop_id, "patient_id": patient_id}, work, Registration.model_validate)

    def check_open(self, workshop: Workshop) -> None:
        if workshop.status != "published" or workshop.registration_deadline <= self.now():
            raise Conflict("registration for this workshop is closed", code="registration_closed")

    def enrol(self, caller: Caller, workshop: Workshop, registration: Registration,
              request: IdempotentRequest | None, signup: PendingSignup | None = None) -> Registration:
        """A place if one is left, else the waitlist: each tried in its own transaction on the workshop's counter,
        so the place count is exact however many enrol at once."""
        for attempt in range(CONTENDED_TRIES):
            try:
                return self._enrol_once(caller, workshop, registration, request, signup)
            except Conflict as conflict:
                # the practice's audit chain was busy (a burst of registrations): nothing was written, try again
                if conflict.code != "audit_contention" or attempt == CONTENDED_TRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def _enrol_once(self, caller: Caller, workshop: Workshop, registration: Registration,
                    request: IdempotentRequest | None, signup: PendingSignup | None) -> Registration:
        audit = self._draft(caller, "registration.create", "REGISTRATION", registration.id, registration.patient_id)
        placed = registration.model_copy(update={"status": "registered"})
        if self.book.take_place(placed, audit, [notices.registration_confirmed(placed, workshop)],
                                request.answered(placed) if request else None, signup):
            return placed
        waiting = registration.model_copy(update={"status": "waitlisted"})
        self.book.join_waitlist(waiting, audit, [notices.registration_confirmed(waiting, workshop)],
                                request.answered(waiting) if request else None, signup)
        # a place freed between our two transactions finds nobody on the waitlist yet: look once more
        now = self.catalog.workshop(caller.practice_id, workshop.id)
        if now is not None and now.registered < now.capacity and self.promote_waitlist(caller, now):
            return self.book.registration(caller.practice_id, waiting.id) or waiting
        return waiting

    def cancel(self, caller: Caller, registration_id: str, expected: ExpectedVersion) -> Registration:
        registration = self._registration(caller, registration_id, "outreach.registration.cancel")
        if registration.status == "cancelled":
            raise Conflict("this registration is cancelled already", code="already_cancelled")
        if expected() != registration.version:
            raise stale("registration")
        cancelled = registration.model_copy(update={"status": "cancelled", "version": registration.version + 1,
                                                    "updated_at": self._at()})
        self.book.cancel(cancelled, registration.status, self._draft(caller, "registration.cancel", "REGISTRATION",
                                                                     registration_id, registration.patient_id), [])
        if registration.holds_place:
            workshop = self.catalog.workshop(caller.practice_id, registration.workshop_id)
            if workshop is not None:
                self.promote_waitlist(caller, workshop)
        return cancelled

    def promote_waitlist(self, caller: Caller, workshop: Workshop) -> int:
        return self.waitlist.promote(caller, workshop)

    def read(self, caller: Caller, registration_id: str) -> Registration:
        registration = self._registration(caller, registration_id, "outreach.registration.read")
        self._audit_read(caller, "registration.read", "REGISTRATION", registration_id, registration.patient_id)
        return registration

    def of_patient(self, caller: Caller, patient_id: str | None) -> RegistrationList:
        """A patient's registrations: a patient their own."""
        patient_id = patient_id or caller.patient_id
        if patient_id is None:
            raise Invalid("name the patient (patient_id)", code="patient_required")
        authz.authorize(caller, "outreach.registration.read", authz.patient(patient_id))
        found = self.book.of_patient(caller.practice_id, patient_id)
        self._audit_read(caller, "registration.list", "PATIENT", patient_id, patient_id)
        return RegistrationList(registrations=found)

    def roster(self, caller: Caller, workshop_id: str, cursor: str | None, limit: int) -> RegistrationList:
        """A workshop's registrations, for the people running it; shows many patients: audited with no subject."""
        authz.authorize(caller, "outreach.registration.list")
        if self.catalog.workshop(caller.practice_id, workshop_id) is None:
            raise NotFound("no such workshop")
        found, after = self.book.of_workshop(caller.practice_id, workshop_id, cursor, limit)
        self._audit_read(caller, "registration.roster", "WORKSHOP", workshop_id, None)
        return RegistrationList(registrations=found, next_page=after)

    def _registration(self, caller: Caller, registration_id: str, action: str) -> Registration:
        registration = self.book.registration(caller.practice_id, registration_id)
        if registration is None:
            if caller.is_patient:  # the same 404 as another patient's: it says nothing of what exists
                raise NotFound("no such registration", subject_patient_id=None)
            raise NotFound("no such registration")
        if caller.is_patient and registration.patient_id != caller.patient_id:
            raise NotFound("no such registration", subject_patient_id=registration.patient_id)
        authz.authorize(caller, action, authz.patient(registration.patient_id))
        return registration
