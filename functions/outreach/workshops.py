"""Workshops: a coordinator or staff member writes one, publishes it (the promotion starts), unpublishes or
cancels it (the promotion stops and the registered are told); patients see the published ones meant for them."""

from collections.abc import Callable
from datetime import datetime

from functions.core import authz
from functions.core.auth import Caller
from functions.core.errors import Conflict, Invalid, NotFound, stale
from functions.core.idempotency import run_once
from functions.core.ids import new_id
from functions.core.service import AreaService, AuditTrail
from functions.core.types import ExpectedVersion
from functions.outreach import notices
from functions.outreach.links import OutreachLinks
from functions.outreach.models.workshops import (
    SessionIn,
    Workshop,
    WorkshopIn,
    WorkshopList,
    WorkshopPatch,
    WorkshopStatus,
    check_workshop,
)
from functions.outreach.ports import AudienceCheck, PromotionWorkflow, RegistrationBook, WorkshopCatalog
from functions.outreach.waitlist import WaitlistPromotion

EDITABLE: frozenset[WorkshopStatus] = frozenset({"draft", "published", "closed", "unpublished"})
PUBLISHABLE: frozenset[WorkshopStatus] = frozenset({"draft", "unpublished"})
LIVE: frozenset[WorkshopStatus] = frozenset({"published", "closed"})  # offered: patients see it
NOTICE_BATCH = 25  # messages per transaction when the registered are told


def session_ids(workshop_id: str, sessions: list[SessionIn]) -> list:
    """A session's id names its workshop ("<workshop>-<n>"), so /sessions/<id> finds it with no other index."""
    return [s.session(f"{workshop_id}-{n}") for n, s in enumerate(sessions, start=1)]


def workshop_of_session(session_id: str) -> str:
    workshop_id, _, n = session_id.rpartition("-")
    if not workshop_id or not n.isdigit():
        raise NotFound("no such session")
    return workshop_id


class Workshops(AreaService):
    def __init__(self, catalog: WorkshopCatalog, registrations: RegistrationBook,
                 promotion: Callable[[], PromotionWorkflow], audience: AudienceCheck, links: OutreachLinks,
                 audit: AuditTrail, now: Callable[[], datetime]) -> None:
        """`promotion` gives the workflow when first needed: only a publish, unpublish or cancel loads it."""
        self.catalog, self.registrations, self.promotion = catalog, registrations, promotion
        self.audience, self.links, self.audit, self.now = audience, links, audit, now
        self.waitlist = WaitlistPromotion(registrations, audit, now)

    def create(self, caller: Caller, body: WorkshopIn, idempotency_key: str | None = None) -> Workshop:
        authz.authorize(caller, "outreach.workshop.create")

        def work(request) -> Workshop:
            workshop_id, at = new_id(), self._at()
            workshop = Workshop(id=workshop_id, practice_id=caller.practice_id, title=body.title, topic=body.topic,
                                description=body.description, audience=body.audience.criteria(),
                                sessions=session_ids(workshop_id, body.sessions), capacity=body.capacity,
                                registration_deadline=body.registration_deadline,
                                facilitator_id=body.facilitator_id, version=1, created_at=at, updated_at=at)
            self.catalog.create(workshop, self._draft(caller, "workshop.create", "WORKSHOP", workshop_id),
                                request.answered(workshop) if request else None)
            return workshop

        return run_once(self.catalog, caller.practice_id, idempotency_key, "outreach.workshop.create", body, work,
                        Workshop.model_validate)

    def read(self, caller: Caller, workshop_id: str) -> Workshop:
        authz.authorize(caller, "outreach.workshop.read")
        workshop = self.catalog.workshop(caller.practice_id, workshop_id)
        if workshop is None or (caller.is_patient and not self._offered_to(caller, workshop)):
            raise NotFound("no such workshop")
        return self._shown(workshop)

    def list(self, caller: Caller, status: WorkshopStatus | None, cursor: str | None, limit: int) -> WorkshopList:
        """Staff: every workshop (of a status). A patient: the published ones whose audience they are in."""
        authz.authorize(caller, "outreach.workshop.list")
        if not caller.is_patient:
            found, after = self.catalog.workshops(caller.practice_id, status, cursor, limit)
            return WorkshopList(workshops=[self._shown(w) for w in found], next_page=after)
        if status not in (None, "published"):
            raise Invalid("a patient lists the published workshops", code="invalid_status")
        found, after = self.catalog.workshops(caller.practice_id, "published", cursor, limit)
        return WorkshopList(workshops=[self._shown(w) for w in found if self._offered_to(caller, w)],
                            next_page=after)

    def update(self, caller: Caller, workshop_id: str, patch: WorkshopPatch, expected: ExpectedVersion) -> Workshop:
        authz.authorize(caller, "outreach.workshop.update")
        workshop = self._current(caller, workshop_id, expected)
        if workshop.status not in EDITABLE:
            raise Conflict(f"a {workshop.status} workshop cannot change", code="workshop_not_editable")
        changes = patch.model_dump(exclude_unset=True)
        if patch.audience is not None:
            changes["audience"] = patch.audience.criteria()
        if patch.sessions is not None:
            changes["sessions"] = session_ids(workshop_id, patch.sessions)
        changed = workshop.model_copy(update={**changes, "version": workshop.version + 1, "updated_at": self._at()})
        try:
            check_workshop(changed.topic, changed.audience.topics, changed.registration_deadline, changed.sessions)
        except ValueError as problem:
            raise Invalid(str(problem), code="invalid_workshop") from None
        if changed.capacity < workshop.registered:
            raise Conflict(f"{workshop.registered} are registered: capacity cannot go below that",
                           {"registered": workshop.registered}, code="capacity_below_registered")
        self.catalog.save(changed, self._draft(caller, "workshop.update", "WORKSHOP", workshop_id))
        if changed.capacity > workshop.capacity and workshop.waitlisted and changed.status in LIVE:
            self.waitlist.promote(caller, changed)  # the new places go to those waiting, in order
            changed = self.catalog.workshop(caller.practice_id, workshop_id) or changed
        return self._shown(changed)

    def publish(self, caller: Caller, workshop_id: str, expected: ExpectedVersion) -> Workshop:
        """Open for registration and start the promotion (after the publication is committed, so the workflow
        never reads a workshop that is not published yet)."""
        authz.authorize(caller, "outreach.workshop.publish")
        workshop = self._current(caller, workshop_id, expected)
        if workshop.status not in PUBLISHABLE:
            raise Conflict(f"a {workshop.status} workshop cannot be published", code="not_publishable")
        if workshop.registration_deadline <= self.now():
            raise Conflict("its registration deadline has passed: move it first", code="deadline_passed")
        published = self._moved(workshop, "published", published_at=self._at())
        self.catalog.save(published, self._draft(caller, "workshop.publish", "WORKSHOP", workshop_id))
        self.promotion().start(caller.practice_id, workshop_id, published.version)
        return self._shown(published)

    def unpublish(self, caller: Caller, workshop_id: str, expected: ExpectedVersion) -> Workshop:
        """Withdrawn from offer (it may be published again): the promotion stops, the registered are told."""
        return self._withdraw(caller, workshop_id, expected, "unpublished", LIVE, "workshop.unpublish")

    def cancel(self, caller: Caller, workshop_id: str, expected: ExpectedVersion) -> Workshop:
        return self._withdraw(caller, workshop_id, expected, "cancelled", EDITABLE, "workshop.cancel")

    def _withdraw(self, caller: Caller, workshop_id: str, expected: ExpectedVersion, status: WorkshopStatus,
                  allowed: frozenset[WorkshopStatus], action: str) -> Workshop:
        authz.authorize(caller, "outreach.workshop.publish")
        workshop = self._current(caller, workshop_id, expected)
        if workshop.status not in allowed:
            raise Conflict(f"a {workshop.status} workshop cannot be {status}", code=f"not_{status}")
        withdrawn = self._moved(workshop, status)
        self.catalog.save(withdrawn, self._draft(caller, action, "WORKSHOP", workshop_id))
        if workshop.status in LIVE:
            self.promotion().stop(caller.practice_id, workshop_id)
        self._tell_registered(caller, withdrawn)
        return self._shown(withdrawn)

    def _tell_registered(self, caller: Caller, workshop: Workshop) -> None:
        """Each registered or waitlisted person gets one message (its key names this change: a retry of the same
        step sends nothing twice), a batch of them per transaction."""
        cursor: str | None = None
        while True:
            page, cursor = self.registrations.of_workshop(caller.practice_id, workshop.id, cursor, 100)
            told = [notices.workshop_cancelled(r, workshop) for r in page if r.status != "cancelled"]
            for start in range(0, len(told), NOTICE_BATCH):
                self.catalog.tell(self._draft(caller, "workshop.registrants_told", "WORKSHOP", workshop.id),
                                  told[start:start + NOTICE_BATCH])
            if cursor is None:
                return

    def _current(self, caller: Caller, workshop_id: str, expected: ExpectedVersion) -> Workshop:
        workshop = self.catalog.workshop(caller.practice_id, workshop_id)
        if workshop is None:
            raise NotFound("no such workshop")
        if expected() != workshop.version:
            raise stale("workshop")
        return workshop

    def _moved(self, workshop: Workshop, status: WorkshopStatus, **more) -> Workshop:
        return workshop.model_copy(update={"status": status, "version": workshop.version + 1,
                                           "updated_at": self._at(), **more})

    def _offered_to(self, caller: Caller, workshop: Workshop) -> bool:
        return (workshop.status in LIVE and caller.patient_id is not None
                and self.audience.is_in_audience(caller.practice_id, caller.patient_id, workshop.audience))

    def _shown(self, workshop: Workshop) -> Workshop:
        if workshop.status != "published":
            return workshop
        return workshop.model_copy(update={"signup_url": self.links.signup_url(workshop.practice_id, workshop.id)})
