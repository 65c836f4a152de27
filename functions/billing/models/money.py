"""What patients owe and pay: invoices, payments, statements, and the A/R aging report. Integer cents."""

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from functions.billing.models.values import Slug
from functions.core.models import Shape, Stored, Strict
from functions.core.types import PositiveCents, Text

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


class InvoiceList(Shape):
    invoices: list[Invoice]


class Statement(Shape):
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


class AgingRow(Shape):
    key: str  # payer id or patient id
    buckets: dict[str, int]  # "0-30", "31-60", "61-90", "90+" -> cents
    total_cents: int


class AgingReport(Shape):
    as_of: date
    by_payer: list[AgingRow]
    by_patient: list[AgingRow]
    total_cents: int
