"""A claim: its one state and the moves allowed from it, the subscriber it bills, the payer's answer."""

from datetime import date
from typing import Literal

from pydantic import Field

from functions.billing.models.charges import ChargeLine
from functions.billing.models.setup import Severity
from functions.billing.models.values import Slug
from functions.core.models import Shape, Stored, Strict
from functions.core.types import Text

ClaimState = Literal[
    "draft",  # created; not yet clean
    "scrubbed",  # passed the scrubbing rules, ready to send
    "submitted",  # the clearinghouse has the 837P
    "accepted",  # the payer acknowledged it (277CA); waiting for the 835
    "rejected",  # refused before adjudication (999/277CA): fix and submit anew
    "paid",  # the 835 paid it in full (less contractual and patient share)
    "partially_paid",  # paid, but some service lines were denied
    "denied",  # the 835 denied it; the denial rules decide what next
    "corrected",  # a replacement (frequency 7) is built and about to go
    "needs_review",  # a billing person has a work item for it
    "void",  # cancelled (a frequency 8 was sent, or it was never sent)
    "closed",  # a person closed it (written off)
    "timely_filing_missed",  # the payer's filing deadline passed before it could be (re)sent
    "failed",  # the submission workflow failed; the reason says why
]

# From each state, where a claim may go next. Anything else is a bug or a race, refused by the repo.
TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"scrubbed", "draft", "needs_review", "void", "timely_filing_missed", "failed"}),
    "scrubbed": frozenset({"scrubbed", "draft", "submitted", "needs_review", "void", "timely_filing_missed",
                           "rejected", "failed"}),
    "submitted": frozenset({"accepted", "rejected", "paid", "partially_paid", "denied", "needs_review", "failed"}),
    "accepted": frozenset({"paid", "partially_paid", "denied", "needs_review", "failed"}),
    "rejected": frozenset({"draft", "scrubbed", "needs_review", "void", "closed"}),
    "denied": frozenset({"corrected", "needs_review", "closed", "void", "failed", "timely_filing_missed"}),
    "corrected": frozenset({"scrubbed", "submitted", "needs_review", "timely_filing_missed", "rejected", "failed"}),
    "needs_review": frozenset({"corrected", "draft", "scrubbed", "void", "closed", "timely_filing_missed", "failed"}),
    "failed": frozenset({"draft", "scrubbed", "corrected", "needs_review", "void", "closed"}),
    "paid": frozenset({"closed", "corrected", "void"}),
    "partially_paid": frozenset({"closed", "corrected", "needs_review", "void"}),
    "timely_filing_missed": frozenset({"closed", "void"}),
    "void": frozenset(),
    "closed": frozenset(),
}
# States before the payer has accepted a claim, in which its filing deadline still matters (`submitted`: the
# clearinghouse has it, the payer has not acknowledged it; a rejection there means filing again).
FILING_PENDING = frozenset({"draft", "scrubbed", "submitted", "rejected", "denied", "corrected", "needs_review",
                            "failed"})
# States in which the payer owes an answer: the daily follow-up looks at these.
AWAITING_ANSWER = frozenset({"submitted", "accepted"})
# States that still hold money on the payer side of A/R.
OPEN_WITH_PAYER = frozenset({"draft", "scrubbed", "submitted", "accepted", "rejected", "denied", "corrected",
                             "needs_review", "failed", "partially_paid"})
# A new execution may start from these (a person resubmitting, or the first submission).
SUBMITTABLE = frozenset({"draft", "scrubbed", "rejected", "failed", "needs_review"})


class Subscriber(Stored):
    """Who the coverage belongs to, as the 837P's 2010BA needs it: copied from records when the claim is
    made (and refreshed on a correction), so building the file reads nothing else."""

    member_id: str
    group_number: str | None = None
    given_name: str
    family_name: str
    birth_date: date
    gender: str
    address_line: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    relationship: str = "self"
    coverage_id: str
    coverage_start: date
    coverage_end: date | None = None


class Adjustment(Stored):
    group: str  # CO, PR, OA, PI, CR
    carc: str
    amount_cents: int
    line: int | None = None  # the service line (1-based), None for the claim level


class Issue(Shape):
    """One thing scrubbing found, and exactly what to do about it."""

    rule: str
    severity: Severity
    field: str
    message: str


class Claim(Stored):
    id: str
    charge_id: str
    patient_id: str
    rank: Literal["primary", "secondary"]
    payer_id: str
    payer_name: str
    payer_electronic_id: str
    subscriber: Subscriber
    date_of_service: date
    place_of_service: str
    rendering_npi: str | None = None
    diagnoses: list[str]
    lines: list[ChargeLine]
    total_cents: int
    state: ClaimState
    state_reason: str | None = None
    frequency_code: Literal["1", "7", "8"] = "1"
    payer_claim_control_number: str | None = None
    timely_filing_deadline: date
    issues: list[Issue] = Field(default_factory=list)
    submissions: int = 0
    control_number: int | None = None
    submission_id: str | None = None
    auto_resubmits: int = 0
    ack_polls: int = 0
    remit_polls: int = 0
    paid_cents: int = 0
    patient_responsibility_cents: int = 0
    adjustments: list[Adjustment] = Field(default_factory=list)
    remark_codes: list[str] = Field(default_factory=list)
    invoice_id: str | None = None
    execution_arn: str | None = None
    has_work_item: bool = False
    task_token: str | None = Field(default=None, exclude=True)  # never leaves the API
    version: int
    created_at: str
    updated_at: str
    submitted_at: str | None = None
    answered_at: str | None = None
    followed_up_at: str | None = None
    follow_up_on: date | None = None  # when the daily job next asks after a claim with no answer

    @property
    def outstanding_cents(self) -> int:
        """What the payer side of A/R still holds for this claim."""
        if self.state not in OPEN_WITH_PAYER:
            return 0
        settled = self.paid_cents + self.patient_responsibility_cents + sum(
            a.amount_cents for a in self.adjustments if a.group == "CO" and a.carc == "45")
        return max(0, self.total_cents - settled)


class ClaimIn(Strict):
    charge_id: Slug
    rank: Literal["primary", "secondary"] = "primary"


class ClaimPage(Shape):
    claims: list[Claim]
    next_page_token: str | None = None


class ScrubResult(Shape):
    claim_id: str
    clean: bool
    state: ClaimState
    issues: list[Issue]


class ResolveIn(Strict):
    """A billing person's decision on a claim in needs_review (or rejected/failed)."""

    action: Literal["resubmit", "void", "close"]
    note: Text(500) | None = None

