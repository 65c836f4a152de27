"""The roster solver's Lambda: a `staff.roster.draft_requested` event from the bus (asynchronous, with a
dead-letter queue) names the draft to solve. The only entry point that loads OR-Tools."""

from typing import Any

from functions.core.events import DomainEvent
from functions.core.observability import logger, metrics
from functions.staff import wiring


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    requested = DomainEvent.model_validate(event["detail"])
    draft = wiring.roster_suggestions().solve(requested.practice_id, requested.entity_id)
    if draft is None:
        return {"status": "missing"}
    logger.info("roster draft solved", extra={"draft_id": draft.id, "status": draft.status,
                                              "seconds": draft.solve_seconds, "gaps": len(draft.gaps)})
    return {"status": draft.status, "gaps": len(draft.gaps)}
