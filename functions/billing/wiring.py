"""Billing's one composition root: the DynamoDB adapters, the patient records, the clearinghouse and the workflow
engine, wired into each use case once per container (`core.container.reset()` forgets them). api.py, tasks.py
and jobs.py take their use cases from here. Use-case modules are imported inside their builders, so an entry
point loads only the rules its routes need (the tasks function never loads the API's, nor the API the steps)."""

from typing import TYPE_CHECKING

from functions.core.audit_store import AuditStore
from functions.core.container import per_container
from functions.core.settings import SettingsError
from functions.core.settings import settings as environment
from functions.core.table import Table

if TYPE_CHECKING:
    from functions.billing.charges import Charges
    from functions.billing.claim_workflow import ClaimWorkflow
    from functions.billing.claims import Claims
    from functions.billing.clearinghouse import Clearinghouse
    from functions.billing.coverage import Coverages
    from functions.billing.dynamo.claims import DynamoChargeBook, DynamoClaimFiles, DynamoClaimLedger
    from functions.billing.dynamo.money import DynamoInvoiceBook, DynamoPaymentLedger
    from functions.billing.dynamo.setup import DynamoBillingSetup
    from functions.billing.fee_schedule import FeeSchedules
    from functions.billing.follow_up import ClaimFollowUp
    from functions.billing.invoicing import Invoicing
    from functions.billing.payments import Payments
    from functions.billing.ports import ClaimWorkflowEngine
    from functions.billing.reports import Reports
    from functions.billing.settings import ClaimSetup


@per_container
def audit_trail() -> AuditStore:
    """The trail every billing change and audited read goes to: one cached chain head per container."""
    return AuditStore(Table())


# --- adapters -------------------------------------------------------------------------------------------

@per_container
def billing_setup() -> "DynamoBillingSetup":
    from functions.billing.dynamo.setup import DynamoBillingSetup

    return DynamoBillingSetup(Table(), audit_trail())


@per_container
def claim_ledger() -> "DynamoClaimLedger":
    from functions.billing.dynamo.claims import DynamoClaimLedger

    return DynamoClaimLedger(Table(), audit_trail())


@per_container
def charge_book() -> "DynamoChargeBook":
    from functions.billing.dynamo.claims import DynamoChargeBook

    return DynamoChargeBook(Table(), audit_trail())


@per_container
def claim_files() -> "DynamoClaimFiles":
    from functions.billing.dynamo.claims import DynamoClaimFiles

    return DynamoClaimFiles(Table())


@per_container
def invoice_book() -> "DynamoInvoiceBook":
    from functions.billing.dynamo.money import DynamoInvoiceBook

    return DynamoInvoiceBook(Table(), audit_trail())


@per_container
def payment_ledger() -> "DynamoPaymentLedger":
    from functions.billing.dynamo.money import DynamoPaymentLedger

    return DynamoPaymentLedger(Table(), audit_trail())


@per_container
def coverages() -> "Coverages":
    from functions.billing.coverage import Coverages
    from functions.billing.dynamo.patients import RecordsPatientCoverage
    from functions.records.dynamo import DynamoPatientRecords

    return Coverages(RecordsPatientCoverage(DynamoPatientRecords(Table(), audit_trail())), billing_setup())


@per_container
def clearinghouse() -> "Clearinghouse":
    config = environment()  # refuses the simulator outside the local stage
    if config.billing_clearinghouse is None:  # a real clearinghouse adapter plugs in here, chosen by the setting
        raise SettingsError(f"no clearinghouse is configured for stage {config.stage}: set BILLING_CLEARINGHOUSE")
    from functions.billing.clearinghouse import SimulatedClearinghouse

    return SimulatedClearinghouse(Table())


@per_container
def workflow_engine() -> "ClaimWorkflowEngine":
    from functions.billing.workflow import StepFunctionsWorkflow

    return StepFunctionsWorkflow()


# --- use cases ------------------------------------------------------------------------------------------

@per_container
def claim_setup() -> "ClaimSetup":
    from functions.billing.settings import ClaimSetup

    return ClaimSetup(billing_setup(), audit_trail())


@per_container
def fee_schedules() -> "FeeSchedules":
    from functions.billing.fee_schedule import FeeSchedules

    return FeeSchedules(billing_setup(), audit_trail())


@per_container
def charges() -> "Charges":
    from functions.billing.charges import Charges

    return Charges(charge_book(), billing_setup(), coverages(), audit_trail())


@per_container
def claims() -> "Claims":
    from functions.billing.claims import Claims
    from functions.core.secrets import page_token_key

    return Claims(claim_ledger(), charge_book(), claim_files(), billing_setup(), coverages(), workflow_engine(),
                  audit_trail(), page_key=page_token_key)


@per_container
def claim_workflow() -> "ClaimWorkflow":
    from functions.billing.claim_workflow import ClaimWorkflow
    from functions.billing.remittance import Remittance

    remittance = Remittance(claim_ledger(), claim_files(), billing_setup(), clearinghouse(), invoice_book(),
                            payment_ledger(), audit_trail())
    return ClaimWorkflow(claim_ledger(), charge_book(), claim_files(), billing_setup(), coverages(), clearinghouse(),
                         remittance, audit_trail())


@per_container
def claim_follow_up() -> "ClaimFollowUp":
    from functions.billing.follow_up import ClaimFollowUp

    return ClaimFollowUp(claim_ledger(), billing_setup(), clearinghouse(), audit_trail())


@per_container
def invoicing() -> "Invoicing":
    from functions.billing.invoicing import Invoicing

    return Invoicing(invoice_book(), coverages(), audit_trail())


@per_container
def payments() -> "Payments":
    from functions.billing.payments import Payments

    return Payments(payment_ledger(), invoice_book(), audit_trail())


@per_container
def reports() -> "Reports":
    from functions.billing.reports import Reports

    return Reports(claim_ledger(), invoice_book(), audit_trail())
