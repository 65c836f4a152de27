"""The patient's record as a claim needs it: a patient still on file, and the coverage of a rank in force on the
date of service, as the claim's subscriber and the payer it bills."""

from datetime import date

from functions.billing.models.charges import Charge
from functions.billing.models.claims import Claim, Subscriber
from functions.billing.models.coverage import PatientOnFile
from functions.billing.models.setup import Payer
from functions.billing.ports import BillingSetup, PatientCoverage
from functions.core.errors import Invalid, NotFound
from functions.core.keys import segment


class Coverages:
    def __init__(self, patients: PatientCoverage, setup: BillingSetup) -> None:
        self.patients = patients
        self.setup = setup

    def patient(self, practice_id: str, patient_id: str) -> PatientOnFile:
        found = self.patients.patient(practice_id, segment(patient_id, "patient id"))
        if found is None or found.deleted:
            raise NotFound("no such patient", code="patient_not_found")
        return found

    def subscriber(self, practice_id: str, patient_id: str, rank: str, day: date) -> tuple[Subscriber, Payer]:
        """The coverage of `rank` in force on `day` (else the latest of that rank), and its payer's set-up."""
        patient = self.patient(practice_id, patient_id)
        of_rank = [c for c in patient.coverages if c.rank == rank]
        if not of_rank:
            raise Invalid(f"the patient has no {rank} coverage: add it in the patient's record", code="no_coverage")
        active = [c for c in of_rank if c.active_on(day)]
        coverage = active[0] if active else max(of_rank, key=lambda c: c.period_start)
        payer = self.setup.payer(practice_id, coverage.payer_id)
        if payer is None:
            raise Invalid(f"payer {coverage.payer_id!r} is not set up for billing: PUT /payers/{coverage.payer_id}",
                          code="payer_not_set_up")
        address = patient.address
        # the 837P's subscriber address is a US one (N4): anything else is left out rather than sent wrong
        us = address is not None and address.country == "US" and bool(address.state) and len(address.state) == 2 \
            and bool(address.postal_code)
        subscriber = Subscriber(
            member_id=coverage.member_id, group_number=coverage.group_number, given_name=patient.given_name,
            family_name=patient.family_name, birth_date=patient.birth_date, gender=patient.gender,
            address_line=address.lines[0] if us else None, city=address.city if us else None,
            state=address.state.upper() if us else None,
            postal_code=address.postal_code.replace("-", "") if us else None,
            relationship=coverage.subscriber_relationship, coverage_id=coverage.id,
            coverage_start=coverage.period_start, coverage_end=coverage.period_end,
        )
        return subscriber, payer

    def refreshed(self, practice_id: str, claim: Claim, charge: Charge) -> Claim:
        """The claim with the charge's lines and the coverage on file now (the payer stays the same)."""
        subscriber, _ = self.subscriber(practice_id, claim.patient_id, claim.rank, claim.date_of_service)
        return claim.model_copy(update={"subscriber": subscriber, "lines": charge.lines, "diagnoses": charge.diagnoses,
                                        "total_cents": charge.total_cents, "rendering_npi": charge.rendering_npi})
