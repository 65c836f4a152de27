"""In-memory records ports and audit trail: they keep what they were asked to do and enforce the same
conditions the DynamoDB adapters do (versions, related_rev, soft delete, idempotency), so the records rules
run on them in milliseconds. tests/contract/test_records_*.py holds them to the adapters' behaviour."""

from datetime import date

from functions.core.errors import Conflict, Invalid, NotFound, stale
from functions.core.idempotency import AlreadyDone, IdempotencyClaim
from functions.records.models.consent import Consent
from functions.records.models.coverage import Coverage
from functions.records.models.patients import Patient, PatientRecord, name_key
from tests.fakes.audit import FakeAuditTrail


class RecordsStore:
    """The state the records fakes share, as the adapters share one table: profiles, coverages and consents
    per (practice, patient), idempotency claims per (practice, key), the events written, a write count."""

    def __init__(self, audit: FakeAuditTrail | None = None) -> None:
        self.audit = audit or FakeAuditTrail()
        self.events = []
        self.patients: dict[tuple[str, str], Patient] = {}
        self.coverages: dict[tuple[str, str], dict[str, Coverage]] = {}
        self.consents: dict[tuple[str, str], dict[str, Consent]] = {}
        self.claims: dict[tuple[str, str], IdempotencyClaim] = {}
        self.writes = 0
        self.before_write = None  # a hook: lets a test change the record between read and write

    def replay(self, practice_id, request):
        stored = self.claims.get((practice_id, request.key))
        if stored is None:
            return None
        if stored.fingerprint != request.fingerprint:
            raise Invalid("this Idempotency-Key was used for a different request", code="idempotency_key_reused")
        return stored.response

    def claim(self, practice_id, claim) -> None:
        if claim and (practice_id, claim.key) in self.claims:
            raise AlreadyDone("already done")

    def commit(self, practice_id, audit, events, claim) -> None:
        if claim:
            self.claims[(practice_id, claim.key)] = claim
        self.audit.record(audit)
        self.events += events
        self.writes += 1

    def hook(self) -> None:
        if self.before_write:
            hook, self.before_write = self.before_write, None
            hook()

    def bump_related(self, practice_id, patient_id) -> None:
        """Another request's coverage or consent write, landing between our read and our write."""
        key = (practice_id, patient_id)
        self.patients[key] = self.patients[key].model_copy(update={"related_rev": self.patients[key].related_rev + 1})


class FakePatientRecords:
    def __init__(self, store: RecordsStore) -> None:
        self.store = store

    def record(self, practice_id, patient_id):
        key = (practice_id, patient_id)
        patient = self.store.patients.get(key)
        if patient is None:
            return None
        record = PatientRecord(**patient.model_dump(), coverages=list(self.store.coverages[key].values()),
                               consents=list(self.store.consents[key].values()))
        return record.model_copy(update={"deleted_at": patient.deleted_at, "related_rev": patient.related_rev})

    def replay(self, practice_id, request):
        return self.store.replay(practice_id, request)

    def register(self, practice_id, patient, audit, events, claim=None):
        self.store.claim(practice_id, claim)
        key = (practice_id, patient.id)
        if key in self.store.patients:
            raise Conflict("that patient id exists", code="duplicate_id")
        self.store.patients[key] = Patient.model_validate(patient.model_dump())
        self.store.coverages[key], self.store.consents[key] = {}, {}
        self.store.commit(practice_id, audit, events, claim)

    def update(self, practice_id, patient, expected_version, audit, events, expected_rev=None):
        self.store.hook()
        current = self.store.patients.get((practice_id, patient.id))
        if (current is None or current.deleted_at or current.version != expected_version
                or (expected_rev is not None and current.related_rev != expected_rev)):
            raise stale("patient")
        self.store.patients[(practice_id, patient.id)] = Patient.model_validate(patient.model_dump()).model_copy(
            update={"related_rev": current.related_rev})
        self.store.commit(practice_id, audit, events, None)

    def soft_delete(self, practice_id, patient_id, at, audit, events):
        current = self.store.patients.get((practice_id, patient_id))
        if current is None or current.deleted_at:
            raise NotFound("no such patient", code="patient_not_found")
        self.store.patients[(practice_id, patient_id)] = current.model_copy(
            update={"deleted_at": at, "updated_at": at, "version": current.version + 1})
        self.store.commit(practice_id, audit, events, None)


class FakePatientIndex:
    def __init__(self, store: RecordsStore) -> None:
        self.store = store

    def _search(self, practice_id, match, limit, after):
        live = sorted((p for (practice, _), p in self.store.patients.items() if practice == practice_id
                       and p.deleted_at is None and match(p)),
                      key=lambda p: (name_key(p.family_name), name_key(p.given_name), p.id))
        if after:
            ids = [p.id for p in live]
            live = live[ids.index(after) + 1:] if after in ids else []
        page = live[:limit]
        return page, (page[-1].id if len(live) > limit else None)

    def search_by_name(self, practice_id, family, given, limit, after=None):
        family_key, given_key = name_key(family), name_key(given or "")
        if not family_key or (given and not given_key):
            raise Invalid("a name to search for needs letters or digits", code="invalid_search")

        def match(p):
            if given_key:
                return name_key(p.family_name) == family_key and name_key(p.given_name).startswith(given_key)
            return name_key(p.family_name).startswith(family_key)
        return self._search(practice_id, match, limit, after)

    def search_by_birth_date(self, practice_id, birth_date: date, limit, after=None):
        return self._search(practice_id, lambda p: p.birth_date == birth_date, limit, after)

    def search_by_phone(self, practice_id, phone, limit, after=None):
        return self._search(practice_id, lambda p: p.phone == phone, limit, after)


class _FakeRelatedBook:
    """Coverages or consents under a patient: each write checks the record's related_rev and bumps it."""

    kind: str

    def __init__(self, store: RecordsStore) -> None:
        self.store = store

    def _items(self):
        return self.store.coverages if self.kind == "coverage" else self.store.consents

    def replay(self, practice_id, request):
        return self.store.replay(practice_id, request)

    def add(self, practice_id, entry, seen_rev, audit, events, claim=None):
        self._put(practice_id, entry, None, seen_rev, audit, events, claim)

    def replace(self, practice_id, entry, expected_version, seen_rev, audit, events):
        self._put(practice_id, entry, expected_version, seen_rev, audit, events, None)

    def _put(self, practice_id, entry, expected_version, seen_rev, audit, events, claim):
        self.store.hook()
        self.store.claim(practice_id, claim)
        key = (practice_id, entry.patient_id)
        patient = self.store.patients.get(key)
        existing = self._items()[key].get(entry.id) if patient else None
        if expected_version is None and existing is not None:
            raise Conflict("that id exists", code="duplicate_id")
        if expected_version is not None and (existing is None or existing.version != expected_version):
            raise stale(self.kind)
        if patient is None or patient.deleted_at or patient.related_rev != seen_rev:
            raise Conflict("the patient's record changed meanwhile; retry", code="record_changed")
        self._items()[key][entry.id] = entry
        self.store.patients[key] = patient.model_copy(update={"related_rev": seen_rev + 1})
        self.store.commit(practice_id, audit, events, claim)


class FakeCoverageBook(_FakeRelatedBook):
    kind = "coverage"


class FakeConsentBook(_FakeRelatedBook):
    kind = "consent"
