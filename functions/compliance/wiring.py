"""The compliance area's one composition root: the adapters on the table, handed to the use cases once per warm
container (jobs, the compliance API and the audit API)."""

from functions.compliance.audit_verification import AuditVerification
from functions.core import container
from functions.core.audit_store import AuditStore
from functions.core.container import per_container
from functions.core.registry import practice_ids
from functions.core.table import Table


@per_container
def audit() -> AuditStore:
    """One trail per container: it caches each practice's chain head between requests."""
    return AuditStore(Table())


@per_container
def audit_verification() -> AuditVerification:
    table = Table()
    return AuditVerification(AuditStore(table), lambda: practice_ids(table))


def reset() -> None:
    """Forget what this area's container built (a cold start for this area alone)."""
    container.reset(__name__)


# --- the privacy officer's audit views ---------------------------------------------------------------------
# Use-case modules imported on first use: the jobs and the compliance API never load them.


@per_container
def audit_views():
    from functions.compliance.audit_views import AuditViews
    from functions.core.secrets import page_token_key

    return AuditViews(audit(), audit(), page_token_key)


@per_container
def audit_export():
    from functions.compliance.audit_export import AuditExport
    from functions.core.secrets import page_token_key

    return AuditExport(audit(), audit(), page_token_key)


@per_container
def disclosures():
    from functions.compliance.disclosures import Disclosures
    from functions.compliance.dynamo.disclosures import DynamoDisclosureBook

    return Disclosures(DynamoDisclosureBook(Table(), audit()), audit())
