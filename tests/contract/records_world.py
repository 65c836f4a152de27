"""The records ports twice over, for the contract suites: the in-memory fakes, and the DynamoDB adapters on
a fresh moto table. Each suite takes the `world` fixture and runs once on each."""

from dataclasses import dataclass
from typing import Any

import pytest

from functions.core.audit import AuditDraft
from functions.core.idempotency import IdempotentRequest
from functions.core.ids import new_id
from functions.records.models.consent import Consent
from functions.records.models.coverage import Coverage
from functions.records.models.patients import Patient
from functions.records.ports import ConsentBook, CoverageBook, PatientIndex, PatientRecords

PRACTICE = "practice-a"
OTHER = "practice-b"
AT = "2026-03-04T15:30:00.000Z"


@dataclass
class World:
    records: PatientRecords
    index: PatientIndex
    coverages: CoverageBook
    consents: ConsentBook
    audit: Any  # the adapters' trail: counts the entries written

    def audited(self, practice_id: str = PRACTICE) -> int:
        """How many audit entries the practice's trail holds."""
        if hasattr(self.audit, "head"):
            return self.audit.head(practice_id)[0]
        return sum(1 for entry in self.audit.entries if entry.practice_id == practice_id)


@pytest.fixture(params=["fake", "dynamo"])
def world(request) -> World:
    if request.param == "fake":
        from tests.fakes.records import (
            FakeConsentBook,
            FakeCoverageBook,
            FakePatientIndex,
            FakePatientRecords,
            RecordsStore,
        )

        store = RecordsStore()
        return World(FakePatientRecords(store), FakePatientIndex(store), FakeCoverageBook(store),
                     FakeConsentBook(store), store.audit)
    request.getfixturevalue("cloud")
    from functions.core.audit_store import AuditStore
    from functions.core.table import Table
    from functions.records.dynamo import (
        DynamoConsentBook,
        DynamoCoverageBook,
        DynamoPatientIndex,
        DynamoPatientRecords,
    )

    table = Table()
    audit = AuditStore(table)
    return World(DynamoPatientRecords(table, audit), DynamoPatientIndex(table), DynamoCoverageBook(table, audit),
                 DynamoConsentBook(table, audit), audit)


def audit(action: str, entity_id: str, practice_id: str = PRACTICE) -> AuditDraft:
    return AuditDraft(practice_id=practice_id, actor="user-1", role="coordinator", action=action, entity="PATIENT",
                      entity_id=entity_id, request_id="req-1", at=AT, subject_patient_id=entity_id)


def patient(**overrides) -> Patient:
    fields = {"id": new_id(), "given_name": "Ada", "family_name": "Lovelace", "birth_date": "1990-12-10",
              "gender": "female", "phone": "+442079460000", "email": "ada@example.org", "version": 1,
              "created_at": AT, "updated_at": AT}
    return Patient(**{**fields, **overrides})


def registered(world: World, practice_id: str = PRACTICE, **overrides) -> Patient:
    new = patient(**overrides)
    world.records.register(practice_id, new, audit("patient.create", new.id, practice_id), [])
    return new


def coverage(patient_id: str, **overrides) -> Coverage:
    fields = {"id": new_id(), "patient_id": patient_id, "payer_id": "60054", "payer_name": "Aetna",
              "member_id": "W123", "rank": "primary", "period_start": "2026-01-01", "version": 1,
              "created_at": AT, "updated_at": AT}
    return Coverage(**{**fields, **overrides})


def consent(patient_id: str, **overrides) -> Consent:
    fields = {"id": new_id(), "patient_id": patient_id, "kind": "treatment", "status": "active", "granted_at": AT,
              "recorded_by": "user-1", "version": 1, "updated_at": AT}
    return Consent(**{**fields, **overrides})


def keyed(key: str, body: str) -> IdempotentRequest:
    return IdempotentRequest(key=key, fingerprint=f"fingerprint-of-{body}")
