"""A visit's charge: its services priced from the fee schedule (unless the biller names a price), for a patient
still on file; recorded once and audited, read as the patient's data."""

from collections.abc import Callable
from datetime import datetime

from functions.billing.coverage import Coverages
from functions.billing.models.charges import Charge, ChargeIn, ChargeLine
from functions.billing.ports import BillingSetup, ChargeBook
from functions.core import authz, clock
from functions.core.auth import Caller
from functions.core.errors import Invalid, NotFound
from functions.core.ids import new_id
from functions.core.keys import segment
from functions.core.service import AreaService, AuditTrail


class Charges(AreaService):
    def __init__(self, charges: ChargeBook, setup: BillingSetup, coverages: Coverages, audit: AuditTrail,
                 now: Callable[[], datetime] = clock.now, make_id: Callable[[], str] = new_id) -> None:
        self.charges = charges
        self.setup = setup
        self.coverages = coverages
        self.audit = audit
        self.now = now
        self.make_id = make_id

    def record(self, caller: Caller, body: ChargeIn) -> Charge:
        authz.authorize(caller, "billing.charge.create")
        self.coverages.patient(caller.practice_id, body.patient_id)
        fees = self.setup.fee_schedule(caller.practice_id)
        lines = []
        for n, line in enumerate(body.lines, start=1):
            price = line.charge_cents
            if price is None:
                unit = fees.price(line.procedure_code, line.modifiers)
                if unit is None:
                    raise Invalid(f"line {n}: {line.procedure_code} is not in the fee schedule: add it there or send "
                                  "charge_cents", code="no_fee")
                price = unit * line.units
            lines.append(ChargeLine(**line.model_dump(exclude={"charge_cents"}), charge_cents=price))
        at = self._at()
        charge = Charge(**body.model_dump(exclude={"lines"}), lines=lines,
                        total_cents=sum(x.charge_cents for x in lines), id=self.make_id(), created_at=at,
                        created_by=caller.user_id)
        self.charges.record(caller.practice_id, charge,
                            self._draft(caller, "charge.create", "CHARGE", charge.id, charge.patient_id, at),
                            [self._event("billing.charge.created", caller, charge.id, patient_id=charge.patient_id,
                                         total_cents=charge.total_cents)])
        return charge

    def charge(self, caller: Caller, charge_id: str) -> Charge:
        """A charge: the diagnoses and services of a visit. An audited read."""
        authz.authorize(caller, "billing.charge.read")
        charge = self.charges.charge(caller.practice_id, segment(charge_id, "charge id"))
        if charge is None:
            raise NotFound("no such charge", code="charge_not_found")
        self._audit_read(caller, "charge.read", "CHARGE", charge.id, charge.patient_id)
        return charge
