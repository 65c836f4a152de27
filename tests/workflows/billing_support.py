"""A practice ready to bill, for the claim workflow tests and the benchmark: billing settings, a payer, a
fee schedule, a patient with a primary coverage, and a charge."""

from datetime import date, timedelta

from functions.billing.models.charges import ChargeIn, ChargeLineIn
from functions.billing.models.claims import ClaimIn
from functions.billing.models.setup import BillingProvider, ClaimSettingsIn, Fee, FeeScheduleIn, PayerIn, PostalAddress
from functions.core.auth import Caller, Role
from functions.records.models.coverage import CoverageIn
from functions.records.models.patients import PatientIn

PRACTICE = "practice-billing"
PAYER = "acme-health"
PROVIDER = BillingProvider(name="Springfield Family Practice", npi="1234567893", tax_id="123456789",
                           address=PostalAddress(line="1 Clinic Way", city="Springfield", state="IL",
                                                 postal_code="627011234"), taxonomy="207Q00000X")


def biller(practice: str = PRACTICE, user: str = "biller-1") -> Caller:
    return Caller(user_id=user, practice_id=practice, roles=frozenset({Role.BILLING}), request_id="test")


def coordinator(practice: str = PRACTICE) -> Caller:
    return Caller(user_id="coord-1", practice_id=practice, roles=frozenset({Role.COORDINATOR}), request_id="test")


def set_up_practice(practice: str = PRACTICE, timely_filing_days: int = 90) -> None:
    """Through the production wiring: the settings, a payer and the fee schedule, each new (version 0)."""
    from functions.billing import wiring

    caller = biller(practice)
    wiring.claim_setup().change_settings(caller, ClaimSettingsIn(billing_provider=PROVIDER), lambda: 0)
    wiring.claim_setup().change_payer(caller, PAYER, PayerIn(name="Acme Health", electronic_id="60054",
                                                             timely_filing_days=timely_filing_days), lambda: 0)
    wiring.fee_schedules().change(caller, FeeScheduleIn(fees=[
        Fee(code="99213", amount_cents=15000, description="office visit, established, low"),
        Fee(code="J3420", amount_cents=1525, description="vitamin B12 injection"),
    ]), lambda: 0)


def new_patient(practice: str = PRACTICE, member_id: str = "XYZ123456",
                coverage_start: date = date(2020, 1, 1)) -> str:
    """Through the records area's production wiring: a patient with a primary coverage."""
    from functions.records import wiring as records

    caller = coordinator(practice)
    patient = records.patients().register(caller, PatientIn(
        given_name="Ada", family_name="Lovelace", birth_date=date(1990, 12, 10), gender="female",
        address={"lines": ["12 Main St"], "city": "Springfield", "state": "IL", "postal_code": "62701",
                 "country": "US"}))
    records.coverages().add(caller, patient.id, CoverageIn(
        payer_id=PAYER, payer_name="Acme Health", member_id=member_id, group_number="G100", rank="primary",
        period_start=coverage_start))
    return patient.id


def new_claim(patient_id: str, today: date, days_ago: int = 10, practice: str = PRACTICE):
    from functions.billing import wiring

    caller = biller(practice)
    charge = wiring.charges().record(caller, ChargeIn(
        patient_id=patient_id, date_of_service=today - timedelta(days=days_ago), diagnoses=["J45.909", "E11.9"],
        lines=[ChargeLineIn(procedure_code="99213", modifiers=["25"], diagnosis_pointers=[1, 2]),
               ChargeLineIn(procedure_code="J3420", units=2, diagnosis_pointers=[2])]))
    return wiring.claims().create(caller, ClaimIn(charge_id=charge.id))
