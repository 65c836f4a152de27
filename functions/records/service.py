"""The records rules: who may see or change a patient's record, what a change may do, and that every read
and write of it is audited. Plain values in, models out; storage and the audit trail come in as ports."""

import hashlib
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from pydantic import ValidationError

from functions.core import clock, pagination
from functions.core.audit import AuditDraft
from functions.core.auth import Caller, Role
from functions.core.errors import Conflict, Invalid, NotFound, stale
from functions.core.events import DomainEvent
from functions.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from functions.core.idempotency import AlreadyDone, IdempotencyClaim, fingerprint
from functions.core.ids import new_id
from functions.core.keys import segment
from functions.core.observability import logger
from functions.core.service import AreaService
from functions.records import fhir
from functions.records.models import (
    Consent,
    ConsentIn,
    ConsentList,
    ConsentPatch,
    Coverage,
    CoverageFields,
    CoverageIn,
    CoverageList,
    CoveragePatch,
    FamilyMember,
    FamilyMemberIn,
    Patient,
    PatientIn,
    PatientPage,
    PatientPatch,
    PatientRecord,
    PatientSummary,
    check_consent_shape,
    name_key,
)

# Who may do what, in one place; the API's guards read these.
READERS = frozenset({Role.COORDINATOR, Role.FRONT_DESK, Role.PRACTITIONER, Role.BILLING})  # + the patient
EDITORS = frozenset({Role.COORDINATOR, Role.FRONT_DESK})
COVERAGE_EDITORS = EDITORS | {Role.BILLING}  # billing fixes the insurance it bills; it edits nothing else here
DELETERS = frozenset({Role.COORDINATOR})
SEARCHERS = READERS  # a patient never searches: they know their own id
CONSENT_RECORDERS = EDITORS  # + the patient, who may grant and withdraw their own consent

T = TypeVar("T")

# Coverage and consent writes retry this many times when another write to the same record got in first.
RELATED_ATTEMPTS = 3


class RecordsRepo(Protocol):
    def record(self, practice_id: str, patient_id: str) -> PatientRecord | None: ...

    def search_by_name(self, practice_id: str, family: str, given: str | None, limit: int,
                       after: str | None = None) -> tuple[list[Patient], str | None]: ...

    def search_by_birth_date(self, practice_id: str, birth_date: date, limit: int,
                             after: str | None = None) -> tuple[list[Patient], str | None]: ...

    def search_by_phone(self, practice_id: str, phone: str, limit: int,
                        after: str | None = None) -> tuple[list[Patient], str | None]: ...

    def replay(self, practice_id: str, claim: IdempotencyClaim) -> dict[str, Any] | None: ...

    def create_patient(self, practice_id: str, patient: Patient, audit: AuditDraft, events: Sequence[DomainEvent],
                       claim: IdempotencyClaim | None = None) -> None: ...

    def update_patient(self, practice_id: str, patient: Patient, expected_version: int, audit: AuditDraft,
                       events: Sequence[DomainEvent], expected_rev: int | None = None) -> None: ...

    def soft_delete_patient(self, practice_id: str, patient_id: str, at: str, audit: AuditDraft,
                            events: Sequence[DomainEvent]) -> None: ...

    def put_coverage(self, practice_id: str, coverage: Coverage, seen_rev: int, audit: AuditDraft,
                     events: Sequence[DomainEvent], expected_version: int | None = None,
                     claim: IdempotencyClaim | None = None) -> None: ...

    def put_consent(self, practice_id: str, consent: Consent, seen_rev: int, audit: AuditDraft,
                    events: Sequence[DomainEvent], expected_version: int | None = None,
                    claim: IdempotencyClaim | None = None) -> None: ...


class AuditTrail(Protocol):
    """Where audited reads are recorded (writes carry their entry into the repo's transaction)."""

    def record(self, entry: AuditDraft) -> Any: ...


def _not_found() -> NotFound:
    return NotFound("no such patient", code="patient_not_found")


def _invalid(error: ValidationError) -> Invalid:
    details = [{"field": ".".join(str(p) for p in e["loc"]), "problem": e["msg"], "type": e["type"]}
               for e in error.errors()]
    return Invalid("the change would leave the record invalid", details, code="validation_failed")


class RecordsService(AreaService):
    def __init__(self, repo: RecordsRepo, audit: AuditTrail, page_key: Callable[[], bytes],
                 now: Callable[[], datetime] = clock.now, make_id: Callable[[], str] = new_id) -> None:
        self.repo = repo
        self.audit = audit
        self.page_key = page_key
        self.now = now
        self.make_id = make_id

    # --- patients -----------------------------------------------------------------------------

    def create_patient(self, caller: Caller, body: PatientIn, idempotency_key: str | None = None) -> PatientRecord:
        if any(member.id for member in body.family):
            raise Invalid("a new patient's family members get their ids from us; leave `id` out",
                          code="unexpected_id")
        at = self._at()
        patient = Patient(
            **body.model_dump(exclude={"family"}),
            id=self.make_id(),
            family=[self._new_member(member) for member in body.family],
            version=1, created_at=at, updated_at=at,
        )
        record = PatientRecord(**patient.model_dump())
        claim = self._claim(idempotency_key, "records.patient.create", body, record)
        try:
            self.repo.create_patient(
                caller.practice_id, patient,
                audit=self._draft(caller, "patient.create", "PATIENT", patient.id, patient.id, at),
                events=[self._event("records.patient.created", caller, patient.id)],
                claim=claim,
            )
        except AlreadyDone:
            return self._replayed(caller, claim, PatientRecord, "patient.create", "PATIENT")
        logger.info("patient registered", extra={"patient_id": patient.id})  # ids only, never a name
        return record

    def read_patient(self, caller: Caller, patient_id: str) -> PatientRecord:
        record = self._live_record(caller, patient_id)
        self.audit.record(self._draft(caller, "patient.read", "PATIENT", patient_id, patient_id))
        return record

    def export_fhir(self, caller: Caller, patient_id: str) -> dict[str, Any]:
        record = self._live_record(caller, patient_id)
        at = self._at()
        self.audit.record(self._draft(caller, "patient.export", "PATIENT", patient_id, patient_id, at))
        return fhir.bundle(record, at)

    def update_patient(self, caller: Caller, patient_id: str, patch: PatientPatch,
                       expected_version: int) -> PatientRecord:
        record = self._live_record(caller, patient_id)
        if record.version != expected_version:
            raise stale("patient")
        changes = patch.changes()
        if not changes:
            raise Invalid("send at least one field to change", code="nothing_to_change")
        expected_rev = None
        if patch.family is not None:
            changes["family"] = self._resolve_family(record, patch.family)
            kept = {member.id for member in changes["family"]}
            removed = {member.id for member in record.family} - kept
            shared = {member_id for consent in record.consents if consent.status == "active"
                      for member_id in consent.shares_with}
            if removed & shared:
                raise Conflict("a family member named in an active data-sharing consent stays until the consent "
                               "is revoked", code="family_member_in_consent")
            if removed:
                expected_rev = record.related_rev  # a consent naming them must not slip in meanwhile
        at = self._at()
        try:
            updated = Patient.model_validate({
                **record.model_dump(include=set(Patient.model_fields)), **changes,
                "version": record.version + 1, "updated_at": at,
            })
        except ValidationError as error:
            raise _invalid(error) from None
        self.repo.update_patient(
            caller.practice_id, updated, expected_version=expected_version, expected_rev=expected_rev,
            audit=self._draft(caller, "patient.update", "PATIENT", patient_id, patient_id, at),
            events=[self._event("records.patient.updated", caller, patient_id,
                                version=updated.version, fields=sorted(patch.changes()))],
        )
        logger.info("patient updated", extra={"patient_id": patient_id, "version": updated.version})
        return PatientRecord(**updated.model_dump(), coverages=record.coverages, consents=record.consents)

    def delete_patient(self, caller: Caller, patient_id: str) -> None:
        """Soft delete: the record stays (retention law) but reads as gone and leaves every search."""
        at = self._at()
        self.repo.soft_delete_patient(
            caller.practice_id, segment(patient_id, "patient id"), at,
            audit=self._draft(caller, "patient.delete", "PATIENT", patient_id, patient_id, at),
            events=[self._event("records.patient.deleted", caller, patient_id)],
        )
        logger.info("patient soft-deleted", extra={"patient_id": patient_id})

    def search(self, caller: Caller, *, family: str | None = None, given: str | None = None,
               birth_date: date | None = None, phone: str | None = None, limit: int = 20,
               page_token: str | None = None) -> PatientPage:
        """Exactly one kind of search: by name (family prefix, or family and given prefix), birth date or phone."""
        kinds = [kind for kind, value in (("name", family), ("birth_date", birth_date), ("phone", phone))
                 if value is not None]
        if given is not None and family is None:
            raise Invalid("search by given name needs a family name too", code="invalid_search")
        if len(kinds) != 1:
            raise Invalid("search by one of: family (and given), birth_date, phone", code="invalid_search")
        by = kinds[0]
        criteria = {"name": f"{name_key(family or '')}#{name_key(given or '')}", "birth_date": str(birth_date),
                    "phone": phone}[by]
        # the token is good for this practice and this exact search only
        query = f"patients.by_{by}.{hashlib.sha256(str(criteria).encode()).hexdigest()[:24]}"
        resume = pagination.decode(page_token, practice_id=caller.practice_id, query=query, key=self.page_key)
        after = None
        if resume is not None:
            after = resume.get("after")
            if not isinstance(after, str):
                raise Invalid("the page token is not valid here", code="invalid_page_token")
        practice = caller.practice_id
        if by == "name":
            patients, last = self.repo.search_by_name(practice, family, given, limit, after)
        elif by == "birth_date":
            patients, last = self.repo.search_by_birth_date(practice, birth_date, limit, after)
        else:
            patients, last = self.repo.search_by_phone(practice, phone, limit, after)
        # one entry per search: what kind, by whom; the patients listed are not each a record read
        self.audit.record(self._draft(caller, "patient.search", "PATIENT", f"by_{by}", None))
        token = pagination.encode({"after": last} if last else None, practice_id=practice, query=query,
                                  key=self.page_key())
        return PatientPage(patients=[PatientSummary.of(p) for p in patients], next_page_token=token)

    # --- coverage -----------------------------------------------------------------------------

    def list_coverages(self, caller: Caller, patient_id: str) -> CoverageList:
        record = self._live_record(caller, patient_id)
        self.audit.record(self._draft(caller, "coverage.list", "PATIENT", patient_id, patient_id))
        return CoverageList(coverages=record.coverages)

    def add_coverage(self, caller: Caller, patient_id: str, body: CoverageIn,
                     idempotency_key: str | None = None) -> Coverage:
        def attempt() -> Coverage:
            record = self._live_record(caller, patient_id)
            at = self._at()
            coverage = Coverage(**body.model_dump(), id=self.make_id(), patient_id=patient_id, version=1,
                                created_at=at, updated_at=at)
            claim = self._claim(idempotency_key, f"records.coverage.create:{patient_id}", body, coverage)
            try:
                self._check_no_overlap(record.coverages, coverage)
            except Conflict:
                # a retry of a create that succeeded now collides with itself: answer as the first time
                if (done := self._replay_if_done(caller, claim, Coverage, "coverage.create", "COVERAGE",
                                                 patient_id)) is not None:
                    return done
                raise
            try:
                self.repo.put_coverage(
                    caller.practice_id, coverage, record.related_rev, claim=claim,
                    audit=self._draft(caller, "coverage.create", "COVERAGE", coverage.id, patient_id, at),
                    events=[self._event("records.coverage.added", caller, coverage.id, patient_id=patient_id,
                                        rank=coverage.rank)],
                )
            except AlreadyDone:
                return self._replayed(caller, claim, Coverage, "coverage.create", "COVERAGE", patient_id)
            return coverage

        return self._until_record_settles(attempt)

    def update_coverage(self, caller: Caller, patient_id: str, coverage_id: str, patch: CoveragePatch,
                        expected_version: int) -> Coverage:
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
                raise _invalid(error) from None
            self._check_no_overlap([c for c in record.coverages if c.id != coverage_id], updated)
            self.repo.put_coverage(
                caller.practice_id, updated, record.related_rev, expected_version=current.version,
                audit=self._draft(caller, "coverage.update", "COVERAGE", coverage_id, patient_id, at),
                events=[self._event("records.coverage.updated", caller, coverage_id, patient_id=patient_id,
                                    rank=updated.rank)],
            )
            return updated

        return self._until_record_settles(attempt)

    @staticmethod
    def _check_no_overlap(existing: list[Coverage], coverage: CoverageFields) -> None:
        """A patient has one primary and one secondary plan at a time: two of a rank may not overlap."""
        if any(other.rank == coverage.rank and other.overlaps(coverage) for other in existing):
            raise Conflict(f"another {coverage.rank} coverage covers part of that period; end it first",
                           code="coverage_overlap")

    # --- consent ------------------------------------------------------------------------------

    def list_consents(self, caller: Caller, patient_id: str) -> ConsentList:
        record = self._live_record(caller, patient_id)
        self.audit.record(self._draft(caller, "consent.list", "PATIENT", patient_id, patient_id))
        return ConsentList(consents=record.consents)

    def grant_consent(self, caller: Caller, patient_id: str, body: ConsentIn,
                      idempotency_key: str | None = None) -> Consent:
        def attempt() -> Consent:
            record = self._live_record(caller, patient_id)
            at = self._at()
            consent = Consent(**body.model_dump(), id=self.make_id(), patient_id=patient_id, status="active",
                              granted_at=at, recorded_by=caller.user_id, version=1, updated_at=at)
            claim = self._claim(idempotency_key, f"records.consent.create:{patient_id}", body, consent)
            try:
                if body.kind != "data_sharing" and any(c.kind == body.kind and c.status == "active"
                                                       for c in record.consents):
                    raise Conflict(f"an active {body.kind} consent exists; update or revoke it",
                                   code="consent_exists")
                self._check_family(record, body.shares_with)
            except (Conflict, Invalid):
                if (done := self._replay_if_done(caller, claim, Consent, "consent.grant", "CONSENT",
                                                 patient_id)) is not None:
                    return done
                raise
            try:
                self.repo.put_consent(
                    caller.practice_id, consent, record.related_rev, claim=claim,
                    audit=self._draft(caller, "consent.grant", "CONSENT", consent.id, patient_id, at),
                    events=[self._event("records.consent.granted", caller, consent.id, patient_id=patient_id,
                                        kind=consent.kind)],
                )
            except AlreadyDone:
                return self._replayed(caller, claim, Consent, "consent.grant", "CONSENT", patient_id)
            return consent

        return self._until_record_settles(attempt)

    def update_consent(self, caller: Caller, patient_id: str, consent_id: str, patch: ConsentPatch,
                       expected_version: int) -> Consent:
        def change(record: PatientRecord, current: Consent, at: str) -> Consent:
            channels = current.channels if patch.channels is None else patch.channels
            shares_with = current.shares_with if patch.shares_with is None else patch.shares_with
            try:
                check_consent_shape(current.kind, channels, shares_with)
            except ValueError as error:
                raise Invalid(str(error), code="validation_failed") from None
            self._check_family(record, shares_with)
            return current.model_copy(update={"channels": channels, "shares_with": shares_with,
                                              "version": current.version + 1, "updated_at": at})

        return self._change_consent(caller, patient_id, consent_id, expected_version, "consent.update",
                                    "records.consent.updated", change)

    def revoke_consent(self, caller: Caller, patient_id: str, consent_id: str, expected_version: int) -> Consent:
        def revoke(_: PatientRecord, current: Consent, at: str) -> Consent:
            return current.model_copy(update={"status": "revoked", "revoked_at": at, "revoked_by": caller.user_id,
                                              "version": current.version + 1, "updated_at": at})

        return self._change_consent(caller, patient_id, consent_id, expected_version, "consent.revoke",
                                    "records.consent.revoked", revoke)

    def _change_consent(self, caller: Caller, patient_id: str, consent_id: str, version: int, action: str,
                        event_type: str, change: Callable[[PatientRecord, Consent, str], Consent]) -> Consent:
        def attempt() -> Consent:
            record = self._live_record(caller, patient_id)
            current = next((c for c in record.consents if c.id == consent_id), None)
            if current is None:
                raise NotFound("no such consent", code="consent_not_found")
            if current.status != "active":
                raise Conflict("the consent was revoked; record a new one", code="consent_revoked")
            if current.version != version:
                raise stale("consent")
            at = self._at()
            updated = change(record, current, at)
            self.repo.put_consent(
                caller.practice_id, updated, record.related_rev, expected_version=current.version,
                audit=self._draft(caller, action, "CONSENT", consent_id, patient_id, at),
                events=[self._event(event_type, caller, consent_id, patient_id=patient_id, kind=updated.kind)],
            )
            return updated

        return self._until_record_settles(attempt)

    @staticmethod
    def _check_family(record: PatientRecord, member_ids: list[str]) -> None:
        unknown = [member_id for member_id in member_ids if record.family_member(member_id) is None]
        if unknown:
            raise Invalid("a consent can only share with the patient's family members", {"unknown": unknown},
                          code="unknown_family_member")

    # --- shared -------------------------------------------------------------------------------

    @staticmethod
    def _until_record_settles(attempt: Callable[[], T]) -> T:
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

    def _live_record(self, caller: Caller, patient_id: str) -> PatientRecord:
        record = self.repo.record(caller.practice_id, segment(patient_id, "patient id"))
        if record is None or record.deleted_at is not None:
            raise _not_found()
        return record

    def _new_member(self, member: FamilyMemberIn) -> FamilyMember:
        return FamilyMember(**member.model_dump(exclude={"id"}), id=self.make_id())

    def _resolve_family(self, record: PatientRecord, members: list[FamilyMemberIn]) -> list[FamilyMember]:
        """Members sent with an id keep it (and must be the patient's); members without one are new."""
        unknown = [m.id for m in members if m.id is not None and record.family_member(m.id) is None]
        if unknown:
            raise Invalid("no such family member", {"unknown": unknown}, code="unknown_family_member")
        ids = [m.id for m in members if m.id is not None]
        if len(set(ids)) != len(ids):
            raise Invalid("a family member appears twice", code="duplicate_family_member")
        return [FamilyMember(**m.model_dump()) if m.id else self._new_member(m) for m in members]

    def _claim(self, key: str | None, operation: str, body: Any, response: Any) -> IdempotencyClaim | None:
        if key is None:
            return None
        return IdempotencyClaim(key=key, fingerprint=fingerprint(operation, body.model_dump(mode="json")),
                                response=response.model_dump(mode="json"))

    def _replayed(self, caller: Caller, claim: IdempotencyClaim, model: type, action: str, entity: str,
                  patient_id: str | None = None):
        """A retry of a create that already happened: the first answer again, and the re-read audited."""
        replayed = self._replay_if_done(caller, claim, model, action, entity, patient_id)
        if replayed is None:  # the claim expired between the conflict and the read
            raise Conflict(f"this {IDEMPOTENCY_HEADER} was just used; retry", code="idempotency_in_flux")
        return replayed

    def _replay_if_done(self, caller: Caller, claim: IdempotencyClaim | None, model: type, action: str,
                        entity: str, patient_id: str | None = None):
        """The first answer to a keyed create, re-read and audited; None when no request used the key."""
        stored = self.repo.replay(caller.practice_id, claim) if claim else None
        if stored is None:
            return None
        replayed = model.model_validate(stored)
        subject = patient_id or replayed.id
        self.audit.record(self._draft(caller, f"{action}.replayed", entity, replayed.id, subject))
        return replayed

