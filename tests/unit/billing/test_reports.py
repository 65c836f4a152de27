"""A/R aging on the fakes: each open claim by payer and each open invoice by patient, in the bucket of its age."""

from datetime import date

import pytest

from functions.billing.models.money import InvoiceIn
from functions.billing.reports import Outstanding, bucket, days_in_ar
from tests.unit.billing.world import BILLER, PATIENT, PRACTICE, world


@pytest.mark.parametrize(("days", "expected"), [(0, "0-30"), (30, "0-30"), (31, "31-60"), (60, "31-60"),
                                                (61, "61-90"), (90, "61-90"), (91, "90+"), (400, "90+")])
def test_an_age_falls_in_one_bucket(days, expected):
    assert bucket(days) == expected


def test_open_claims_age_by_payer_and_open_invoices_by_patient():
    w = world()
    young = w.a_claim()
    old = w.a_claim(days_ago=20)
    # aged from when it was made (it was never sent): 45 days ago
    w.ledger.claims[(PRACTICE, old.id)] = old.model_copy(update={"created_at": "2024-04-19T10:00:00.000Z"})
    w.invoicing.issue(BILLER, InvoiceIn(patient_id=PATIENT, amount_cents=700, description="Copay"))
    closed = w.a_claim(days_ago=5)
    w.ledger.claims[(PRACTICE, closed.id)] = closed.model_copy(update={"state": "closed"})

    report = w.reports.ar_aging(BILLER)

    assert report.as_of == date(2024, 6, 3)
    assert [(r.key, r.buckets) for r in report.by_payer] == [
        ("acme-health", {"0-30": young.total_cents, "31-60": old.total_cents, "61-90": 0, "90+": 0})]
    assert [(r.key, r.total_cents) for r in report.by_patient] == [(PATIENT, 700)]
    assert report.total_cents == young.total_cents + old.total_cents + 700
    assert w.trail.actions()[-1] == "billing.report.ar_aging"


def test_days_in_ar_weighs_each_amount_owed_by_how_long_it_has_waited():
    w = world()
    young = w.a_claim(days_ago=0)
    old = w.a_claim(days_ago=20)
    w.ledger.claims[(PRACTICE, old.id)] = old.model_copy(update={"created_at": "2024-04-19T10:00:00.000Z"})  # 45 d
    w.invoicing.issue(BILLER, InvoiceIn(patient_id=PATIENT, amount_cents=700, description="Copay"))  # today
    before = len(w.trail.actions())

    owed = w.reports.outstanding(PRACTICE)

    assert owed == Outstanding(cents=young.total_cents + old.total_cents + 700, cent_days=old.total_cents * 45)
    assert days_in_ar([owed]) == round(old.total_cents * 45 / owed.cents, 1)
    assert len(w.trail.actions()) == before  # a number for the dashboard, naming nobody: not an audited read


def test_days_in_ar_of_several_practices_is_one_weighted_figure_and_zero_when_nothing_is_owed():
    assert days_in_ar([Outstanding(cents=100, cent_days=1_000), Outstanding(cents=300, cent_days=0)]) == 2.5
    assert days_in_ar([Outstanding(cents=0, cent_days=0)]) == 0.0
    assert days_in_ar([]) == 0.0
