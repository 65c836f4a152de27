"""Workflow steps: a state machine sends a message through the same service as the events do.

Input: {"practice_id", "recipient", "template", "data", "source", "idempotency_key"}; output: a small dict.
A transient provider failure is raised (error name TransientFailure or InFlight), for the state's Retry."""

from typing import Any

from functions.core.observability import logger
from functions.notifications import wiring
from functions.notifications.models import NotificationRequest


def send(event: dict[str, Any], service=None) -> dict[str, Any]:
    request = NotificationRequest.model_validate(event)
    outcome = (service or wiring.service()).accept(request)
    return outcome.model_dump()


TASKS = {"send": send}


@logger.inject_lambda_context(log_event=False)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    task = TASKS.get(event.get("task", "send"))
    if task is None:
        raise ValueError(f"unknown task {event.get('task')!r}; known: {sorted(TASKS)}")
    return task({k: v for k, v in event.items() if k != "task"})
