"""A patient's insurance coverage: list, add (honouring Idempotency-Key), change. A patient has one primary
and one secondary plan at a time, checked against a record nobody changed meanwhile."""

from collections.abc import Callable
from datetime import datetime

from pydantic import ValidationError

from functions.core import authz, clock
from functions.core.auth import Caller
from functions.core.errors import Conflict, NotFound, stale
from functions.core.idempotency import IdempotentRequest, run_once
from functions.core.ids import new_id
from functions.core.service import AuditTrail
from functions.core.types import ExpectedVersion
from functions.records.chart import ChartUseCase, invalid, until_record_settles
from functions.records.models.coverage import Coverage, CoverageFields, CoverageIn, CoverageList, CoveragePatch
from functions.records.ports import CoverageBook, PatientRecords


def check_no_overlap(existing: list[Coverage], coverage: CoverageFields) -> None:
    """A patient has one primary and one secondary plan at a time: two of a rank may not overlap."""
    if any(other.rank == coverage.rank and other.overlaps(coverage) for other in existing):
        raise Conflict(f"another {coverage.rank} coverage covers part of that period; end it first",
                       code="coverage_overlap")


class Coverages(ChartUseCase):
    def __init__(self, records: PatientRecords, book: CoverageBook, audit: AuditTrail,
                 now: Callable[[], datetime] = clock.now, make_id: Callable[[], str] = new_id) -> None:
        super().__init__(records, audit, now, make_id)
        self.book = book

    def list_coverages(self, caller: Caller, patient_id: str) -> CoverageList:
        authz.authorize(caller, "records.coverage.list", authz.patient(patient_id))
        record = self._live_record(caller, patient_id)
        self._audit_read(caller, "coverage.list", "PATIENT", patient_id, patient_id)
        return CoverageList(coverages=record.coverages)

    def add(self, caller: Caller, patient_id: str, body: CoverageIn, idempotency_key: str | None = None) -> Coverage:
        authz.authorize(caller, "records.coverage.add", authz.patient(patient_id))

        def attempt(request: IdempotentRequest | None) -> Coverage:
            record = self._live_record(caller, patient_id)
            at = self._at()
            coverage = Coverage(**body.model_dump(), id=self.make_id(), patient_id=patient_id, version=1,
                                created_at=at, updated_at=at)
            try:
                check_no_overlap(record.coverages, coverage)
            except Conflict:
                self._done_already(self.book, caller, request)
                raise
            self.book.add(
                caller.practice_id, coverage, record.related_rev,
                claim=request.answered(coverage) if request else None,
                audit=self._draft(caller, "coverage.create", "COVERAGE", coverage.id, patient_id, at),
                events=[self._event("records.coverage.added", caller, coverage.id, patient_id=patient_id,
                                    rank=coverage.rank)],
            )
            return coverage

        return run_once(self.book, caller.practice_id, idempotency_key, f"records.coverage.create:{patient_id}",
                        body, lambda request: until_record_settles(lambda: attempt(request)),
                        self._replayed(caller, Coverage, "coverage.create", "COVERAGE", patient_id))

    def update(self, caller: Caller, patient_id: str, coverage_id: str, patch: CoveragePatch,
               expected: ExpectedVersion) -> Coverage:
        authz.authorize(caller, "records.coverage.update", authz.patient(patient_id))
        expected_version = expected()

        def attempt() -> Coverage:
            record = self._live_record(caller, patient_id)
            current = next((c for c in record.coverages if c.id == coverage_id), None)
            if current is None:
                raise NotFound("no such coverage", code="coverage_not_found")
            if current.version != expected_version:
                raise stale("coverage")
            at = self._at()
            try:
                updated = Coverage.model_validate({**current.model_dump(), **patch.changes(),
                                                   "version": current.version + 1, "updated_at": at})
            except ValidationError as error:
                raise invalid(error) from None
            check_no_overlap([c for c in record.coverages if c.id != coverage_id], updated)
            self.book.replace(
                caller.practice_id, updated, current.version, record.related_rev,
                audit=self._draft(caller, "coverage.update", "COVERAGE", coverage_id, patient_id, at),
                events=[self._event("records.coverage.updated", caller, coverage_id, patient_id=patient_id,
                                    rank=updated.rank)],
            )
            return updated

        return until_record_settles(attempt)
