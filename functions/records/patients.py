"""Patients: register one, read or export their chart, change their details, soft-delete them. Every read and
write of a chart is audited; a change carries its audit entry and event in its own transaction."""

from typing import Any

from pydantic import ValidationError

from functions.core import authz
from functions.core.auth import Caller
from functions.core.errors import Invalid, stale
from functions.core.idempotency import IdempotentRequest, run_once
from functions.core.keys import segment
from functions.core.observability import logger
from functions.core.types import ExpectedVersion
from functions.records import audience, family, fhir
from functions.records.chart import ChartUseCase, invalid, until_record_settles
from functions.records.models.patients import Patient, PatientIn, PatientPatch, PatientRecord


class Patients(ChartUseCase):
    def register(self, caller: Caller, body: PatientIn, idempotency_key: str | None = None) -> PatientRecord:
        authz.authorize(caller, "records.patient.register")
        family.refuse_sent_ids(body.family)

        def work(request: IdempotentRequest | None) -> PatientRecord:
            at = self._at()
            patient = Patient(
                **body.model_dump(exclude={"family"}),
                id=self.make_id(),
                family=[family.new_member(member, self.make_id) for member in body.family],
                version=1, created_at=at, updated_at=at,
            )
            record = PatientRecord(**patient.model_dump())
            self.records.register(
                caller.practice_id, patient,
                audit=self._draft(caller, "patient.create", "PATIENT", patient.id, patient.id, at),
                events=[self._event("records.patient.created", caller, patient.id)],
                claim=request.answered(record) if request else None,
            )
            logger.info("patient registered", extra={"patient_id": patient.id})  # ids only, never a name
            return record

        return run_once(self.records, caller.practice_id, idempotency_key, "records.patient.create", body, work,
                        self._replayed(caller, PatientRecord, "patient.create", "PATIENT"))

    def read(self, caller: Caller, patient_id: str) -> PatientRecord:
        authz.authorize(caller, "records.patient.read", authz.patient(patient_id))
        record = self._live_record(caller, patient_id)
        self._audit_read(caller, "patient.read", "PATIENT", patient_id, patient_id)
        return record

    def export_fhir(self, caller: Caller, patient_id: str) -> dict[str, Any]:
        authz.authorize(caller, "records.patient.export", authz.patient(patient_id))
        record = self._live_record(caller, patient_id)
        at = self._at()
        self.audit.record(self._draft(caller, "patient.export", "PATIENT", patient_id, patient_id, at))
        return fhir.bundle(record, at)

    def update(self, caller: Caller, patient_id: str, patch: PatientPatch, expected: ExpectedVersion) -> PatientRecord:
        authz.authorize(caller, "records.patient.update", authz.patient(patient_id))
        expected_version = expected()
        record = self._live_record(caller, patient_id)
        if record.version != expected_version:
            raise stale("patient")
        changes = patch.changes()
        if not changes:
            raise Invalid("send at least one field to change", code="nothing_to_change")
        expected_rev = None
        if patch.family is not None:
            changes["family"] = family.resolve(record, patch.family, self.make_id)
            if family.removed(record, changes["family"]):
                expected_rev = record.related_rev  # a consent naming them must not slip in meanwhile
        at = self._at()
        try:
            updated = Patient.model_validate({
                **record.model_dump(include=set(Patient.model_fields)), **changes,
                "version": record.version + 1, "updated_at": at,
            })
        except ValidationError as error:
            raise invalid(error) from None
        moved = audience.change(audience.entries(record, record.consents), audience.entries(updated, record.consents))
        if moved is not None:
            expected_rev = record.related_rev  # the consent the entries were derived from must still stand
        self.records.update(
            caller.practice_id, updated, expected_version=expected_version, expected_rev=expected_rev, audience=moved,
            audit=self._draft(caller, "patient.update", "PATIENT", patient_id, patient_id, at),
            events=[self._event("records.patient.updated", caller, patient_id,
                                version=updated.version, fields=sorted(patch.changes()))],
        )
        logger.info("patient updated", extra={"patient_id": patient_id, "version": updated.version})
        return PatientRecord(**updated.model_dump(), coverages=record.coverages, consents=record.consents)

    def delete(self, caller: Caller, patient_id: str) -> None:
        """Soft delete: the record stays (retention law) but reads as gone and leaves every search."""
        authz.authorize(caller, "records.patient.delete", authz.patient(patient_id))

        def attempt() -> None:
            record = self._live_record(caller, patient_id)
            # a deleted patient leaves every outreach audience; the write is checked against the record read,
            # so a consent granted meanwhile cannot leave an entry behind
            dropped = audience.change(audience.entries(record, record.consents), {})
            at = self._at()
            self.records.soft_delete(
                caller.practice_id, segment(patient_id, "patient id"), at,
                audit=self._draft(caller, "patient.delete", "PATIENT", patient_id, patient_id, at),
                events=[self._event("records.patient.deleted", caller, patient_id)],
                audience=dropped, expected_rev=record.related_rev,
            )

        until_record_settles(attempt)
        logger.info("patient soft-deleted", extra={"patient_id": patient_id})
