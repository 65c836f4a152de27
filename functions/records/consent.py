"""A patient's consents (treatment, communication, data sharing): list, grant (honouring Idempotency-Key),
change channels or recipients, revoke. A patient may grant and withdraw their own."""

from collections.abc import Callable
from datetime import datetime

from functions.core import authz, clock
from functions.core.auth import Caller
from functions.core.errors import Conflict, Invalid, NotFound, stale
from functions.core.idempotency import IdempotentRequest, run_once
from functions.core.ids import new_id
from functions.core.service import AuditTrail
from functions.core.types import ExpectedVersion
from functions.records import audience, family
from functions.records.chart import ChartUseCase, until_record_settles
from functions.records.models.audience import AudienceChange
from functions.records.models.consent import Consent, ConsentIn, ConsentList, ConsentPatch, check_consent_shape
from functions.records.models.patients import PatientRecord
from functions.records.ports import ConsentBook, PatientRecords

# change(record, current, at) -> the consent as it will be stored
Change = Callable[[PatientRecord, Consent, str], Consent]


class Consents(ChartUseCase):
    def __init__(self, records: PatientRecords, book: ConsentBook, audit: AuditTrail,
                 now: Callable[[], datetime] = clock.now, make_id: Callable[[], str] = new_id) -> None:
        super().__init__(records, audit, now, make_id)
        self.book = book

    def list_consents(self, caller: Caller, patient_id: str) -> ConsentList:
        authz.authorize(caller, "records.consent.list", authz.patient(patient_id))
        record = self._live_record(caller, patient_id)
        self._audit_read(caller, "consent.list", "PATIENT", patient_id, patient_id)
        return ConsentList(consents=record.consents)

    def grant(self, caller: Caller, patient_id: str, body: ConsentIn, idempotency_key: str | None = None) -> Consent:
        authz.authorize(caller, "records.consent.grant", authz.patient(patient_id))

        def attempt(request: IdempotentRequest | None) -> Consent:
            record = self._live_record(caller, patient_id)
            at = self._at()
            consent = Consent(**body.model_dump(), id=self.make_id(), patient_id=patient_id, status="active",
                              granted_at=at, recorded_by=caller.user_id, version=1, updated_at=at)
            try:
                if body.kind != "data_sharing" and any(c.kind == body.kind and c.status == "active"
                                                       for c in record.consents):
                    raise Conflict(f"an active {body.kind} consent exists; update or revoke it",
                                   code="consent_exists")
                family.check_shares_with(record, body.shares_with)
            except (Conflict, Invalid):
                self._done_already(self.book, caller, request)
                raise
            self.book.add(
                caller.practice_id, consent, record.related_rev,
                claim=request.answered(consent) if request else None,
                audit=self._draft(caller, "consent.grant", "CONSENT", consent.id, patient_id, at),
                events=[self._event("records.consent.granted", caller, consent.id, patient_id=patient_id,
                                    kind=consent.kind)],
                audience=_audience_change(record, consent),
            )
            return consent

        return run_once(self.book, caller.practice_id, idempotency_key, f"records.consent.create:{patient_id}",
                        body, lambda request: until_record_settles(lambda: attempt(request)),
                        self._replayed(caller, Consent, "consent.grant", "CONSENT", patient_id))

    def update(self, caller: Caller, patient_id: str, consent_id: str, patch: ConsentPatch,
               expected: ExpectedVersion) -> Consent:
        authz.authorize(caller, "records.consent.update", authz.patient(patient_id))
        expected_version = expected()

        def change(record: PatientRecord, current: Consent, at: str) -> Consent:
            channels = current.channels if patch.channels is None else patch.channels
            shares_with = current.shares_with if patch.shares_with is None else patch.shares_with
            topics = current.topics if patch.topics is None else patch.topics
            try:
                check_consent_shape(current.kind, channels, shares_with, topics)
            except ValueError as error:
                raise Invalid(str(error), code="validation_failed") from None
            family.check_shares_with(record, shares_with)
            return current.model_copy(update={"channels": channels, "shares_with": shares_with, "topics": topics,
                                              "version": current.version + 1, "updated_at": at})

        return self._change(caller, patient_id, consent_id, expected_version, "consent.update",
                            "records.consent.updated", change)

    def revoke(self, caller: Caller, patient_id: str, consent_id: str, expected: ExpectedVersion) -> Consent:
        authz.authorize(caller, "records.consent.revoke", authz.patient(patient_id))
        expected_version = expected()

        def revoke(_: PatientRecord, current: Consent, at: str) -> Consent:
            return current.model_copy(update={"status": "revoked", "revoked_at": at, "revoked_by": caller.user_id,
                                              "version": current.version + 1, "updated_at": at})

        return self._change(caller, patient_id, consent_id, expected_version, "consent.revoke",
                            "records.consent.revoked", revoke)

    def _change(self, caller: Caller, patient_id: str, consent_id: str, version: int, action: str,
                event_type: str, change: Change) -> Consent:
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
            self.book.replace(
                caller.practice_id, updated, current.version, record.related_rev,
                audit=self._draft(caller, action, "CONSENT", consent_id, patient_id, at),
                events=[self._event(event_type, caller, consent_id, patient_id=patient_id, kind=updated.kind)],
                audience=_audience_change(record, updated),
            )
            return updated

        return until_record_settles(attempt)


def _audience_change(record: PatientRecord, consent: Consent) -> AudienceChange | None:
    """What storing `consent` does to the patient's outreach audience entries (written in the same transaction)."""
    return audience.change(audience.entries(record, record.consents),
                           audience.entries(record, audience.with_consent(record.consents, consent)))
