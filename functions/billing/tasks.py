"""The claim submission workflow's steps. Each parses its input, calls the service and returns a small
dict for the state machine. Transient clearinghouse faults are raised as ClearinghouseUnavailable or
ClearinghouseThrottled (the ASL retries them with backoff); a permanent rejection as SubmissionRejected
(the ASL catches it and leaves the claim rejected)."""

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from functions.billing import wiring
from functions.billing.service import BillingService
from functions.core.observability import logger


class StepInput(BaseModel):
    model_config = ConfigDict(extra="ignore")

    practice_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    claim_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    correction: str = "none"
    automatic: bool = False
    reason: str = ""
    task_token: str | None = None
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


def _run(task: str, step: StepInput, service: BillingService) -> dict[str, Any]:
    practice, claim = step.practice_id, step.claim_id
    match task:
        case "check_deadline":
            return service.step_check_deadline(practice, claim)
        case "timely_filing_missed":
            return service.step_timely_filing_missed(practice, claim)
        case "scrub":
            return service.step_scrub(practice, claim)
        case "build":
            return service.step_build(practice, claim)
        case "submit":
            return service.step_submit(practice, claim)
        case "check_ack":
            return service.step_check_ack(practice, claim)
        case "check_remit":
            return service.step_check_remit(practice, claim)
        case "post_payment":
            return service.step_post_payment(practice, claim)
        case "bill_patient_share":
            return service.step_bill_patient_share(practice, claim)
        case "apply_denial_rules":
            return service.step_apply_denial_rules(practice, claim)
        case "correct":
            return service.step_correct(practice, claim, step.correction, step.automatic, step.reason)
        case "open_work_item":
            if not step.task_token:
                raise ValueError("open_work_item needs the task token")
            return service.step_open_work_item(practice, claim, step.task_token, step.reason)
        case "void":
            return service.step_void(practice, claim)
        case "close":
            return service.step_close(practice, claim)
        case "mark_rejected":
            return service.step_mark(practice, claim, "rejected", *_failure(step.error))
        case "mark_failed":
            return service.step_mark(practice, claim, "failed", *_failure(step.error))
    raise ValueError(f"unknown task {task!r}")


def run(event: dict[str, Any], service: BillingService | None = None) -> dict[str, Any]:
    task = str(event.get("task", ""))
    step = StepInput.model_validate(event)
    logger.append_keys(claim_id=step.claim_id, task=task)
    return _run(task, step, service or wiring.service())


@logger.inject_lambda_context(log_event=False)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return run(event)
