"""The compliance area's one composition root: the adapters on the table, handed to the use cases once per warm
container (jobs, the compliance API and the audit API)."""

from functions.compliance.audit_verification import AuditVerification
from functions.compliance.checks.base import Check
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


# --- H3: the checks over the other areas ---------------------------------------------------------------------


@per_container
def compliance_checks_sources() -> list[Check]:
    """The checks that read the other areas (each through that area's adapter); the lead joins this list to
    `compliance_checks()`. Imported here, not at the top: the compliance API's routes never load four other
    areas' adapters (cold start); only the daily run does."""
    from functions.compliance.checks.leave_waiting import LeaveWaiting
    from functions.compliance.checks.stale_account import StaleAccount
    from functions.compliance.checks.stock_expired import StockExpired
    from functions.compliance.checks.timely_filing import TimelyFiling
    from functions.compliance.checks.unconsented_message import UnconsentedMessage
    from functions.compliance.sources.billing import BillingClaimsToFile
    from functions.compliance.sources.inventory import InventoryExpiredStock
    from functions.compliance.sources.notifications import NotificationsPatientDeliveries
    from functions.compliance.sources.records import RecordsConsents
    from functions.compliance.sources.staff import StaffSignIns, StaffWaitingLeave

    table = Table()
    return [
        TimelyFiling(BillingClaimsToFile(table)),
        StockExpired(InventoryExpiredStock(table)),
        UnconsentedMessage(NotificationsPatientDeliveries(table), RecordsConsents(table)),
        LeaveWaiting(StaffWaitingLeave(table)),
        StaleAccount(StaffSignIns(table)),
    ]
