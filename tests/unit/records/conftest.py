"""The records use cases wired to in-memory fakes that share one store, as the adapters share one table."""

import pytest

from functions.records.consent import Consents
from functions.records.coverage import Coverages
from functions.records.patients import Patients
from functions.records.search import PatientSearch
from tests.fakes.audit import FakeAuditTrail
from tests.fakes.records import (
    FakeConsentBook,
    FakeCoverageBook,
    FakePatientIndex,
    FakePatientRecords,
    RecordsStore,
)
from tests.unit.records.support import KEY, NOW


@pytest.fixture
def audit() -> FakeAuditTrail:
    return FakeAuditTrail()


@pytest.fixture
def store(audit) -> RecordsStore:
    return RecordsStore(audit)


@pytest.fixture
def patients(store, audit) -> Patients:
    return Patients(FakePatientRecords(store), audit, now=lambda: NOW)


@pytest.fixture
def search(store, audit) -> PatientSearch:
    return PatientSearch(FakePatientIndex(store), audit, page_key=lambda: KEY, now=lambda: NOW)


@pytest.fixture
def coverages(store, audit) -> Coverages:
    return Coverages(FakePatientRecords(store), FakeCoverageBook(store), audit, now=lambda: NOW)


@pytest.fixture
def consents(store, audit) -> Consents:
    return Consents(FakePatientRecords(store), FakeConsentBook(store), audit, now=lambda: NOW)


