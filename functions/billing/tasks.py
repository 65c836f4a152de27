"""The claim submission state machine's one task handler: the input names the step (`task`), looked up in
`claim_workflow.STEPS`, and the step's small dict is the state's output."""

from typing import Any

from functions.billing import wiring
from functions.billing.claim_workflow import STEPS, ClaimWorkflow, StepInput
from functions.core.observability import logger, metrics


def run(event: dict[str, Any], workflow: ClaimWorkflow | None = None) -> dict[str, Any]:
    task = str(event.get("task", ""))
    step = StepInput.model_validate(event)
    logger.append_keys(claim_id=step.claim_id, task=task)
    if task not in STEPS:
        raise ValueError(f"unknown task {task!r}")
    return STEPS[task](workflow or wiring.claim_workflow(), step)


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics  # without it, the steps' metrics (TimelyFilingMissed, Claims*) were never published
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return run(event)
