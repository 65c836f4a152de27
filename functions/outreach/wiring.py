"""The outreach area's one composition root: adapters built from core settings, use cases handed to every entry
point, each once per container (`functions.core.container.reset()` forgets them)."""

from functions.core import clock, container
from functions.core.audit_store import AuditStore
from functions.core.container import per_container
from functions.core.secrets import page_token_key
from functions.core.settings import settings
from functions.core.table import Table
from functions.outreach.attendance import AttendanceTaking
from functions.outreach.audience import AudienceSelection
from functions.outreach.dynamo.limits import DynamoRateLimits
from functions.outreach.dynamo.promotion import DynamoPromotionLedger, NotificationsDeliveryLog
from functions.outreach.dynamo.registrations import DynamoRegistrationBook, DynamoSignupBook
from functions.outreach.dynamo.surveys import DynamoSurveyBox
from functions.outreach.dynamo.workshops import DynamoWorkshopCatalog, DynamoWorkshopFacts
from functions.outreach.links import OutreachLinks
from functions.outreach.models.promotion import SurveySummary
from functions.outreach.models.surveys import SurveyResults
from functions.outreach.promotion import Promotion
from functions.outreach.reach import Reach
from functions.outreach.records_audience import RecordsAudience
from functions.outreach.registrations import Registrations
from functions.outreach.signup import PublicSignup
from functions.outreach.surveys import Surveys
from functions.outreach.workshops import Workshops
from functions.records.dynamo import DynamoAudienceIndex, DynamoPatientRecords

# --- workshops and registrations --------------------------------------------------------------------------


@per_container
def audit() -> AuditStore:
    """One trail per container: it caches each practice's chain head between requests."""
    return AuditStore(Table())


@per_container
def catalog() -> DynamoWorkshopCatalog:
    return DynamoWorkshopCatalog(Table(), audit())


@per_container
def book() -> DynamoRegistrationBook:
    return DynamoRegistrationBook(Table(), audit())


@per_container
def links() -> OutreachLinks:
    """Sign-up, confirmation and survey links, signed with the page-token secret (SurveyLinks too)."""
    return OutreachLinks(page_token_key, settings().public_api_url, clock.now)


@per_container
def audience() -> RecordsAudience:
    return RecordsAudience(DynamoPatientRecords(Table(), audit()), clock.now)


@per_container
def promotion():
    # the adapter (functions/outreach/workflow.py): imported here so only a publish pays for boto3's
    # Step Functions client
    from functions.outreach.workflow import StepFunctionsPromotion

    return StepFunctionsPromotion()


@per_container
def workshop_facts() -> DynamoWorkshopFacts:
    """WorkshopFacts, for the promotion's steps."""
    return DynamoWorkshopFacts(Table(), audit())


@per_container
def workshops() -> Workshops:
    return Workshops(catalog(), book(), promotion, audience(), links(), audit(), clock.now)


@per_container
def registrations() -> Registrations:
    return Registrations(catalog(), book(), audience(), audit(), clock.now)


@per_container
def signup() -> PublicSignup:
    return PublicSignup(catalog(), DynamoSignupBook(Table(), audit()), DynamoRateLimits(Table()), book(),
                        registrations(), links(), audit(), clock.now)


@per_container
def attendance() -> AttendanceTaking:
    return AttendanceTaking(catalog(), book(), audit(), clock.now)


@per_container
def surveys() -> Surveys:
    return Surveys(catalog(), book(), DynamoSurveyBox(Table(), audit()), links(), audit(), clock.now)


# --- promotion ---------------------------------------------------------------------------------------------


class CatalogSurveyTally:
    """SurveyTally over the workshop catalogue, whose survey totals are kept with each answer."""

    def __init__(self, workshops) -> None:
        self.workshops = workshops

    def summary(self, practice_id: str, workshop_id: str) -> SurveySummary:
        results = SurveyResults.of(workshop_id, self.workshops.survey_totals(practice_id, workshop_id))
        return SurveySummary(answered=results.answers, mean_rating=results.mean_rating)


@per_container
def promotion_ledger() -> DynamoPromotionLedger:
    return DynamoPromotionLedger(Table())


@per_container
def promotion_steps() -> Promotion:
    """The workshop promotion workflow's steps (outreach-tasks)."""
    return Promotion(workshop_facts(), AudienceSelection(DynamoAudienceIndex(Table())), promotion_ledger(),
                     links(), NotificationsDeliveryLog(Table()), CatalogSurveyTally(catalog()))


@per_container
def reach() -> Reach:
    return Reach(promotion_ledger())


def reset() -> None:
    """Forget what this area's container built (a cold start for this area alone)."""
    container.reset(__name__)
