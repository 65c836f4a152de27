"""HTTP routes for billing: /charges, /claims, /payers, /invoices, /payments, /reports/ar-aging. Billing and
coordinator roles only, except that a patient sees their own invoices and statement and pays them."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from functions.billing import wiring
from functions.billing.models import (
    AgingReport,
    Charge,
    ChargeIn,
    Claim,
    ClaimIn,
    ClaimPage,
    ClaimSettings,
    ClaimSettingsIn,
    FeeSchedule,
    FeeScheduleIn,
    Invoice,
    InvoiceIn,
    InvoiceList,
    Payer,
    PayerIn,
    PayerList,
    Payment,
    PaymentIn,
    ResolveIn,
    ScrubResult,
    Statement,
    SubmitIn,
)
from functions.billing.service import BILLERS, BillingService
from functions.core.api import created, current_caller, idempotency_key
from functions.core.auth import Role, require

router = Router()

Id = Annotated[str, Path(min_length=1, max_length=64)]
ExpectedVersion = Annotated[int, Query(ge=0, le=1_000_000_000,
                                       description="the version you read (0 when there is none yet)")]
PAYERS_OR_PATIENT = BILLERS | {Role.PATIENT}
TEXT = "text/plain"


def service() -> BillingService:
    return wiring.service()


def biller():
    return require(current_caller(router), BILLERS)


# --- settings, fee schedule, payers -------------------------------------------------------------------

@router.get("/claims/settings", summary="The practice's billing provider, scrubbing and denial rules")
def get_settings() -> ClaimSettings:
    return service().claim_settings(biller())


@router.put("/claims/settings", summary="Set the billing provider, scrubbing and denial rules (send ?version=)")
def put_settings(body: Annotated[ClaimSettingsIn, Body()], version: ExpectedVersion) -> ClaimSettings:
    return service().put_claim_settings(biller(), body, version)


@router.get("/charges/fee-schedule", summary="The practice's fee schedule")
def get_fee_schedule() -> FeeSchedule:
    return service().fee_schedule(biller())


@router.put("/charges/fee-schedule", summary="Replace the fee schedule (send ?version=)")
def put_fee_schedule(body: Annotated[FeeScheduleIn, Body()], version: ExpectedVersion) -> FeeSchedule:
    return service().put_fee_schedule(biller(), body, version)


@router.get("/payers", summary="The payers the practice bills")
def list_payers() -> PayerList:
    return service().payers(biller())


@router.get("/payers/<payer_id>", summary="A payer: electronic id, timely-filing days, rule overrides")
def get_payer(payer_id: Id) -> Payer:
    return service().payer(biller(), payer_id)


@router.put("/payers/<payer_id>", summary="Set up or change a payer (send ?version=, 0 for a new payer)")
def put_payer(payer_id: Id, body: Annotated[PayerIn, Body()], version: ExpectedVersion) -> Payer:
    return service().put_payer(biller(), payer_id, body, version)


# --- charges and claims --------------------------------------------------------------------------------

@router.post("/charges", summary="Record a visit's charge (priced from the fee schedule)")
def create_charge(body: Annotated[ChargeIn, Body()]) -> Response[Charge]:
    return created(service().create_charge(biller(), body))


@router.get("/charges/<charge_id>", summary="A charge")
def get_charge(charge_id: Id) -> Charge:
    return service().charge(biller(), charge_id)


@router.post("/claims", summary="Make a claim from a charge for the coverage of a rank; scrubbed at once")
def create_claim(body: Annotated[ClaimIn, Body()]) -> Response[Claim]:
    return created(service().create_claim(biller(), body))


@router.get("/claims", summary="Claims in a state, most recently changed first")
def list_claims(state: Annotated[str, Query(max_length=32)],
                limit: Annotated[int, Query(ge=1, le=100)] = 50,
                page_token: Annotated[str | None, Query(max_length=2048)] = None) -> ClaimPage:
    return service().claims(biller(), state, limit, page_token)


@router.get("/claims/<claim_id>", summary="A claim: its one state, why, amounts, CARC/RARC codes")
def get_claim(claim_id: Id) -> Claim:
    return service().claim(biller(), claim_id)


@router.get("/claims/<claim_id>/837", summary="The last X12 837P built for the claim",
            responses={200: {"description": "X12 text", "content": {TEXT: {"schema": {"type": "string"}}}}})
def get_claim_file(claim_id: Id) -> Response[str]:
    return Response(status_code=200, content_type=TEXT, body=service().claim_file(biller(), claim_id))


@router.post("/claims/<claim_id>/scrub", summary="Scrub again: the issues, each with what to fix")
def scrub_claim(claim_id: Id) -> ScrubResult:
    return service().scrub_claim(biller(), claim_id)


@router.post("/claims/<claim_id>/submit", summary="Start the submission workflow (send the version you read)")
def submit_claim(claim_id: Id, body: Annotated[SubmitIn, Body()]) -> Response[Claim]:
    return Response(status_code=202, content_type="application/json",
                    body=service().submit_claim(biller(), claim_id, body.version))


@router.post("/claims/<claim_id>/resolve", summary="A billing person's decision: resubmit, void or close")
def resolve_claim(claim_id: Id, body: Annotated[ResolveIn, Body()]) -> Claim:
    return service().resolve(biller(), claim_id, body)


# --- invoices, payments, reports ------------------------------------------------------------------------

@router.post("/invoices", summary="Invoice a patient directly (honours Idempotency-Key)")
def create_invoice(body: Annotated[InvoiceIn, Body()]) -> Response[Invoice]:
    return created(service().create_invoice(biller(), body, idempotency_key(router)))


@router.get("/invoices", summary="A patient's invoices (a patient: their own)")
def list_invoices(patient_id: Annotated[str, Query(min_length=1, max_length=64)]) -> InvoiceList:
    caller = require(current_caller(router), PAYERS_OR_PATIENT)
    return service().invoices(caller, patient_id)


@router.get("/invoices/statement", summary="A patient's statement: invoices, payments, balance")
def statement(patient_id: Annotated[str, Query(min_length=1, max_length=64)]) -> Statement:
    caller = require(current_caller(router), PAYERS_OR_PATIENT)
    return service().statement(caller, patient_id)


@router.get("/invoices/<invoice_id>", summary="An invoice (a patient: their own)")
def get_invoice(invoice_id: Id) -> Invoice:
    caller = require(current_caller(router), PAYERS_OR_PATIENT)
    return service().invoice(caller, invoice_id)


@router.post("/payments", summary="Record a payment: card, cash or cheque (honours Idempotency-Key)")
def create_payment(body: Annotated[PaymentIn, Body()]) -> Response[Payment]:
    caller = require(current_caller(router), PAYERS_OR_PATIENT)
    return created(service().pay(caller, body, idempotency_key(router)))


@router.get("/payments/<payment_id>", summary="A payment (a patient: their own)")
def get_payment(payment_id: Id) -> Payment:
    caller = require(current_caller(router), PAYERS_OR_PATIENT)
    return service().payment(caller, payment_id)


@router.get("/reports/ar-aging", summary="A/R aging: 0-30, 31-60, 61-90, 90+ days by payer and by patient")
def ar_aging() -> AgingReport:
    return service().ar_aging(biller())
