"""The low-stock reorder workflow's Lambda (`inventory-tasks`): each state names its step in `task`; STEPS maps
it to the use case."""

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from functions.core.observability import logger, metrics
from functions.inventory import wiring

Id = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$")


class StepInput(BaseModel):
    model_config = ConfigDict(extra="ignore")

    task: str
    practice_id: str | None = Id
    item_id: str | None = Id
    location_id: str | None = Id
    purchase_order_id: str | None = Id
    run: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,80}$")
    trigger: str = "nightly"
    level: str = "first"
    token: str | None = None
    event: dict[str, Any] = Field(default_factory=dict)
    lines: list[dict[str, Any]] = Field(default_factory=list)
    plan: dict[str, Any] = Field(default_factory=dict)


ORDER = ("practice_id", "purchase_order_id")
# what each step needs from the state machine: checked before any step runs
NEEDS: dict[str, tuple[str, ...]] = {"gather": ("practice_id",), "plan": ("practice_id",),
                                     "create": ("practice_id", "run"), "route": ORDER, "ask": (*ORDER, "token"),
                                     "send": ORDER}

STEPS: dict[str, Callable[[StepInput], dict[str, Any]]] = {
    "scope": lambda step: wiring.reordering().scope(step.event),
    "gather": lambda step: wiring.reordering().gather(step.practice_id, step.item_id, step.location_id),
    "plan": lambda step: wiring.reordering().plan(step.practice_id, step.lines),
    "create": lambda step: wiring.reordering().create(step.practice_id, step.run, step.trigger, step.plan),
    "route": lambda step: wiring.reordering().route(step.practice_id, step.purchase_order_id),
    "ask": lambda step: wiring.reordering().ask(step.practice_id, step.purchase_order_id, step.level, step.token),
    "send": lambda step: wiring.reordering().send(step.practice_id, step.purchase_order_id),
}


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    step = StepInput.model_validate(event)
    run = STEPS.get(step.task)
    if run is None:
        raise ValueError(f"unknown step {step.task!r}; known: {sorted(STEPS)}")
    missing = [name for name in NEEDS.get(step.task, ()) if not getattr(step, name)]
    if missing:
        raise ValueError(f"the {step.task} step needs {', '.join(missing)}")
    return run(step)
