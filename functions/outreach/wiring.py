"""The outreach area's one composition root: adapters built from core settings, use cases handed to every entry
point, each once per container (`functions.core.container.reset()` forgets them)."""

from functions.core import container
from functions.core.container import per_container
from functions.core.table import Table
from functions.outreach.audience import AudienceSelection
from functions.outreach.dynamo.promotion import DynamoPromotionLedger, NotificationsDeliveryLog
from functions.outreach.models.promotion import SurveySummary
from functions.outreach.ports import SurveyLinks, WorkshopFacts
from functions.outreach.promotion import Promotion
from functions.outreach.reach import Reach
from functions.records.dynamo import DynamoAudienceIndex

# --- workshops and registrations (outws) -------------------------------------------------------------------
# Stand-ins on this branch only, under outws' names: at merge, outws' block of this file replaces them (its
# `workshop_facts()` is DynamoWorkshopFacts, `links()` its OutreachLinks, `catalog()` its DynamoWorkshopCatalog,
# `promotion()` the same StepFunctionsPromotion as here). The promotion's tests wire fakes in their place.


def workshop_facts() -> WorkshopFacts:
    raise NotImplementedError("outws' wiring provides workshop_facts() (DynamoWorkshopFacts)")


def links() -> SurveyLinks:
    raise NotImplementedError("outws' wiring provides links() (OutreachLinks)")


def catalog():
    raise NotImplementedError("outws' wiring provides catalog() (DynamoWorkshopCatalog, with survey_totals)")


@per_container
def promotion():
    # outpromo's adapter: imported here so only a publish pays for boto3's Step Functions client
    from functions.outreach.workflow import StepFunctionsPromotion

    return StepFunctionsPromotion()


# --- promotion ---------------------------------------------------------------------------------------------


class CatalogSurveyTally:
    """SurveyTally over outws' workshop catalogue, whose survey totals are kept with each answer."""

    def __init__(self, workshops) -> None:
        self.workshops = workshops

    def summary(self, practice_id: str, workshop_id: str) -> SurveySummary:
        totals = self.workshops.survey_totals(practice_id, workshop_id)
        mean = round(totals.rating_sum / totals.answers, 2) if totals.answers else None
        return SurveySummary(answered=totals.answers, mean_rating=mean)


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
