"""Licences and certifications of the practice's staff: recorded by the holder themselves or by the coordinator
or privacy officer, renewed or corrected on their version, retired when no longer held. The holder's
practitioner (in scheduling) is copied from the staff directory on each write, so a booking with them can be
warned about a licence that has lapsed."""

from collections.abc import Callable
from datetime import datetime

from functions.compliance.models.certifications import (
    Certification,
    CertificationChange,
    CertificationIn,
    CertificationPage,
)
from functions.compliance.ports.monitoring import CertificationBook
from functions.compliance.ports.staff import StaffDirectory
from functions.core import authz, pagination
from functions.core.auth import Caller
from functions.core.errors import Conflict, Invalid, NotFound, stale
from functions.core.ids import new_id
from functions.core.service import AreaService, AuditTrail
from functions.core.types import ExpectedVersion

ENTITY = "CERTIFICATION"


class Certifications(AreaService):
    def __init__(self, book: CertificationBook, directory: StaffDirectory, audit: AuditTrail,
                 now: Callable[[], datetime], page_key: Callable[[], bytes],
                 make_id: Callable[[], str] = new_id) -> None:
        self.book, self.directory, self.audit, self.now = book, directory, audit, now
        self.page_key, self.make_id = page_key, make_id

    def create(self, caller: Caller, body: CertificationIn) -> Certification:
        authz.authorize(caller, "compliance.certification.create", authz.staff_member(body.holder_id))
        at = self._at()
        certification = Certification(
            id=self.make_id(), practice_id=caller.practice_id, **body.model_dump(),
            practitioner_id=self._practitioner_of(caller.practice_id, body.holder_id), version=1,
            created_at=at, created_by=caller.user_id, updated_at=at, updated_by=caller.user_id)
        self.book.save(certification, self._draft(caller, "compliance.certification.create", ENTITY,
                                                  certification.id))
        return certification

    def read(self, caller: Caller, certification_id: str) -> Certification:
        certification = self._certification(caller, "compliance.certification.read", certification_id)
        return certification

    def list(self, caller: Caller, holder_id: str | None, limit: int = 50,
             page_token: str | None = None) -> CertificationPage:
        """The practice's (coordinator, privacy officer), or one holder's: any other member lists their own."""
        if holder_id is None and not authz.may(caller, "compliance.certification.read"):
            holder_id = caller.user_id
        authz.authorize(caller, "compliance.certification.read", authz.staff_member(holder_id))
        query = f"compliance.certifications.{holder_id or '*'}"
        start = pagination.decode(page_token, practice_id=caller.practice_id, query=query, key=self.page_key)
        page = self.book.listed(caller.practice_id, holder_id, limit, start)
        return CertificationPage(certifications=page.items, next_page_token=pagination.encode(
            page.next_start, practice_id=caller.practice_id, query=query, key=self.page_key()))

    def change(self, caller: Caller, certification_id: str, body: CertificationChange,
               expected: ExpectedVersion) -> Certification:
        """A renewal (a new expiry date starts its reminders afresh) or a correction."""
        before = self._certification(caller, "compliance.certification.update", certification_id)
        self._current(before, expected)
        if before.status != "active":
            raise Conflict("a retired certification is not changed; record a new one", code="certification_retired")
        changes = body.model_dump(exclude_unset=True, exclude_none=True)
        if not changes:
            raise Invalid("name at least one field to change", code="nothing_to_change")
        after = self._next(caller, before, **changes)
        if after.issued_on is not None and after.issued_on > after.expires_on:
            raise Invalid("issued_on must not be after expires_on", code="invalid_dates")
        self.book.save(after, self._draft(caller, "compliance.certification.update", ENTITY, before.id))
        return after

    def retire(self, caller: Caller, certification_id: str, expected: ExpectedVersion) -> Certification:
        """No longer held (kept for the record, out of the reminders, the checks and booking warnings)."""
        before = self._certification(caller, "compliance.certification.update", certification_id)
        self._current(before, expected)
        if before.status == "retired":
            raise Conflict("that certification is retired already", code="certification_retired")
        after = self._next(caller, before, status="retired")
        self.book.save(after, self._draft(caller, "compliance.certification.retire", ENTITY, before.id))
        return after

    def _next(self, caller: Caller, before: Certification, **changes) -> Certification:
        return before.model_copy(update={
            **changes, "practitioner_id": self._practitioner_of(caller.practice_id, before.holder_id),
            "version": before.version + 1, "updated_at": self._at(), "updated_by": caller.user_id})

    def _certification(self, caller: Caller, action: str, certification_id: str) -> Certification:
        if caller.is_patient:
            authz.authorize(caller, action)  # refused before anything is read
        certification = self.book.certification(caller.practice_id, certification_id)
        if certification is None:
            raise NotFound("no such certification", code="certification_not_found")
        authz.authorize(caller, action, authz.staff_member(certification.holder_id))
        return certification

    @staticmethod
    def _current(certification: Certification, expected: ExpectedVersion) -> None:
        if expected() != certification.version:
            raise stale("certification")

    def _practitioner_of(self, practice_id: str, holder_id: str) -> str | None:
        colleague = self.directory.colleague(practice_id, holder_id)
        if colleague is None:
            raise Invalid("the holder is not a member of staff here", code="unknown_staff_member")
        return colleague.practitioner_id
