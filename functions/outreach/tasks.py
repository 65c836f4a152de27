"""The workshop promotion workflow's Lambda (`outreach-tasks`): each state names its step in `task`; STEPS maps
it to the use case. The state carries ids and a cursor only, never the audience (the 256 KB payload limit)."""

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from functions.core.observability import logger, metrics
from functions.outreach import wiring
from functions.outreach.promotion import Promotion

Id = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")


class StepInput(BaseModel):
    model_config = ConfigDict(extra="ignore")

    task: str
    practice_id: str = Id
    workshop_id: str = Id
    version: int = 0
    cursor: str | None = Field(default=None, max_length=200)
    patient_ids: list[str] = Field(default_factory=list, max_length=100)


def _steps() -> Promotion:
    return wiring.promotion_steps()


STEPS: dict[str, Callable[[StepInput], dict[str, Any]]] = {
    "begin": lambda step: _steps().begin(step.practice_id, step.workshop_id, step.version),
    "select": lambda step: _steps().select(step.practice_id, step.workshop_id, step.cursor),
    "invite": lambda step: _steps().invite(step.practice_id, step.workshop_id, step.patient_ids),
    "remind_invited": lambda step: _steps().remind_invited(step.practice_id, step.workshop_id, step.cursor),
    "close": lambda step: _steps().close(step.practice_id, step.workshop_id),
    "remind_registered": lambda step: _steps().remind_registered(step.practice_id, step.workshop_id, step.cursor),
    "survey": lambda step: _steps().survey(step.practice_id, step.workshop_id, step.cursor),
    "report": lambda step: _steps().report(step.practice_id, step.workshop_id),
}


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    step = StepInput.model_validate(event)
    run = STEPS.get(step.task)
    if run is None:
        raise ValueError(f"unknown step {step.task!r}; known: {sorted(STEPS)}")
    return run(step)
