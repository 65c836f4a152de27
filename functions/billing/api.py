"""HTTP routes for billing: /charges, /claims, /payers, /invoices, /payments, /reports/ar-aging. Each parses the
request, calls one use case from `wiring` (which decides who may: billing and coordinator roles, and a patient
for their own invoices, statement and payments) and shapes the answer. An update's If-Match is handed over
unparsed (a callable), so a caller who may not make the change hears 403, not 428."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from functions.billing import wiring
from functions.billing.models.charges import Charge, ChargeIn
from functions.billing.models.claims import Claim, ClaimIn, ClaimPage, ResolveIn, ScrubResult
from functions.billing.models.money import AgingReport, Invoice, InvoiceIn, InvoiceList, Payment, PaymentIn, Statement
from functions.billing.models.setup import (
    ClaimSettings,
    ClaimSettingsIn,
    FeeSchedule,
    FeeScheduleIn,
    Payer,
    PayerIn,
    PayerList,
)
from functions.core.api import IfMatch, IfNoneMatch, created, current_caller, idempotency_key, precondition, tagged
from functions.core.auth import Caller
from functions.core.dates import CalendarDate

router = Router()

Id = Annotated[str, Path(min_length=1, max_length=64)]
TEXT = "text/plain"


def caller() -> Caller:
    return current_caller(router)


# --- settings, fee schedule, payers -------------------------------------------------------------------

@router.get("/claims/settings", summary="The practice's billing provider, scrubbing and denial rules")
def get_settings() -> Response[ClaimSettings]:
    return tagged(wiring.claim_setup().settings(caller()))


@router.put("/claims/settings", summary="Set the billing provider, scrubbing and denial rules "
                                        "(If-Match: the ETag you read; If-None-Match: * the first time)")
def put_settings(body: Annotated[ClaimSettingsIn, Body()], if_match: IfMatch = None,
                 if_none_match: IfNoneMatch = None) -> Response[ClaimSettings]:
    return tagged(wiring.claim_setup().change_settings(
        caller(), body, precondition(if_match, if_none_match, may_create=True)))


@router.get("/charges/fee-schedule", summary="The practice's fee schedule")
def get_fee_schedule() -> Response[FeeSchedule]:
    return tagged(wiring.fee_schedules().current(caller()))


@router.put("/charges/fee-schedule", summary="Replace the fee schedule (If-Match: the ETag you read)")
def put_fee_schedule(body: Annotated[FeeScheduleIn, Body()], if_match: IfMatch = None,
                     if_none_match: IfNoneMatch = None) -> Response[FeeSchedule]:
    return tagged(wiring.fee_schedules().change(
        caller(), body, precondition(if_match, if_none_match, may_create=True)))


@router.get("/payers", summary="The payers the practice bills")
def list_payers() -> PayerList:
    return wiring.claim_setup().payers(caller())


@router.get("/payers/<payer_id>", summary="A payer: electronic id, timely-filing days, rule overrides")
def get_payer(payer_id: Id) -> Response[Payer]:
    return tagged(wiring.claim_setup().payer(caller(), payer_id))


@router.put("/payers/<payer_id>", summary="Set up or change a payer (If-Match: the ETag you read; "
                                          "If-None-Match: * for a new payer)")
def put_payer(payer_id: Id, body: Annotated[PayerIn, Body()], if_match: IfMatch = None,
              if_none_match: IfNoneMatch = None) -> Response[Payer]:
    return tagged(wiring.claim_setup().change_payer(
        caller(), payer_id, body, precondition(if_match, if_none_match, may_create=True)))


# --- charges and claims --------------------------------------------------------------------------------

@router.post("/charges", status_code=201, summary="Record a visit's charge (priced from the fee schedule)")
def create_charge(body: Annotated[ChargeIn, Body()]) -> Response[Charge]:
    charge = wiring.charges().record(caller(), body)
    return created(charge, f"/charges/{charge.id}")


@router.get("/charges/<charge_id>", summary="A charge")
def get_charge(charge_id: Id) -> Charge:
    return wiring.charges().charge(caller(), charge_id)


@router.post("/claims", status_code=201,
             summary="Make a claim from a charge for the coverage of a rank; scrubbed at once")
def create_claim(body: Annotated[ClaimIn, Body()]) -> Response[Claim]:
    claim = wiring.claims().create(caller(), body)
    return created(claim, f"/claims/{claim.id}")


@router.get("/claims", summary="The practice's claims, newest date of service first; every filter optional "
                               "(with patient_id or payer_id a page may hold fewer than limit: follow the token)")
def list_claims(state: Annotated[str | None, Query(max_length=32)] = None,
                patient_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
                payer_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
                first: Annotated[CalendarDate | None, Query(alias="from", description="first date of service")] = None,
                last: Annotated[CalendarDate | None, Query(alias="to", description="last date of service")] = None,
                limit: Annotated[int, Query(ge=1, le=100)] = 50,
                page_token: Annotated[str | None, Query(max_length=2048)] = None) -> ClaimPage:
    return wiring.claims().page(caller(), state, limit, page_token, patient_id=patient_id,
                                 payer_id=payer_id, first=first, last=last)


@router.get("/claims/<claim_id>", summary="A claim: its one state, why, amounts, CARC/RARC codes")
def get_claim(claim_id: Id) -> Response[Claim]:
    return tagged(wiring.claims().claim(caller(), claim_id))


@router.get("/claims/<claim_id>/837", summary="The last X12 837P built for the claim",
            responses={200: {"description": "X12 text", "content": {TEXT: {"schema": {"type": "string"}}}}})
def get_claim_file(claim_id: Id) -> Response[str]:
    return Response(status_code=200, content_type=TEXT, body=wiring.claims().file(caller(), claim_id))


@router.post("/claims/<claim_id>/scrub", summary="Scrub again: the issues, each with what to fix")
def scrub_claim(claim_id: Id) -> ScrubResult:
    return wiring.claims().scrub(caller(), claim_id)


@router.post("/claims/<claim_id>/submit", summary="Start the submission workflow (If-Match: the claim's ETag)")
def submit_claim(claim_id: Id, if_match: IfMatch = None) -> Response[Claim]:
    return tagged(wiring.claims().submit(caller(), claim_id, precondition(if_match)), status=202)


@router.post("/claims/<claim_id>/resolve",
             summary="A billing person's decision: resubmit, void or close (If-Match: the claim's ETag)")
def resolve_claim(claim_id: Id, body: Annotated[ResolveIn, Body()], if_match: IfMatch = None) -> Response[Claim]:
    return tagged(wiring.claims().resolve(caller(), claim_id, body, precondition(if_match)))


# --- invoices, payments, reports ------------------------------------------------------------------------

@router.post("/invoices", status_code=201, summary="Invoice a patient directly (honours Idempotency-Key)")
def create_invoice(body: Annotated[InvoiceIn, Body()]) -> Response[Invoice]:
    invoice = wiring.invoicing().issue(caller(), body, idempotency_key(router))
    return created(invoice, f"/invoices/{invoice.id}")


@router.get("/invoices", summary="A patient's invoices (a patient: their own)")
def list_invoices(patient_id: Annotated[str, Query(min_length=1, max_length=64)]) -> InvoiceList:
    return wiring.invoicing().invoices_of(caller(), patient_id)


@router.get("/invoices/statement", summary="A patient's statement: invoices, payments, balance")
def statement(patient_id: Annotated[str, Query(min_length=1, max_length=64)]) -> Statement:
    return wiring.invoicing().statement(caller(), patient_id)


@router.get("/invoices/<invoice_id>", summary="An invoice (a patient: their own)")
def get_invoice(invoice_id: Id) -> Response[Invoice]:
    return tagged(wiring.invoicing().invoice(caller(), invoice_id))


@router.post("/payments", status_code=201, summary="Record a payment: card, cash or cheque (honours Idempotency-Key)")
def create_payment(body: Annotated[PaymentIn, Body()]) -> Response[Payment]:
    payment = wiring.payments().pay(caller(), body, idempotency_key(router))
    return created(payment, f"/payments/{payment.id}")


@router.get("/payments/<payment_id>", summary="A payment (a patient: their own)")
def get_payment(payment_id: Id) -> Payment:
    return wiring.payments().payment(caller(), payment_id)


@router.get("/reports/ar-aging", summary="A/R aging: 0-30, 31-60, 61-90, 90+ days by payer and by patient")
def ar_aging() -> AgingReport:
    return wiring.reports().ar_aging(caller())
