"""Setting up scheduling: the practice's policy, practitioners and their weekly hours, rooms, appointment
types, and the exceptions to availability (holidays, blocks, extra hours)."""

from collections.abc import Callable
from datetime import date, datetime

from functions.core import clock
from functions.core.auth import Caller
from functions.core.authz import authorize
from functions.core.dates import check_range
from functions.core.errors import NotFound, stale
from functions.core.ids import new_id
from functions.core.keys import segment
from functions.core.service import AreaService, AuditTrail
from functions.core.types import ExpectedVersion
from functions.scheduling.models.setup import (
    AppointmentType,
    AppointmentTypeIn,
    AppointmentTypeList,
    Availability,
    AvailabilityException,
    ExceptionIn,
    ExceptionList,
    Policy,
    PolicyIn,
    Practitioner,
    PractitionerIn,
    PractitionerList,
    PractitionerPatch,
    Room,
    RoomIn,
    RoomList,
    WeeklyIn,
)
from functions.scheduling.ports import AvailabilityExceptions, SchedulingSetup

MAX_RANGE_DAYS = 62


class PracticeSetup(AreaService):
    def __init__(self, setup: SchedulingSetup, exceptions: AvailabilityExceptions, audit: AuditTrail, *,
                 now: Callable[[], datetime] = clock.now, make_id: Callable[[], str] = new_id) -> None:
        self.setup = setup
        self.exceptions = exceptions
        self.audit = audit
        self.now = now
        self.make_id = make_id

    # --- policy -------------------------------------------------------------------------------

    def policy(self, caller: Caller) -> Policy:
        authorize(caller, "scheduling.policy.read")
        return self.setup.policy(caller.practice_id) or Policy()

    def put_policy(self, caller: Caller, body: PolicyIn, expected: ExpectedVersion) -> Policy:
        authorize(caller, "scheduling.policy.update")
        expected_version = expected()
        current = self.setup.policy(caller.practice_id)
        if (current.version if current else 0) != expected_version:
            raise stale("policy")
        policy = Policy(**body.model_dump(), version=expected_version + 1, updated_at=self._at())
        self.setup.save_policy(caller.practice_id, policy, expected_version,
                               self._draft(caller, "scheduling.policy.update", "SCHEDULING_POLICY", "policy"))
        return policy

    # --- practitioners and their hours --------------------------------------------------------

    def create_practitioner(self, caller: Caller, body: PractitionerIn) -> Practitioner:
        authorize(caller, "scheduling.practitioner.create")
        at = self._at()
        practitioner = Practitioner(**body.model_dump(), id=self.make_id(), version=1, created_at=at, updated_at=at)
        self.setup.save(caller.practice_id, practitioner, None,
                        self._draft(caller, "practitioner.create", "PRACTITIONER", practitioner.id))
        return practitioner

    def list_practitioners(self, caller: Caller) -> PractitionerList:
        authorize(caller, "scheduling.practitioner.read")
        return PractitionerList(practitioners=list(self.setup.current(caller.practice_id).practitioners.values()))

    def practitioner(self, caller: Caller, practitioner_id: str) -> Practitioner:
        authorize(caller, "scheduling.practitioner.read")
        return self._practitioner(caller, practitioner_id)

    def update_practitioner(self, caller: Caller, practitioner_id: str, patch: PractitionerPatch,
                            expected: ExpectedVersion) -> Practitioner:
        authorize(caller, "scheduling.practitioner.update")
        current = self._current(caller, practitioner_id, expected())
        changes = patch.model_dump(exclude_unset=True)
        updated = current.model_copy(update={**changes, "version": current.version + 1, "updated_at": self._at()})
        self.setup.save(caller.practice_id, updated, current.version,
                        self._draft(caller, "practitioner.update", "PRACTITIONER", current.id))
        return updated

    def set_weekly(self, caller: Caller, practitioner_id: str, body: WeeklyIn,
                   expected: ExpectedVersion) -> Practitioner:
        authorize(caller, "scheduling.availability.update")
        current = self._current(caller, practitioner_id, expected())
        updated = current.model_copy(update={"weekly": body.weekly, "version": current.version + 1,
                                             "updated_at": self._at()})
        self.setup.save(caller.practice_id, updated, current.version,
                        self._draft(caller, "availability.weekly.update", "PRACTITIONER", current.id),
                        [self._event("scheduling.availability.changed", caller, current.id)])
        return updated

    def availability(self, caller: Caller, practitioner_id: str, first: date, last: date) -> Availability:
        authorize(caller, "scheduling.availability.read")
        check_range(first, last, MAX_RANGE_DAYS)
        practitioner = self._practitioner(caller, practitioner_id)
        policy = self.setup.policy(caller.practice_id) or Policy()
        exceptions = [e for e in self.exceptions.between(caller.practice_id, first, last)
                      if e.practitioner_id in (None, practitioner.id)]
        return Availability(practitioner_id=practitioner.id, time_zone=policy.time_zone,
                            version=practitioner.version, weekly=practitioner.weekly, exceptions=exceptions)

    def _practitioner(self, caller: Caller, practitioner_id: str) -> Practitioner:
        practitioner = self.setup.practitioner(caller.practice_id, segment(practitioner_id))
        if practitioner is None:
            raise NotFound("no such practitioner", code="practitioner_not_found")
        return practitioner

    def _current(self, caller: Caller, practitioner_id: str, expected_version: int) -> Practitioner:
        current = self._practitioner(caller, practitioner_id)
        if current.version != expected_version:
            raise stale("practitioner")
        return current

    # --- rooms --------------------------------------------------------------------------------

    def create_room(self, caller: Caller, body: RoomIn) -> Room:
        authorize(caller, "scheduling.room.create")
        at = self._at()
        room = Room(**body.model_dump(), id=self.make_id(), version=1, created_at=at, updated_at=at)
        self.setup.save(caller.practice_id, room, None, self._draft(caller, "room.create", "ROOM", room.id))
        return room

    def list_rooms(self, caller: Caller) -> RoomList:
        authorize(caller, "scheduling.room.read")
        return RoomList(rooms=list(self.setup.current(caller.practice_id).rooms.values()))

    # --- appointment types --------------------------------------------------------------------

    def create_type(self, caller: Caller, body: AppointmentTypeIn) -> AppointmentType:
        authorize(caller, "scheduling.appointment_type.create")
        self.setup.current(caller.practice_id).check_references(body)
        at = self._at()
        kind = AppointmentType(**body.model_dump(), id=self.make_id(), version=1, created_at=at, updated_at=at)
        self.setup.save(caller.practice_id, kind, None,
                        self._draft(caller, "appointment_type.create", "APPOINTMENT_TYPE", kind.id))
        return kind

    def list_types(self, caller: Caller) -> AppointmentTypeList:
        authorize(caller, "scheduling.appointment_type.read")
        return AppointmentTypeList(appointment_types=list(self.setup.current(caller.practice_id).types.values()))

    def appointment_type(self, caller: Caller, type_id: str) -> AppointmentType:
        authorize(caller, "scheduling.appointment_type.read")
        return self._type(caller, type_id)

    def update_type(self, caller: Caller, type_id: str, body: AppointmentTypeIn,
                    expected: ExpectedVersion) -> AppointmentType:
        authorize(caller, "scheduling.appointment_type.update")
        expected_version = expected()
        current = self._type(caller, type_id)
        if current.version != expected_version:
            raise stale("appointment type")
        self.setup.current(caller.practice_id).check_references(body)
        updated = AppointmentType(**body.model_dump(), id=current.id, version=current.version + 1,
                                  created_at=current.created_at, updated_at=self._at())
        self.setup.save(caller.practice_id, updated, current.version,
                        self._draft(caller, "appointment_type.update", "APPOINTMENT_TYPE", current.id))
        return updated

    def _type(self, caller: Caller, type_id: str) -> AppointmentType:
        kind = self.setup.appointment_type(caller.practice_id, segment(type_id))
        if kind is None:
            raise NotFound("no such appointment type", code="appointment_type_not_found")
        return kind

    # --- exceptions ---------------------------------------------------------------------------

    def add_exception(self, caller: Caller, body: ExceptionIn) -> AvailabilityException:
        authorize(caller, "scheduling.exception.change")
        if body.practitioner_id is not None:
            self._practitioner(caller, body.practitioner_id)
        exception = AvailabilityException(**body.model_dump(), id=f"{body.date:%Y%m%d}-{self.make_id()}",
                                          created_at=self._at())
        self.exceptions.add(caller.practice_id, exception,
                            self._draft(caller, "availability.exception.add", "AVAILABILITY_EXCEPTION",
                                        exception.id))
        return exception

    def list_exceptions(self, caller: Caller, first: date, last: date) -> ExceptionList:
        authorize(caller, "scheduling.exception.read")
        check_range(first, last, MAX_RANGE_DAYS)
        return ExceptionList(exceptions=self.exceptions.between(caller.practice_id, first, last))

    def delete_exception(self, caller: Caller, exception_id: str) -> None:
        authorize(caller, "scheduling.exception.change")
        segment(exception_id, "exception id")
        try:
            day = datetime.strptime(exception_id.split("-", 1)[0], "%Y%m%d").date()
        except ValueError:
            raise NotFound("no such exception", code="exception_not_found") from None
        self.exceptions.remove(caller.practice_id, day, exception_id,
                               self._draft(caller, "availability.exception.delete", "AVAILABILITY_EXCEPTION",
                                           exception_id))
