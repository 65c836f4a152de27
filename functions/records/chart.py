"""What every records use case shares: a patient's live chart read in one go, writes retried while the chart
settles, and the first answer to a keyed create replayed and audited."""

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from functions.core import clock
from functions.core.auth import Caller
from functions.core.errors import Conflict, Invalid, NotFound
from functions.core.idempotency import AlreadyDone, IdempotentRequest, Replays
from functions.core.ids import new_id
from functions.core.keys import segment
from functions.core.service import AreaService, AuditTrail
from functions.records.models.patients import PatientRecord
from functions.records.ports import PatientRecords

Model = TypeVar("Model", bound=BaseModel)
T = TypeVar("T")

# Coverage and consent writes retry this many times when another write to the same record got in first.
RELATED_ATTEMPTS = 3


def not_found() -> NotFound:
    return NotFound("no such patient", code="patient_not_found")


def invalid(error: ValidationError) -> Invalid:
    """A change that would leave a stored model invalid, in the shape the API answers a bad request with."""
    details = [{"field": ".".join(str(p) for p in e["loc"]), "problem": e["msg"], "type": e["type"]}
               for e in error.errors()]
    return Invalid("the change would leave the record invalid", details, code="validation_failed")


def until_record_settles(attempt: Callable[[], T]) -> T:
    """Coverage and consent rules look at the whole record (no overlapping plans, one active consent
    of a kind), so each write is conditional on the record not having changed since it was read.
    When another write got in between, read, check and write again; any other conflict is final."""
    for remaining in reversed(range(RELATED_ATTEMPTS)):
        try:
            return attempt()
        except Conflict as conflict:
            if conflict.code != "record_changed" or not remaining:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


class ChartUseCase(AreaService):
    """A records use case: the charts it reads, the trail its reads are audited in, a clock and ids."""

    def __init__(self, records: PatientRecords, audit: AuditTrail, now: Callable[[], datetime] = clock.now,
                 make_id: Callable[[], str] = new_id) -> None:
        self.records = records
        self.audit = audit
        self.now = now
        self.make_id = make_id

    def _live_record(self, caller: Caller, patient_id: str) -> PatientRecord:
        record = self.records.record(caller.practice_id, segment(patient_id, "patient id"))
        if record is None or record.deleted_at is not None:
            raise not_found()
        return record

    def _replayed(self, caller: Caller, model: type[Model], action: str, entity: str,
                  patient_id: str | None = None) -> Callable[[dict[str, Any]], Model]:
        """How a retry of a keyed create is answered: the first answer again, and the re-read audited."""
        def replay(stored: dict[str, Any]) -> Model:
            replayed = model.model_validate(stored)
            subject = patient_id or replayed.id
            self._audit_read(caller, f"{action}.replayed", entity, replayed.id, subject)
            return replayed

        return replay

    @staticmethod
    def _done_already(replays: Replays, caller: Caller, request: IdempotentRequest | None) -> None:
        """A retry racing its own first request collides with what that request wrote (an overlapping plan,
        a second active consent): when the key is answered by now, the retry is answered like one."""
        if request is not None and replays.replay(caller.practice_id, request) is not None:
            raise AlreadyDone("already done")
