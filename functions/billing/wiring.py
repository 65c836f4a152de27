"""The production wiring of the billing service, one per container: the table, the patient records, the
clearinghouse and the workflow engine. Tests build the service themselves where they need other parts."""

from functions.billing.clearinghouse import Clearinghouse, SimulatedClearinghouse
from functions.billing.repo import BillingRepo
from functions.billing.service import BillingService
from functions.billing.workflow import StepFunctionsWorkflow
from functions.core.audit_store import AuditStore
from functions.core.container import per_container
from functions.core.secrets import page_token_key
from functions.core.settings import settings
from functions.core.table import Table
from functions.records.repo import RecordsRepo


def clearinghouse(table: Table) -> Clearinghouse:
    kind = settings().billing_clearinghouse
    if kind != "simulated":  # a real clearinghouse adapter plugs in here
        raise RuntimeError(f"no clearinghouse adapter {kind!r}")
    return SimulatedClearinghouse(table)


@per_container
def service() -> BillingService:
    table = Table()
    audit = AuditStore(table)
    return BillingService(BillingRepo(table, audit), RecordsRepo(table, audit), clearinghouse(table),
                          StepFunctionsWorkflow(), page_key=page_token_key)
