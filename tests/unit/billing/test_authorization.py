"""Who may do what in billing, asked of the use cases on the fakes: billing people and coordinators do the
billing; other staff may not; a patient reaches only their own invoices, statement and payments."""

import pytest

from functions.billing.models.claims import ClaimIn
from functions.billing.models.money import InvoiceIn, PaymentIn
from functions.core.auth import Role
from functions.core.errors import Forbidden, NotFound, PreconditionRequired
from tests.unit.billing.world import BILLER, PATIENT, person, world

STAFF_ONLY = {
    "settings": lambda w, who: w.claim_setup.settings(who),
    "payers": lambda w, who: w.claim_setup.payers(who),
    "fee schedule": lambda w, who: w.fee_schedules.current(who),
    "change the fee schedule": lambda w, who: w.fee_schedules.change(who, None, lambda: 1),
    "a charge": lambda w, who: w.charges.charge(who, w.claim.charge_id),
    "a claim": lambda w, who: w.claims.claim(who, w.claim.id),
    "make a claim": lambda w, who: w.claims.create(who, ClaimIn(charge_id=w.claim.charge_id)),
    "the claims": lambda w, who: w.claims.page(who),
    "submit": lambda w, who: w.claims.submit(who, w.claim.id, lambda: w.claim.version),
    "invoice directly": lambda w, who: w.invoicing.issue(who, InvoiceIn(patient_id=PATIENT, amount_cents=100,
                                                                        description="x")),
    "A/R aging": lambda w, who: w.reports.ar_aging(who),
}
SELF_OR_STAFF = {
    "the invoice": lambda w, who: w.invoicing.invoice(who, w.invoice.id),
    "the invoices": lambda w, who: w.invoicing.invoices_of(who, PATIENT),
    "the statement": lambda w, who: w.invoicing.statement(who, PATIENT),
    "pay": lambda w, who: w.payments.pay(who, PaymentIn(invoice_id=w.invoice.id, amount_cents=100, method="card")),
}


@pytest.fixture
def w():
    built = world()
    built.claim = built.a_claim()
    built.invoice = built.invoicing.issue(BILLER, InvoiceIn(patient_id=PATIENT, amount_cents=5000,
                                                            description="Visit"))
    return built


@pytest.mark.parametrize("action", sorted(STAFF_ONLY))
@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.PRACTITIONER, Role.STAFF, Role.PRIVACY_OFFICER, Role.PATIENT])
def test_billing_work_is_refused_to_everyone_but_billing_and_coordinators(w, action, role):
    with pytest.raises(Forbidden) as refused:
        STAFF_ONLY[action](w, person(role, patient=PATIENT if role is Role.PATIENT else None))
    assert refused.value.details.get("allowed_roles") == ["coordinator", "billing"]


@pytest.mark.parametrize("action", sorted(set(STAFF_ONLY) - {"change the fee schedule", "make a claim", "submit"}))
@pytest.mark.parametrize("role", [Role.BILLING, Role.COORDINATOR])
def test_billing_people_and_coordinators_do_it(w, action, role):
    STAFF_ONLY[action](w, person(role))


@pytest.mark.parametrize("action", sorted(SELF_OR_STAFF))
def test_a_patient_reaches_their_own_and_other_staff_do_not(w, action):
    SELF_OR_STAFF[action](w, person(Role.PATIENT, "ada-user", patient=PATIENT))
    SELF_OR_STAFF[action](w, person(Role.COORDINATOR))
    with pytest.raises(Forbidden):
        SELF_OR_STAFF[action](w, person(Role.FRONT_DESK))
    with pytest.raises(Forbidden):
        SELF_OR_STAFF[action](w, person(Role.PRIVACY_OFFICER))


@pytest.mark.parametrize("action", sorted(SELF_OR_STAFF))
def test_another_patients_invoices_are_not_theirs_to_see(w, action):
    with pytest.raises((Forbidden, NotFound)):
        SELF_OR_STAFF[action](w, person(Role.PATIENT, "grace-user", patient="patient-grace"))


def test_a_caller_who_may_not_change_a_thing_hears_403_before_its_if_match_is_read(w):
    def if_match() -> int:
        raise PreconditionRequired("send If-Match")

    with pytest.raises(Forbidden):
        w.fee_schedules.change(person(Role.FRONT_DESK), None, if_match)
    with pytest.raises(PreconditionRequired):
        w.fee_schedules.change(BILLER, None, if_match)
