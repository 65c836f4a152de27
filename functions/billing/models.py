"""The billing area's shapes: requests (strict: unknown fields refused, codes checked) and what is stored
and returned (tolerant, so a claim with a bad code still loads and scrubbing can say what is wrong).
Money is integer cents throughout."""

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from functions.billing import codes
from functions.core.dates import CalendarDate
from functions.core.models import Stored, Strict
from functions.core.types import PositiveCents, Text

# --- value types ------------------------------------------------------------------------------------

def _procedure(value: str) -> str:
    value = value.strip().upper()
    if problem := codes.procedure_problem(value):
        raise ValueError(problem)
    return value


def _modifier(value: str) -> str:
    value = value.strip().upper()
    if not codes.is_modifier(value):
        raise ValueError(f"modifier {value!r} must be two letters or digits, e.g. 25")
    return value


def _diagnosis(value: str) -> str:
    if problem := codes.diagnosis_problem(value.strip().upper()):
        raise ValueError(problem)
    return codes.icd10_plain(value)


def _npi(value: str) -> str:
    if not codes.npi_valid(value):
        raise ValueError("must be a 10-digit NPI with a valid check digit")
    return value


ProcedureCode = Annotated[str, StringConstraints(max_length=5), AfterValidator(_procedure)]
Modifier = Annotated[str, StringConstraints(max_length=2), AfterValidator(_modifier)]
DiagnosisCode = Annotated[str, StringConstraints(max_length=8), AfterValidator(_diagnosis)]
Npi = Annotated[str, AfterValidator(_npi)]
Slug = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
PlaceOfService = Annotated[str, StringConstraints(pattern=r"^\d{2}$")]


# --- fee schedule -----------------------------------------------------------------------------------

class Fee(Strict):
    code: ProcedureCode
    modifier: Modifier | None = None
    amount_cents: PositiveCents
    description: Text(200) | None = None


class FeeScheduleIn(Strict):
    fees: list[Fee] = Field(max_length=2000)

    @model_validator(mode="after")
    def _unique(self) -> "FeeScheduleIn":
        keys = [(f.code, f.modifier) for f in self.fees]
        if len(set(keys)) != len(keys):
            raise ValueError("each code (and modifier) appears once in the fee schedule")
        return self


class FeeSchedule(Stored):
    model_config = ConfigDict(extra="ignore")

    fees: list[Fee] = Field(default_factory=list)
    version: int = 0
    updated_at: str | None = None

    def price(self, code: str, modifiers: list[str]) -> int | None:
        by_key = {(f.code, f.modifier): f.amount_cents for f in self.fees}
        for modifier in modifiers:
            if (code, modifier) in by_key:
                return by_key[(code, modifier)]
        return by_key.get((code, None))


# --- payers and the practice's billing settings -----------------------------------------------------

Severity = Literal["error", "warning"]


class RuleSetting(Strict):
    enabled: bool = True
    severity: Severity = "error"
    params: dict[str, int | str | list[str]] = Field(default_factory=dict)


ScrubRuleTable = Annotated[dict[Slug, RuleSetting], Field(max_length=50)]


class PayerIn(Strict):
    name: Text(100)
    electronic_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{2,80}$")] = Field(
        description="the payer id the clearinghouse routes on (2010BB NM109)")
    timely_filing_days: int = Field(default=90, ge=1, le=730)
    scrub_rules: ScrubRuleTable = Field(default_factory=dict, description="overrides of the practice's rules")


class Payer(Stored, PayerIn):
    model_config = ConfigDict(extra="ignore")

    id: str
    version: int
    updated_at: str


class PayerList(BaseModel):
    payers: list[Payer]


class PostalAddress(Strict):
    line: Text(55)
    city: Text(30)
    state: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    postal_code: Annotated[str, StringConstraints(pattern=r"^\d{5}(\d{4})?$")]


class BillingProvider(Strict):
    name: Text(60)
    npi: Npi
    tax_id: Annotated[str, StringConstraints(pattern=r"^\d{9}$")] = Field(description="EIN, 9 digits")
    address: PostalAddress
    taxonomy: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{9}X$")] | None = None
    contact_name: Text(60) = "Billing Office"
    contact_phone: Annotated[str, StringConstraints(pattern=r"^\d{10}$")] = "5555550100"


DenialAction = Literal["resubmit", "work_item", "close"]
Correction = Literal["none", "refresh_subscriber"]


class DenialRule(Strict):
    carc: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{1,3}$")]
    rarc: Annotated[str, StringConstraints(pattern=r"^[A-Z]{1,2}\d{1,3}$")] | None = None
    group: Literal["CO", "PR", "OA", "PI", "CR"] | None = None
    action: DenialAction
    correction: Correction = "none"
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""  # "" (no note) is valid


class ClaimSettingsIn(Strict):
    billing_provider: BillingProvider
    scrub_rules: ScrubRuleTable = Field(default_factory=dict)
    denial_rules: list[DenialRule] | None = Field(default=None, max_length=200,
                                                  description="None: the default denial rules")
    follow_up_days: int = Field(default=30, ge=1, le=365)
    max_auto_resubmits: int = Field(default=2, ge=0, le=5)


class ClaimSettings(Stored, ClaimSettingsIn):
    model_config = ConfigDict(extra="ignore")

    version: int = 1
    updated_at: str | None = None


# --- charges ----------------------------------------------------------------------------------------

class ChargeLineIn(Strict):
    procedure_code: ProcedureCode
    modifiers: list[Modifier] = Field(default_factory=list, max_length=4)
    units: int = Field(default=1, ge=1, le=999)
    diagnosis_pointers: list[int] = Field(min_length=1, max_length=4,
                                          description="1-based positions in the charge's diagnoses")
    charge_cents: PositiveCents | None = Field(default=None, description="default: fee schedule x units")


class ChargeIn(Strict):
    patient_id: Slug
    visit_id: Slug | None = Field(default=None, description="the appointment this charge is for")
    date_of_service: CalendarDate
    place_of_service: PlaceOfService = "11"
    rendering_npi: Npi | None = None
    diagnoses: list[DiagnosisCode] = Field(min_length=1, max_length=12)
    lines: list[ChargeLineIn] = Field(min_length=1, max_length=50)

    @model_validator(mode="after")
    def _pointers(self) -> "ChargeIn":
        for n, line in enumerate(self.lines, start=1):
            bad = [p for p in line.diagnosis_pointers if not 1 <= p <= len(self.diagnoses)]
            if bad:
                raise ValueError(f"line {n}: diagnosis pointer {bad[0]} points past the {len(self.diagnoses)} "
                                 "diagnoses")
        return self


class ChargeLine(Stored):
    procedure_code: str
    modifiers: list[str] = Field(default_factory=list)
    units: int
    diagnosis_pointers: list[int]
    charge_cents: int


class Charge(Stored):
    id: str
    patient_id: str
    visit_id: str | None = None
    date_of_service: date
    place_of_service: str = "11"
    rendering_npi: str | None = None
    diagnoses: list[str]
    lines: list[ChargeLine]
    total_cents: int
    created_at: str
    created_by: str


# --- claims -----------------------------------------------------------------------------------------

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


class Issue(BaseModel):
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


class ClaimPage(BaseModel):
    claims: list[Claim]
    next_page_token: str | None = None


class ScrubResult(BaseModel):
    claim_id: str
    clean: bool
    state: ClaimState
    issues: list[Issue]


class ResolveIn(Strict):
    """A billing person's decision on a claim in needs_review (or rejected/failed)."""

    action: Literal["resubmit", "void", "close"]
    note: Text(500) | None = None


# --- invoices and payments --------------------------------------------------------------------------

PaymentMethod = Literal["card", "cash", "cheque"]


class InvoiceIn(Strict):
    patient_id: Slug
    amount_cents: PositiveCents
    description: Text(200)
    charge_id: Slug | None = None


class PaymentSummary(Stored):
    id: str
    amount_cents: int
    method: str
    received_at: str


class Invoice(Stored):
    id: str
    patient_id: str
    claim_id: str | None = None
    charge_id: str | None = None
    description: str
    amount_cents: int
    paid_cents: int = 0
    balance_cents: int
    status: Literal["open", "paid", "void"]
    payments: list[PaymentSummary] = Field(default_factory=list)
    issued_on: date
    version: int
    created_at: str
    updated_at: str


class InvoiceList(BaseModel):
    invoices: list[Invoice]


class Statement(BaseModel):
    patient_id: str
    as_of: date
    invoices: list[Invoice]
    total_billed_cents: int
    total_paid_cents: int
    balance_cents: int


class PaymentIn(Strict):
    invoice_id: Slug
    amount_cents: PositiveCents
    method: PaymentMethod
    reference: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9 -]{1,40}$")] | None = Field(
        default=None, description="cheque number or card last four; never a full card number")

    @model_validator(mode="after")
    def _no_card_numbers(self) -> "PaymentIn":
        digits = "".join(c for c in (self.reference or "") if c.isdigit())
        if self.method == "card" and len(digits) > 4:
            raise ValueError("record only the card's last four digits")
        return self


class Payment(Stored):
    id: str
    invoice_id: str
    patient_id: str
    amount_cents: int
    method: str
    reference: str | None = None
    source: Literal["patient", "payer"] = "patient"
    received_at: str
    recorded_by: str


class AgingRow(BaseModel):
    key: str  # payer id or patient id
    buckets: dict[str, int]  # "0-30", "31-60", "61-90", "90+" -> cents
    total_cents: int


class AgingReport(BaseModel):
    as_of: date
    by_payer: list[AgingRow]
    by_patient: list[AgingRow]
    total_cents: int
