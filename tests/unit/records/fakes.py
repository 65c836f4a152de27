"""In-memory stand-ins for the records repo and the audit trail: they keep what they were asked to do,
and enforce the same conditions the DynamoDB repo does (versions, related_rev, idempotency)."""

from datetime import date

from functions.core.errors import Conflict, Invalid, NotFound, stale
from functions.core.idempotency import AlreadyDone, IdempotencyClaim
from functions.records.models import Consent, Coverage, Patient, PatientRecord, name_key


class FakeAudit:
    def __init__(self) -> None:
        self.entries = []

    def record(self, entry) -> None:
        self.entries.append(entry)

    def actions(self) -> list[str]:
        return [entry.action for entry in self.entries]


class FakeRepo:
    def __init__(self, audit: FakeAudit) -> None:
        self.audit = audit
        self.events = []
        self.patients: dict[tuple[str, str], Patient] = {}
        self.coverages: dict[tuple[str, str], dict[str, Coverage]] = {}
        self.consents: dict[tuple[str, str], dict[str, Consent]] = {}
        self.claims: dict[tuple[str, str], IdempotencyClaim] = {}
        self.writes = 0
        self.before_write = None  # a hook: lets a test change the record between read and write

    # --- reads -----------------------------------------------------------------------------------
    def record(self, practice_id, patient_id):
        patient = self.patients.get((practice_id, patient_id))
        if patient is None:
            return None
        key = (practice_id, patient_id)
        record = PatientRecord(**patient.model_dump(), coverages=list(self.coverages[key].values()),
                               consents=list(self.consents[key].values()))
        return record.model_copy(update={"deleted_at": patient.deleted_at, "related_rev": patient.related_rev})

    def _search(self, practice_id, match, limit, after):
        live = sorted((p for (practice, _), p in self.patients.items() if practice == practice_id
                       and p.deleted_at is None and match(p)),
                      key=lambda p: (name_key(p.family_name), name_key(p.given_name), p.id))
        if after:
            ids = [p.id for p in live]
            live = live[ids.index(after) + 1:] if after in ids else []
        page = live[:limit]
        return page, (page[-1].id if len(live) > limit else None)

    def search_by_name(self, practice_id, family, given, limit, after=None):
        def match(p):
            if given:
                return name_key(p.family_name) == name_key(family) and name_key(p.given_name).startswith(
                    name_key(given))
            return name_key(p.family_name).startswith(name_key(family))
        return self._search(practice_id, match, limit, after)

    def search_by_birth_date(self, practice_id, birth_date: date, limit, after=None):
        return self._search(practice_id, lambda p: p.birth_date == birth_date, limit, after)

    def search_by_phone(self, practice_id, phone, limit, after=None):
        return self._search(practice_id, lambda p: p.phone == phone, limit, after)

    def replay(self, practice_id, claim):
        stored = self.claims.get((practice_id, claim.key))
        if stored is None:
            return None
        if stored.fingerprint != claim.fingerprint:
            raise Invalid("reused", code="idempotency_key_reused")
        return stored.response

    # --- writes ----------------------------------------------------------------------------------
    def _commit(self, practice_id, audit, events, claim):
        if claim and (practice_id, claim.key) in self.claims:
            raise AlreadyDone("already done")
        if claim:
            self.claims[(practice_id, claim.key)] = claim
        self.audit.record(audit)
        self.events += events
        self.writes += 1

    def _hook(self):
        if self.before_write:
            hook, self.before_write = self.before_write, None
            hook()

    def create_patient(self, practice_id, patient, audit, events, claim=None):
        if claim and (practice_id, claim.key) in self.claims:
            raise AlreadyDone("already done")
        key = (practice_id, patient.id)
        if key in self.patients:
            raise Conflict("exists", code="duplicate_id")
        self.patients[key] = Patient.model_validate(patient.model_dump())
        self.coverages[key], self.consents[key] = {}, {}
        self._commit(practice_id, audit, events, claim)

    def update_patient(self, practice_id, patient, expected_version, audit, events, expected_rev=None):
        self._hook()
        current = self.patients.get((practice_id, patient.id))
        if (current is None or current.deleted_at or current.version != expected_version
                or (expected_rev is not None and current.related_rev != expected_rev)):
            raise stale("record")
        self.patients[(practice_id, patient.id)] = Patient.model_validate(patient.model_dump()).model_copy(
            update={"related_rev": current.related_rev})
        self._commit(practice_id, audit, events, None)

    def soft_delete_patient(self, practice_id, patient_id, at, audit, events):
        current = self.patients.get((practice_id, patient_id))
        if current is None or current.deleted_at:
            raise NotFound("no such patient", code="patient_not_found")
        self.patients[(practice_id, patient_id)] = current.model_copy(
            update={"deleted_at": at, "version": current.version + 1})
        self._commit(practice_id, audit, events, None)

    def _related(self, store, practice_id, item, seen_rev, audit, events, expected_version, claim):
        self._hook()
        if claim and (practice_id, claim.key) in self.claims:
            raise AlreadyDone("already done")
        key = (practice_id, item.patient_id)
        patient = self.patients.get(key)
        existing = store[key].get(item.id) if patient else None
        if expected_version is None and existing is not None:
            raise Conflict("exists", code="duplicate_id")
        if expected_version is not None and (existing is None or existing.version != expected_version):
            raise stale("record")
        if patient is None or patient.deleted_at or patient.related_rev != seen_rev:
            raise Conflict("changed", code="record_changed")
        store[key][item.id] = item
        self.patients[key] = patient.model_copy(update={"related_rev": seen_rev + 1})
        self._commit(practice_id, audit, events, claim)

    def put_coverage(self, practice_id, coverage, seen_rev, audit, events, expected_version=None, claim=None):
        self._related(self.coverages, practice_id, coverage, seen_rev, audit, events, expected_version, claim)

    def put_consent(self, practice_id, consent, seen_rev, audit, events, expected_version=None, claim=None):
        self._related(self.consents, practice_id, consent, seen_rev, audit, events, expected_version, claim)

    def bump_related(self, practice_id, patient_id):
        """Another request's coverage or consent write, landing between our read and our write."""
        key = (practice_id, patient_id)
        self.patients[key] = self.patients[key].model_copy(update={"related_rev": self.patients[key].related_rev + 1})
