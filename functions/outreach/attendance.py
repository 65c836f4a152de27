"""Attendance: the facilitator (or a coordinator) marks who came to a session; the sheet lists the registered."""

from collections.abc import Callable
from datetime import datetime, timedelta

from functions.core import authz
from functions.core.auth import Caller, Role
from functions.core.errors import Conflict, Forbidden, NotFound
from functions.core.service import AreaService, AuditTrail
from functions.outreach.models.registrations import Attendance, AttendanceIn, AttendanceLine
from functions.outreach.models.workshops import Workshop, WorkshopSession
from functions.outreach.ports import RegistrationBook, WorkshopCatalog
from functions.outreach.workshops import workshop_of_session

# the facilitator may open the sheet a little before the start (people arrive early)
OPENS_BEFORE = timedelta(minutes=30)


class AttendanceTaking(AreaService):
    def __init__(self, catalog: WorkshopCatalog, book: RegistrationBook, audit: AuditTrail,
                 now: Callable[[], datetime]) -> None:
        self.catalog, self.book, self.audit, self.now = catalog, book, audit, now

    def take(self, caller: Caller, session_id: str, body: AttendanceIn) -> Attendance:
        authz.authorize(caller, "outreach.attendance.take")
        workshop, session = self._session(caller, session_id)
        if Role.COORDINATOR not in caller.roles and caller.user_id != workshop.facilitator_id:
            raise Forbidden("attendance is taken by the workshop's facilitator or a coordinator",
                            code="not_the_facilitator")
        if workshop.status in ("draft", "cancelled", "unpublished"):
            raise Conflict(f"a {workshop.status} workshop has no attendance", code="workshop_not_running")
        if self.now() < session.starts_at - OPENS_BEFORE:
            raise Conflict("the session has not started yet", code="session_not_started")
        self.book.mark_attendance(caller.practice_id, workshop.id, session_id, body.present, body.absent,
                                  self._draft(caller, "attendance.take", "SESSION", session_id))
        return self._sheet(caller, workshop, session_id)

    def sheet(self, caller: Caller, session_id: str) -> Attendance:
        authz.authorize(caller, "outreach.attendance.read")
        workshop, _ = self._session(caller, session_id)
        sheet = self._sheet(caller, workshop, session_id)
        self._audit_read(caller, "attendance.read", "SESSION", session_id, None)
        return sheet

    def _sheet(self, caller: Caller, workshop: Workshop, session_id: str) -> Attendance:
        lines, cursor = [], None
        while True:
            page, cursor = self.book.of_workshop(caller.practice_id, workshop.id, cursor, 100)
            lines += [AttendanceLine(registration_id=r.id, patient_id=r.patient_id, name=r.name,
                                     present=session_id in r.attended_sessions) for r in page if r.holds_place]
            if cursor is None:
                return Attendance(workshop_id=workshop.id, session_id=session_id, lines=lines)

    def _session(self, caller: Caller, session_id: str) -> tuple[Workshop, WorkshopSession]:
        workshop = self.catalog.workshop(caller.practice_id, workshop_of_session(session_id))
        session = workshop.session(session_id) if workshop else None
        if workshop is None or session is None:
            raise NotFound("no such session")
        return workshop, session
