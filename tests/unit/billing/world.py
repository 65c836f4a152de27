"""Billing's use cases wired to the in-memory fakes, on a fixed clock: a practice set up to bill (settings, a
payer, the fee schedule) and a patient with a primary coverage, as the unit tests start from."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from functions.billing.charges import Charges
from functions.billing.claim_workflow import ClaimWorkflow
from functions.billing.claims import Claims
from functions.billing.coverage import Coverages
from functions.billing.fee_schedule import FeeSchedules
from functions.billing.follow_up import ClaimFollowUp
from functions.billing.invoicing import Invoicing
from functions.billing.models.charges import ChargeIn, ChargeLineIn
from functions.billing.models.claims import Claim, ClaimIn
from functions.billing.models.coverage import CoverageOnFile, MailingAddress, PatientOnFile
from functions.billing.models.setup import ClaimSettingsIn, Fee, FeeScheduleIn, PayerIn
from functions.billing.payments import Payments
from functions.billing.remittance import Remittance
from functions.billing.reports import Reports
from functions.billing.settings import ClaimSetup
from functions.core.auth import Caller, Role
from tests.fakes import billing as fakes
from tests.fakes.audit import FakeAuditTrail
from tests.fakes.idempotency import FakeIdempotencyKeys
from tests.unit.billing.claims import PROVIDER

PRACTICE = "practice-unit"
PATIENT = "patient-ada"
NOW = datetime(2024, 6, 3, 15, 0, tzinfo=UTC)


def person(role: Role, user: str = "user-1", patient: str | None = None) -> Caller:
    return Caller(user_id=user, practice_id=PRACTICE, roles=frozenset({role}), request_id="test", patient_id=patient)


BILLER = person(Role.BILLING, "biller-1")


@dataclass
class World:
    trail: FakeAuditTrail
    setup: fakes.FakeBillingSetup
    ledger: fakes.FakeClaimLedger
    files: fakes.FakeClaimFiles
    invoice_book: fakes.FakeInvoiceBook
    payment_ledger: fakes.FakePaymentLedger
    patients: fakes.FakePatientCoverage
    engine: fakes.FakeClaimWorkflowEngine
    clearinghouse: fakes.FakeClearinghouse
    clock: list[datetime]
    claim_setup: ClaimSetup
    fee_schedules: FeeSchedules
    charges: Charges
    claims: Claims
    workflow: ClaimWorkflow
    follow_up: ClaimFollowUp
    invoicing: Invoicing
    payments: Payments
    reports: Reports

    def now(self) -> datetime:
        return self.clock[0]

    def a_claim(self, days_ago: int = 10, patient_id: str = PATIENT) -> Claim:
        day = date.fromordinal(self.now().date().toordinal() - days_ago)
        charge = self.charges.record(BILLER, ChargeIn(patient_id=patient_id, date_of_service=day,
                                                      diagnoses=["J45.909"], lines=[
                                                          ChargeLineIn(procedure_code="99213",
                                                                       diagnosis_pointers=[1])]))
        return self.claims.create(BILLER, ClaimIn(charge_id=charge.id))


def world() -> World:
    trail, keys = FakeAuditTrail(), FakeIdempotencyKeys()
    setup, ledger, files = fakes.FakeBillingSetup(trail), fakes.FakeClaimLedger(trail), fakes.FakeClaimFiles()
    charge_book = fakes.FakeChargeBook(trail)
    invoice_book = fakes.FakeInvoiceBook(trail, keys, ledger)
    payment_ledger = fakes.FakePaymentLedger(trail, keys, invoice_book)
    patients, engine, clearinghouse = fakes.FakePatientCoverage(), fakes.FakeClaimWorkflowEngine(), \
        fakes.FakeClearinghouse()
    clock = [NOW]
    counter = iter(range(1, 10_000))

    def now() -> datetime:
        return clock[0]

    def make_id() -> str:
        return f"ID{next(counter):06d}"

    coverages = Coverages(patients, setup)
    remittance = Remittance(ledger, files, setup, clearinghouse, invoice_book, payment_ledger, trail, now)
    built = World(
        trail, setup, ledger, files, invoice_book, payment_ledger, patients, engine, clearinghouse, clock,
        claim_setup=ClaimSetup(setup, trail, now), fee_schedules=FeeSchedules(setup, trail, now),
        charges=Charges(charge_book, setup, coverages, trail, now, make_id),
        claims=Claims(ledger, charge_book, files, setup, coverages, engine, trail, lambda: b"k" * 32, now, make_id),
        workflow=ClaimWorkflow(ledger, charge_book, files, setup, coverages, clearinghouse, remittance, trail, now),
        follow_up=ClaimFollowUp(ledger, setup, clearinghouse, trail, now),
        invoicing=Invoicing(invoice_book, coverages, trail, now, make_id),
        payments=Payments(payment_ledger, invoice_book, trail, now, make_id),
        reports=Reports(ledger, invoice_book, trail, now))
    built.claim_setup.change_settings(BILLER, ClaimSettingsIn(billing_provider=PROVIDER), lambda: 0)
    built.claim_setup.change_payer(BILLER, "acme-health", PayerIn(name="Acme Health", electronic_id="60054"),
                                   lambda: 0)
    built.fee_schedules.change(BILLER, FeeScheduleIn(fees=[Fee(code="99213", amount_cents=15000)]), lambda: 0)
    add_patient(built, PATIENT)
    return built


def add_patient(world: World, patient_id: str, payer_id: str = "acme-health") -> None:
    world.patients.add(PRACTICE, PatientOnFile(
        id=patient_id, given_name="Ada", family_name="Lovelace", birth_date=date(1990, 12, 10), gender="female",
        address=MailingAddress(lines=("12 Main St",), city="Springfield", state="IL", postal_code="62701",
                               country="US"),
        coverages=(CoverageOnFile(id=f"cov-{patient_id}", rank="primary", payer_id=payer_id, member_id="XYZ123456",
                                  group_number="G100", subscriber_relationship="self",
                                  period_start=date(2020, 1, 1), period_end=None),)))
