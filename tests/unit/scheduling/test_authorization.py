"""Who may do what in scheduling, per role, through the use cases (the table is core.authz's SCHEDULING
section). A refused role is Forbidden before anything changes; an allowed one gets past authorization."""

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from functions.core.auth import Caller, Role
from functions.core.errors import DomainError, Forbidden
from functions.scheduling.models.appointments import CancelIn, RescheduleIn
from functions.scheduling.models.setup import ExceptionIn, PolicyIn, PractitionerIn, RoomIn
from functions.scheduling.models.waitlist import WaitlistIn
from tests.unit.scheduling.support import WEDNESDAY_TEN, Clinic, open_clinic, patient, staff

C, F, P, B, S, PAT = "coordinator", "front_desk", "practitioner", "billing", "staff", "patient"
PO = "privacy_officer"  # the audit trail and compliance: nothing of scheduling's
ROLES = (C, F, P, B, S, PO, PAT)


def as_role(role: str) -> Caller:
    return patient("pat-1") if role == PAT else staff(Role(role), f"{role}-user")


Act = Callable[[Clinic, Caller], object]
WEEK = {"earliest": date(2026, 3, 2), "latest": date(2026, 3, 9)}

CASES: dict[str, tuple[Act, set[str]]] = {
    "set the policy": (lambda c, who: c.scheduling.setup.put_policy(who, PolicyIn(), lambda: 1), {C}),
    "read the policy": (lambda c, who: c.scheduling.setup.policy(who), {C, F, P, PAT}),
    "add a practitioner": (lambda c, who: c.scheduling.setup.create_practitioner(who, PractitionerIn(name="X")),
                           {C}),
    "list practitioners": (lambda c, who: c.scheduling.setup.list_practitioners(who), {C, F, P, PAT}),
    "add a room": (lambda c, who: c.scheduling.setup.create_room(who, RoomIn(name="X")), {C}),
    "list rooms": (lambda c, who: c.scheduling.setup.list_rooms(who), {C, F, P}),
    "list types": (lambda c, who: c.scheduling.setup.list_types(who), {C, F, P, PAT}),
    "add an exception": (lambda c, who: c.scheduling.setup.add_exception(
        who, ExceptionIn(date=date(2026, 3, 5), kind="holiday")), {C, F}),
    "list exceptions": (lambda c, who: c.scheduling.setup.list_exceptions(who, date(2026, 3, 2), date(2026, 3, 9)),
                        {C, F, P}),
    "search slots": (lambda c, who: c.scheduling.slots.search(who, c.visit, date(2026, 3, 4), date(2026, 3, 4)),
                     {C, F, P, PAT}),
    "export a schedule": (lambda c, who: c.scheduling.slots.schedule_fhir(who, c.dr_a, c.visit, date(2026, 3, 4),
                                                                          date(2026, 3, 4)), {C, F, P}),
    "book": (lambda c, who: c.book(who, patient_id="pat-1", start=WEDNESDAY_TEN + timedelta(hours=1)), {C, F, PAT}),
    "read an appointment": (lambda c, who: c.scheduling.appointments.appointment(who, c.booked.id), {C, F, P, PAT}),
    "list a patient's appointments": (lambda c, who: c.scheduling.appointments.list(who, patient_id="pat-1"),
                                      {C, F, P, PAT}),
    "no-show history": (lambda c, who: c.scheduling.appointments.no_shows(who, "pat-1"), {C, F, P, PAT}),
    "reschedule": (lambda c, who: c.scheduling.booking.reschedule(
        who, c.booked.id, RescheduleIn(start=WEDNESDAY_TEN + timedelta(hours=2)), lambda: 1), {C, F, PAT}),
    "cancel": (lambda c, who: c.scheduling.booking.cancel(who, c.booked.id, CancelIn(), lambda: 1), {C, F, PAT}),
    "confirm": (lambda c, who: c.scheduling.booking.change_status(who, c.booked.id, "confirmed", lambda: 1),
                {C, F, PAT}),
    "check in": (lambda c, who: c.scheduling.booking.change_status(who, c.booked.id, "arrived", lambda: 1), {C, F, P}),
    "day report": (lambda c, who: c.scheduling.reports.day_report(who, date(2026, 3, 4)), {C, F, P}),
    "join the waitlist": (lambda c, who: c.scheduling.waitlist.join(
        who, WaitlistIn(type_id=c.visit, patient_id=None if who.is_patient else "pat-1", **WEEK)), {C, F, PAT}),
    "list the waitlist": (lambda c, who: c.scheduling.waitlist.entries(who), {C, F, PAT}),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_each_role_may_do_only_what_the_table_allows(case, role):
    act, allowed = CASES[case]
    clinic = open_clinic()
    clinic.booked = clinic.book(patient_id="pat-1")
    before = len(clinic.state.events), dict(clinic.state.appointments)
    try:
        act(clinic, as_role(role))
    except Forbidden:
        assert role not in allowed, f"{role} was refused: {case}"
        assert (len(clinic.state.events), clinic.state.appointments) == before  # a refusal changes nothing
        return
    except DomainError as error:  # past authorization, refused by a rule: fine for this table
        assert role in allowed, f"{role} got {error.code} instead of 403: {case}"
        return
    assert role in allowed, f"{role} was let through: {case}"


def test_a_refused_role_is_told_which_roles_may():
    clinic = open_clinic()
    with pytest.raises(Forbidden) as refused:
        clinic.scheduling.setup.create_room(as_role(F), RoomIn(name="X"))
    assert refused.value.details == {"allowed_roles": ["coordinator"]}
