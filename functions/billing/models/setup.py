"""The practice's billing set-up: the fee schedule, payers, the billing provider, scrubbing and denial rules."""

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from functions.billing.models.values import Modifier, Npi, ProcedureCode, Slug
from functions.core.models import Shape, Stored, Strict
from functions.core.types import PositiveCents, Text

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


class PayerList(Shape):
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
