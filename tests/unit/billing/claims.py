"""A claim to test with, built directly (the stored model takes any code, so bad ones can be scrubbed)."""

from datetime import date

from functions.billing.models.charges import ChargeLine
from functions.billing.models.claims import Claim, Subscriber
from functions.billing.models.setup import BillingProvider, PostalAddress

PROVIDER = BillingProvider(name="Springfield Family Practice", npi="1234567893", tax_id="123456789",
                           address=PostalAddress(line="1 Clinic Way", city="Springfield", state="IL",
                                                 postal_code="627011234"), taxonomy="207Q00000X")
TODAY = date(2024, 6, 1)


def claim(**changes) -> Claim:
    subscriber = Subscriber(member_id="XYZ123456", group_number="G100", given_name="Ada", family_name="Lovelace",
                            birth_date=date(1990, 12, 10), gender="female", address_line="12 Main St",
                            city="Springfield", state="IL", postal_code="62701", coverage_id="cov-1",
                            coverage_start=date(2024, 1, 1))
    base = dict(
        id="01HZX3V6Q9K8W2M4N5P7R8S9T0", charge_id="charge-1", patient_id="patient-1", rank="primary",
        payer_id="acme", payer_name="Acme Health", payer_electronic_id="60054", subscriber=subscriber,
        date_of_service=date(2024, 5, 1), place_of_service="11", diagnoses=["J45909", "E119"],
        lines=[ChargeLine(procedure_code="99213", modifiers=["25"], units=1, diagnosis_pointers=[1, 2],
                          charge_cents=15000),
               ChargeLine(procedure_code="J3420", units=2, diagnosis_pointers=[2], charge_cents=3050)],
        total_cents=18050, state="scrubbed", timely_filing_deadline=date(2024, 7, 30), version=1,
        created_at="2024-05-02T10:00:00.000Z", updated_at="2024-05-02T10:00:00.000Z",
    )
    return Claim(**{**base, **changes})
