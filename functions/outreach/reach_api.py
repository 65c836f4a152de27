"""The promotion's HTTP route: a workshop's reach report (mounted by the outreach API's handler)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from functions.core.api import current_caller
from functions.outreach import wiring
from functions.outreach.models.promotion import ReachReport

router = Router()

WorkshopId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]{1,64}$")]


@router.get("/workshops/<workshop_id>/reach", summary="How far a workshop's promotion reached (coordinator, staff)")
def read_reach(workshop_id: WorkshopId) -> ReachReport:
    return wiring.reach().report(current_caller(router), workshop_id)
