"""The outreach area's one composition root: the table's adapters handed to each use case, built once per warm
container."""

from functions.core import container
from functions.core.container import per_container
from functions.core.table import Table
from functions.outreach.audience import AudienceSelection
from functions.outreach.dynamo.promotion import DynamoPromotionLedger, NotificationsDeliveryLog
from functions.outreach.models.promotion import SurveySummary
from functions.outreach.ports import SurveyLinks, SurveyTally, WorkshopFacts
from functions.outreach.promotion import Promotion
from functions.outreach.reach import Reach
from functions.outreach.workflow import StepFunctionsPromotion
from functions.records.dynamo import DynamoAudienceIndex


@per_container
def table() -> Table:
    return Table()


# --- workshops (outws' block) ---
# At merge these three come from outws' wiring: its DynamoDB adapter of the seam, its signed survey links,
# and its workshop catalogue's survey totals. Until then nothing on this branch builds them in production.

def workshop_facts() -> WorkshopFacts:
    raise NotImplementedError("outws' wiring provides the WorkshopFacts adapter")


def survey_links() -> SurveyLinks:
    raise NotImplementedError("outws' wiring provides the SurveyLinks adapter")


def survey_tally() -> SurveyTally:
    raise NotImplementedError("outws' wiring provides the survey totals (WorkshopCatalog.survey_totals)")


# --- promotion ---

class CatalogSurveyTally:
    """SurveyTally over outws' workshop catalogue, whose survey totals are kept with each answer."""

    def __init__(self, catalog) -> None:
        self.catalog = catalog

    def summary(self, practice_id: str, workshop_id: str) -> SurveySummary:
        totals = self.catalog.survey_totals(practice_id, workshop_id)
        mean = round(totals.rating_sum / totals.answers, 2) if totals.answers else None
        return SurveySummary(answered=totals.answers, mean_rating=mean)


@per_container
def promotion_workflow() -> StepFunctionsPromotion:
    return StepFunctionsPromotion()


@per_container
def promotion_ledger() -> DynamoPromotionLedger:
    return DynamoPromotionLedger(table())


@per_container
def promotion() -> Promotion:
    return Promotion(workshop_facts(), AudienceSelection(DynamoAudienceIndex(table())), promotion_ledger(),
                     survey_links(), NotificationsDeliveryLog(table()), survey_tally())


@per_container
def reach() -> Reach:
    return Reach(promotion_ledger())


def reset() -> None:
    """Forget what this area's container built (a cold start for this area alone)."""
    container.reset(__name__)
