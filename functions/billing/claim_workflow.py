"""The claim submission workflow's steps, as the state machine (statemachines/claim-submission) calls them:
the filing deadline, scrubbing, the 837P built and sent, the acknowledgement, a correction, a person's work
item, voiding, closing, a business outcome counted, and a failed path's end. Each step returns a small dict for
the state machine, and `STEPS` names each one for tasks.py. Transient clearinghouse faults are raised as
ClearinghouseUnavailable or ClearinghouseThrottled (the ASL retries them); a permanent rejection as
SubmissionRejected (the ASL catches it). A claim that fails scrubbing, is rejected, gets no answer or misses its
filing deadline is a business outcome, not a fault: the execution succeeds and ClaimOutcome counts it."""

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit, single_metric
from pydantic import ConfigDict, Field

from functions.billing.claim_moves import ClaimMoves, workflow_caller
from functions.billing.clearinghouse import Clearinghouse
from functions.billing.coverage import Coverages
from functions.billing.models.claims import TRANSITIONS
from functions.billing.ports import BillingSetup, ChargeBook, ClaimFiles, ClaimLedger
from functions.billing.remittance import Remittance
from functions.billing.x12_837 import Envelope, build
from functions.core import clock
from functions.core.errors import Invalid
from functions.core.models import Shape
from functions.core.observability import logger, metrics
from functions.core.service import AuditTrail

SENDER_ID = "PRACTICEFLOW"
RECEIVER_ID = "CLEARINGHOUSE"
# How long the workflow waits for an acknowledgement before a person is asked.
ACK_PATIENCE = timedelta(days=7)
ENDED = frozenset({"rejected", "failed", "timely_filing_missed", "void", "closed"})
# The business outcomes the workflow ends on without a fault; the claim already shows each (state and reason).
OUTCOMES = frozenset({"scrub_failed", "rejected", "no_answer", "timely_filing_missed"})


class StepInput(Shape):
    """What the state machine passes a step."""

    model_config = ConfigDict(extra="ignore")

    practice_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    claim_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    correction: str = "none"
    automatic: bool = False
    reason: str = ""
    task_token: str | None = None
    error: dict[str, Any] | None = None
    outcome: str = ""

    def failure(self) -> tuple[str, str]:
        """The Catch's {"Error", "Cause"}; a Lambda error's Cause is JSON with its message."""
        error = self.error or {}
        name, cause = str(error.get("Error", "error")), str(error.get("Cause", ""))
        try:
            parsed = json.loads(cause)
            cause = str(parsed.get("errorMessage", cause)) if isinstance(parsed, dict) else cause
        except ValueError:
            pass
        return name, cause


class ClaimWorkflow(ClaimMoves):
    def __init__(self, claims: ClaimLedger, charges: ChargeBook, files: ClaimFiles, setup: BillingSetup,
                 coverages: Coverages, clearinghouse: Clearinghouse, remittance: Remittance, audit: AuditTrail,
                 now: Callable[[], datetime] = clock.now) -> None:
        super().__init__(claims, setup, audit, now)
        self.charges = charges
        self.files = files
        self.coverages = coverages
        self.clearinghouse = clearinghouse
        self.remittance = remittance

    def check_deadline(self, practice_id: str, claim_id: str) -> dict[str, Any]:
        claim = self._claim(practice_id, claim_id)
        return {"passed": self._today() > claim.timely_filing_deadline,
                "deadline": claim.timely_filing_deadline.isoformat()}

    def timely_filing_missed(self, practice_id: str, claim_id: str) -> dict[str, Any]:
        claim = self._claim(practice_id, claim_id)
        reason = (f"the payer's filing deadline {claim.timely_filing_deadline} passed before the claim could be "
                  "(re)submitted: appeal with proof of timely filing or write it off")
        if claim.state != "timely_filing_missed":
            claim = self._move(workflow_caller(practice_id), claim, "timely_filing_missed", reason,
                               "timely_filing_missed", task_token=None, has_work_item=False)
        # the alert: an error log line and a metric the monitoring alarms on; the event reaches a person
        logger.error("timely filing deadline missed", extra={"claim_id": claim_id, "practice_id": practice_id})
        metrics.add_metric(name="TimelyFilingMissed", unit="Count", value=1)
        return {"state": claim.state}

    def scrub(self, practice_id: str, claim_id: str) -> dict[str, Any]:
        claim = self._claim(practice_id, claim_id)
        report = self._scrub(practice_id, claim)
        caller = workflow_caller(practice_id)
        if report.clean:
            self._move(caller, claim, "scrubbed", "clean", "scrub", issues=report.issues)
        else:
            self._move(caller, claim, "needs_review", f"scrubbing found: {report.summary}", "scrub",
                       issues=report.issues)
        return {"clean": report.clean, "issues": len([i for i in report.issues if i.severity == "error"])}

    def build(self, practice_id: str, claim_id: str) -> dict[str, Any]:
        claim = self._claim(practice_id, claim_id)
        settings = self.setup.settings(practice_id)
        if settings is None:
            raise Invalid("the practice has no billing provider", code="no_settings")
        control = self.files.next_control_number(practice_id)
        document = build(claim, settings.billing_provider, Envelope(SENDER_ID, RECEIVER_ID, control, self.now()))
        self.files.keep(practice_id, claim.id, "FILE", control, document, self._at())
        self._move(workflow_caller(practice_id), claim, claim.state, claim.state_reason, "build",
                   control_number=control)
        return {"control_number": control}

    def submit(self, practice_id: str, claim_id: str) -> dict[str, Any]:
        claim = self._claim(practice_id, claim_id)
        if claim.state == "submitted":  # a retried step whose first try got through
            return {"submission_id": claim.submission_id}
        document = self.files.file(practice_id, claim.id, "FILE", claim.control_number or 0)
        if document is None:
            raise Invalid("no 837P was built for this claim", code="no_file")
        submission_id = self.clearinghouse.submit(practice_id, claim.control_number, document)
        settings = self.setup.settings(practice_id)
        self._move(workflow_caller(practice_id), claim, "submitted", f"sent as {submission_id}", "submit",
                   submission_id=submission_id, submissions=claim.submissions + 1, submitted_at=self._at(),
                   follow_up_on=self._today() + timedelta(days=settings.follow_up_days if settings else 30))
        return {"submission_id": submission_id}

    def check_ack(self, practice_id: str, claim_id: str) -> dict[str, Any]:
        claim = self._claim(practice_id, claim_id)
        if claim.state != "submitted":
            return {"status": "accepted" if claim.state == "accepted" else claim.state}
        ack = self.clearinghouse.acknowledgement(practice_id, claim.submission_id or "")
        caller = workflow_caller(practice_id)
        if ack.status == "accepted":
            self._move(caller, claim, "accepted", "acknowledged by the payer (277CA)", "acknowledged")
        elif ack.status == "rejected":
            self._move(caller, claim, "rejected", f"rejected by the payer: {ack.reason}", "rejected")
        elif self.now() - datetime.fromisoformat(claim.submitted_at.replace("Z", "+00:00")) > ACK_PATIENCE:
            self._move(caller, claim, "needs_review", f"no acknowledgement within {ACK_PATIENCE.days} days",
                       "no_answer")
            return {"status": "no_answer"}
        return {"status": ack.status}

    def correct(self, practice_id: str, claim_id: str, correction: str, automatic: bool,
                reason: str = "") -> dict[str, Any]:
        """Make the claim a replacement (frequency 7, quoting the payer's claim number) with the charge and
        coverage as they are now. An automatic correction that would change nothing is not sent again."""
        claim = self._claim(practice_id, claim_id)
        refreshed = self.coverages.refreshed(practice_id, claim, self.charges.charge(practice_id, claim.charge_id))
        if automatic and correction == "refresh_subscriber" and refreshed.subscriber == claim.subscriber and \
                refreshed.lines == claim.lines and refreshed.diagnoses == claim.diagnoses:
            return {"corrected": False,
                    "reason": f"{reason}; the records have not changed since, so a person must correct it"}
        frequency = "7" if refreshed.payer_claim_control_number else "1"
        note = ("corrected automatically: " if automatic else "resubmitted by a person: ") + (reason or "resubmit")
        self._move(workflow_caller(practice_id), refreshed, "corrected", note[:900], "correct",
                   frequency_code=frequency, auto_resubmits=claim.auto_resubmits + (1 if automatic else 0))
        return {"corrected": True, "frequency_code": frequency, "reason": note[:900]}

    def open_work_item(self, practice_id: str, claim_id: str, task_token: str, reason: str) -> dict[str, Any]:
        """A person decides: the claim waits in needs_review, holding the execution's task token."""
        claim = self._claim(practice_id, claim_id)
        self._move(workflow_caller(practice_id), claim, "needs_review", reason[:900], "work_item",
                   task_token=task_token, has_work_item=True)
        return {"state": "needs_review"}

    def void(self, practice_id: str, claim_id: str) -> dict[str, Any]:
        """Void: a claim the payer adjudicated is cancelled with a frequency 8 claim quoting its number."""
        claim = self._claim(practice_id, claim_id)
        caller = workflow_caller(practice_id)
        if claim.payer_claim_control_number and claim.state != "void":
            settings = self.setup.settings(practice_id)
            voiding = claim.model_copy(update={"frequency_code": "8"})
            control = self.files.next_control_number(practice_id)
            document = build(voiding, settings.billing_provider, Envelope(SENDER_ID, RECEIVER_ID, control, self.now()))
            self.files.keep(practice_id, claim.id, "FILE", control, document, self._at())
            self.clearinghouse.submit(practice_id, control, document)
            claim = self._move(caller, claim, "void", "voided with the payer (frequency 8)", "void",
                               frequency_code="8", control_number=control)
        elif claim.state != "void":
            claim = self._move(caller, claim, "void", "voided before the payer adjudicated it", "void")
        return {"state": claim.state}

    def close(self, practice_id: str, claim_id: str) -> dict[str, Any]:
        claim = self._claim(practice_id, claim_id)
        if claim.state != "closed":
            claim = self._move(workflow_caller(practice_id), claim, "closed", "closed by a billing person", "close")
        return {"state": claim.state}

    def record_outcome(self, practice_id: str, claim_id: str, outcome: str) -> dict[str, Any]:
        """The end of a business outcome: the steps before left the claim showing it, so this only counts it,
        ClaimOutcome by outcome (its own metric: the failed-executions alarm is for faults). The claim is read,
        not checked: a person may already have moved it on, and that is no fault either."""
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        claim = self._claim(practice_id, claim_id)
        # a metric of its own dimensions: the shared Metrics' dimensions would change every metric in the flush
        with single_metric(name="ClaimOutcome", unit=MetricUnit.Count, value=1, namespace=metrics.namespace,
                           default_dimensions=metrics.default_dimensions) as metric:
            metric.add_dimension(name="outcome", value=outcome)
        logger.info("claim submission ended", extra={"claim_id": claim_id, "outcome": outcome, "state": claim.state})
        return {"outcome": outcome, "state": claim.state}

    def mark(self, practice_id: str, claim_id: str, to: str, error: str, cause: str) -> dict[str, Any]:
        """The end of a failed path: the claim is left in `to` (rejected or failed) with the reason."""
        claim = self._claim(practice_id, claim_id)
        if claim.state in ENDED:
            return {"state": claim.state}  # already visible with its reason
        detail = (cause or "").strip()[:500]
        reason = f"{error}: {detail}" if detail else error
        if to not in TRANSITIONS[claim.state]:
            to = "failed" if "failed" in TRANSITIONS[claim.state] else claim.state
        if to == claim.state:  # e.g. paid, but billing the patient's share failed: say so on the claim
            reason = f"{claim.state}; then {reason}"
        claim = self._move(workflow_caller(practice_id), claim, to, reason[:900], "failed" if to != "rejected" else to,
                           task_token=None, has_work_item=False)
        logger.warning("claim submission ended", extra={"claim_id": claim_id, "state": to, "error": error})
        return {"state": claim.state}


def _open_work_item(flow: ClaimWorkflow, step: StepInput) -> dict[str, Any]:
    if not step.task_token:
        raise ValueError("open_work_item needs the task token")
    return flow.open_work_item(step.practice_id, step.claim_id, step.task_token, step.reason)


Step = Callable[[ClaimWorkflow, StepInput], dict[str, Any]]

# The state machine's Task states, by the `task` each passes.
STEPS: dict[str, Step] = {
    "check_deadline": lambda flow, step: flow.check_deadline(step.practice_id, step.claim_id),
    "timely_filing_missed": lambda flow, step: flow.timely_filing_missed(step.practice_id, step.claim_id),
    "scrub": lambda flow, step: flow.scrub(step.practice_id, step.claim_id),
    "build": lambda flow, step: flow.build(step.practice_id, step.claim_id),
    "submit": lambda flow, step: flow.submit(step.practice_id, step.claim_id),
    "check_ack": lambda flow, step: flow.check_ack(step.practice_id, step.claim_id),
    "check_remit": lambda flow, step: flow.remittance.check_remit(step.practice_id, step.claim_id),
    "post_payment": lambda flow, step: flow.remittance.post_payment(step.practice_id, step.claim_id),
    "bill_patient_share": lambda flow, step: flow.remittance.bill_patient_share(step.practice_id, step.claim_id),
    "apply_denial_rules": lambda flow, step: flow.remittance.apply_denial_rules(step.practice_id, step.claim_id),
    "correct": lambda flow, step: flow.correct(step.practice_id, step.claim_id, step.correction, step.automatic,
                                               step.reason),
    "open_work_item": _open_work_item,
    "void": lambda flow, step: flow.void(step.practice_id, step.claim_id),
    "close": lambda flow, step: flow.close(step.practice_id, step.claim_id),
    "record_outcome": lambda flow, step: flow.record_outcome(step.practice_id, step.claim_id, step.outcome),
    "mark_rejected": lambda flow, step: flow.mark(step.practice_id, step.claim_id, "rejected", *step.failure()),
    "mark_failed": lambda flow, step: flow.mark(step.practice_id, step.claim_id, "failed", *step.failure()),
}
