"""The leave approval workflow's Lambda: each state names its step in `task`; STEPS maps it to the use case."""

import json
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from functions.core.observability import logger, metrics
from functions.staff import wiring
from functions.staff.approval import LeaveApproval

Id = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")


class StepInput(BaseModel):
    model_config = ConfigDict(extra="ignore")

    task: str
    practice_id: str = Id
    leave_id: str = Id
    level: str = "manager"
    token: str | None = None
    error: dict[str, Any] | None = None


def _failure(error: dict[str, Any] | None) -> tuple[str, str]:
    """The Catch's {"Error", "Cause"}; a Lambda error's Cause is JSON with its message."""
    error = error or {}
    name, cause = str(error.get("Error", "error")), str(error.get("Cause", ""))
    try:
        parsed = json.loads(cause)
        cause = str(parsed.get("errorMessage", cause)) if isinstance(parsed, dict) else cause
    except ValueError:
        pass
    return name, cause


def _approval() -> LeaveApproval:
    return wiring.leave_approval()


STEPS: dict[str, Callable[[StepInput], dict[str, Any]]] = {
    "assess": lambda step: _approval().assess(step.practice_id, step.leave_id),
    "ask": lambda step: _approval().ask(step.practice_id, step.leave_id, step.level, step.token or ""),
    "approve": lambda step: _approval().approve(step.practice_id, step.leave_id),
    "offer_moves": lambda step: wiring.patient_moving().offer(step.practice_id, step.leave_id),
    "close_moves": lambda step: wiring.patient_moving().close(step.practice_id, step.leave_id),
    "reject": lambda step: _approval().reject(step.practice_id, step.leave_id),
    "withdraw": lambda step: _approval().withdraw(step.practice_id, step.leave_id),
    "fail": lambda step: _approval().fail(step.practice_id, step.leave_id, *_failure(step.error)),
}


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    step = StepInput.model_validate(event)
    run = STEPS.get(step.task)
    if run is None:
        raise ValueError(f"unknown step {step.task!r}; known: {sorted(STEPS)}")
    if step.task == "ask" and not step.token:
        raise ValueError("the ask step needs the task token")
    return run(step)
