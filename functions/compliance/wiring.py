"""The compliance area's one composition root: the adapters on the table, handed to the use cases once per warm
container (jobs, the compliance API and the audit API)."""

from typing import TYPE_CHECKING

from functions.compliance.audit_verification import AuditVerification
from functions.core import clock, container
from functions.core.audit_store import AuditStore
from functions.core.container import per_container
from functions.core.registry import practice_ids
from functions.core.table import Table

if TYPE_CHECKING:
    from functions.compliance.board import ComplianceBoard
    from functions.compliance.certification_reminders import CertificationReminders
    from functions.compliance.certifications import Certifications
    from functions.compliance.checks.base import Check
    from functions.compliance.compliance_settings import ComplianceSettingsDesk
    from functions.compliance.dynamo.certifications import DynamoCertificationBook
    from functions.compliance.dynamo.findings import DynamoFindingStore
    from functions.compliance.dynamo.policies import DynamoAcknowledgementBook, DynamoPolicyBook
    from functions.compliance.dynamo.settings import DynamoComplianceSettings, DynamoTrendSnapshots
    from functions.compliance.dynamo.training import DynamoAssignmentBook, DynamoProgrammeBook
    from functions.compliance.monitoring import ComplianceRun
    from functions.compliance.policies import Policies
    from functions.compliance.ports.staff import StaffDirectory
    from functions.compliance.programmes import Programmes
    from functions.compliance.reminders import ComplianceReminders
    from functions.compliance.training_records import TrainingRecords


@per_container
def audit() -> AuditStore:
    """One trail per container: it caches each practice's chain head between requests."""
    return AuditStore(Table())


@per_container
def audit_verification() -> AuditVerification:
    table = Table()
    from functions.compliance.dynamo.settings import DynamoChainVerdicts

    return AuditVerification(AuditStore(table), lambda: practice_ids(table), verdicts=DynamoChainVerdicts(table))


# --- certifications, the monitoring engine, the board ---------------------------------------------------------
# Imports inside each function: the audit API and the verify job load none of this.


@per_container
def staff_directory() -> "StaffDirectory":
    from functions.compliance.staff_directory import StaffAreaDirectory

    return StaffAreaDirectory(Table(), audit())


@per_container
def certification_book() -> "DynamoCertificationBook":
    from functions.compliance.dynamo.certifications import DynamoCertificationBook

    return DynamoCertificationBook(Table(), audit())


@per_container
def finding_store() -> "DynamoFindingStore":
    from functions.compliance.dynamo.findings import DynamoFindingStore

    return DynamoFindingStore(Table())


@per_container
def compliance_settings_store() -> "DynamoComplianceSettings":
    from functions.compliance.dynamo.settings import DynamoComplianceSettings

    return DynamoComplianceSettings(Table(), audit())


@per_container
def trend_snapshots() -> "DynamoTrendSnapshots":
    from functions.compliance.dynamo.settings import DynamoTrendSnapshots

    return DynamoTrendSnapshots(Table())


@per_container
def certifications() -> "Certifications":
    from functions.compliance.certifications import Certifications
    from functions.core.secrets import page_token_key

    return Certifications(certification_book(), staff_directory(), audit(), clock.now, page_token_key)


@per_container
def certification_reminders() -> "CertificationReminders":
    from functions.compliance.certification_reminders import CertificationReminders
    from functions.compliance.notices import OutboxWorkNotices

    return CertificationReminders(certification_book(), staff_directory(), compliance_settings_store(),
                                  OutboxWorkNotices(), audit(), clock.now, lambda: practice_ids(Table()))


def compliance_checks() -> "list[Check]":
    """Every check the daily run runs: licences and the audit chain, then training and policies, then the checks
    over the other areas."""
    from functions.compliance.checks.audit_chain import AuditChainCheck
    from functions.compliance.checks.licence_expiry import LicenceExpiry
    from functions.compliance.dynamo.settings import DynamoChainVerdicts

    return [LicenceExpiry(certification_book(), compliance_settings_store()),
            AuditChainCheck(DynamoChainVerdicts(Table()), audit(), compliance_settings_store()),
            *compliance_checks_training(), *compliance_checks_sources()]


@per_container
def compliance_run() -> "ComplianceRun":
    from functions.compliance.monitoring import ComplianceRun
    from functions.compliance.notices import OutboxWorkNotices

    return ComplianceRun(compliance_checks, finding_store(), trend_snapshots(), staff_directory(),
                         compliance_settings_store(), OutboxWorkNotices(), audit(), clock.now,
                         lambda: practice_ids(Table()))


@per_container
def compliance_board() -> "ComplianceBoard":
    from functions.compliance.board import ComplianceBoard
    from functions.core.secrets import page_token_key

    return ComplianceBoard(finding_store(), trend_snapshots(), audit(), clock.now, page_token_key)


@per_container
def compliance_settings() -> "ComplianceSettingsDesk":
    from functions.compliance.compliance_settings import ComplianceSettingsDesk

    return ComplianceSettingsDesk(compliance_settings_store(), audit(), clock.now)


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


# --- training, policies, evidence ---------------------------------------------------------------------------


@per_container
def programme_book() -> "DynamoProgrammeBook":
    from functions.compliance.dynamo.training import DynamoProgrammeBook

    return DynamoProgrammeBook(Table(), audit())


@per_container
def assignment_book() -> "DynamoAssignmentBook":
    from functions.compliance.dynamo.training import DynamoAssignmentBook

    return DynamoAssignmentBook(Table(), audit())


@per_container
def policy_book() -> "DynamoPolicyBook":
    from functions.compliance.dynamo.policies import DynamoPolicyBook

    return DynamoPolicyBook(Table(), audit())


@per_container
def acknowledgement_book() -> "DynamoAcknowledgementBook":
    from functions.compliance.dynamo.policies import DynamoAcknowledgementBook

    return DynamoAcknowledgementBook(Table(), audit())


@per_container
def programmes() -> "Programmes":
    from functions.compliance.programmes import Programmes

    return Programmes(programme_book(), assignment_book(), staff_directory(), audit(), clock.now)


@per_container
def training_records() -> "TrainingRecords":
    from functions.compliance.evidence_bucket import S3EvidenceStore
    from functions.compliance.training_records import TrainingRecords

    return TrainingRecords(assignment_book(), S3EvidenceStore(), staff_directory(), audit(), clock.now)


@per_container
def policies() -> "Policies":
    from functions.compliance.policies import Policies

    return Policies(policy_book(), acknowledgement_book(), staff_directory(), audit(), clock.now)


@per_container
def compliance_reminders() -> "ComplianceReminders":
    from functions.compliance.notices import OutboxWorkNotices
    from functions.compliance.reminders import ComplianceReminders

    return ComplianceReminders(assignment_book(), acknowledgement_book(), OutboxWorkNotices(), audit(), clock.now,
                               lambda: practice_ids(Table()))


def compliance_checks_training() -> "list[Check]":
    """The training part's checks, for the daily run's registry (compliance_checks)."""
    from functions.compliance.checks.training_overdue import TrainingOverdue
    from functions.compliance.checks.unsigned_policies import PolicyUnsigned

    return [TrainingOverdue(assignment_book()), PolicyUnsigned(acknowledgement_book())]

# --- the checks over the other areas --------------------------------------------------------------------------


@per_container
def compliance_checks_sources() -> "list[Check]":
    """The checks that read the other areas (each through that area's adapter), for `compliance_checks()`.
    Imported here, not at the top: the compliance API's routes never load four other
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


# --- the audit trail's daily archive -------------------------------------------------------------------------------


@per_container
def audit_archiving():
    from functions.compliance.audit_archive import AuditArchiving
    from functions.compliance.audit_archive_bucket import S3AuditArchive

    return AuditArchiving(audit(), S3AuditArchive(), lambda: practice_ids(Table()))
