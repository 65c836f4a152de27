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


# --- training, policies, evidence ---------------------------------------------------------------------------
# (imports here, not at the top, so this block merges beside the other parts' blocks unchanged)

from typing import TYPE_CHECKING  # noqa: E402

from functions.core import clock  # noqa: E402

if TYPE_CHECKING:
    from functions.compliance.checks.base import Check
    from functions.compliance.dynamo.policies import DynamoAcknowledgementBook, DynamoPolicyBook
    from functions.compliance.dynamo.training import DynamoAssignmentBook, DynamoProgrammeBook
    from functions.compliance.policies import Policies
    from functions.compliance.programmes import Programmes
    from functions.compliance.reminders import ComplianceReminders
    from functions.compliance.staff_directory import StaffAreaDirectory
    from functions.compliance.training_records import TrainingRecords


@per_container
def staff_directory() -> "StaffAreaDirectory":
    from functions.compliance.staff_directory import StaffAreaDirectory

    return StaffAreaDirectory(Table(), audit())


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
    from functions.compliance.reminder_notices import OutboxWorkNotices
    from functions.compliance.reminders import ComplianceReminders

    return ComplianceReminders(assignment_book(), acknowledgement_book(), OutboxWorkNotices(), audit(), clock.now,
                               lambda: practice_ids(Table()))


def compliance_checks_training() -> "list[Check]":
    """The training part's checks, for the daily run's registry (compliance_checks)."""
    from functions.compliance.checks.training_overdue import TrainingOverdue
    from functions.compliance.checks.unsigned_policies import PolicyUnsigned

    return [TrainingOverdue(assignment_book()), PolicyUnsigned(acknowledgement_book())]
