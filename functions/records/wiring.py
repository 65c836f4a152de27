"""The records area's one composition root: the table's adapters handed to each use case, built once per
warm container (the audit store keeps each practice's chain head between requests)."""

from functions.core import container
from functions.core.audit_store import AuditStore
from functions.core.container import per_container
from functions.core.secrets import page_token_key
from functions.core.table import Table
from functions.records.consent import Consents
from functions.records.coverage import Coverages
from functions.records.dynamo import DynamoConsentBook, DynamoCoverageBook, DynamoPatientIndex, DynamoPatientRecords
from functions.records.patients import Patients
from functions.records.search import PatientSearch


@per_container
def table() -> Table:
    return Table()


@per_container
def audit_trail() -> AuditStore:
    """The trail every records use case writes to, and the API's refusals too."""
    return AuditStore(table())


@per_container
def charts() -> DynamoPatientRecords:
    return DynamoPatientRecords(table(), audit_trail())


@per_container
def patients() -> Patients:
    return Patients(charts(), audit_trail())


@per_container
def patient_search() -> PatientSearch:
    return PatientSearch(DynamoPatientIndex(table()), audit_trail(), page_key=page_token_key)


@per_container
def coverages() -> Coverages:
    return Coverages(charts(), DynamoCoverageBook(table(), audit_trail()), audit_trail())


@per_container
def consents() -> Consents:
    return Consents(charts(), DynamoConsentBook(table(), audit_trail()), audit_trail())


def reset() -> None:
    """Forget what this area's container built (a cold start for this area alone)."""
    container.reset(__name__)
