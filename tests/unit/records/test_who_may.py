"""Who may do what to a patient's chart: the RECORDS rules of core.authz, enforced by the use cases."""

import pytest

from functions.core.auth import Role
from functions.core.errors import Forbidden
from functions.records.models.consent import ConsentIn
from functions.records.models.patients import PatientPatch
from tests.unit.records.support import caller, coverage_in, patient_in

C, F, P, B, S, PATIENT = (Role.COORDINATOR, Role.FRONT_DESK, Role.PRACTITIONER, Role.BILLING, Role.STAFF,
                          Role.PATIENT)
PO = Role.PRIVACY_OFFICER  # sees who read a chart (the audit views), never the chart itself
STAFF = (C, F, P, B, S, PO)


@pytest.fixture
def ada(patients):
    return patients.register(caller(), patient_in())


def who(role: Role, ada) -> object:
    """A caller of `role`; a patient caller is Ada herself."""
    return caller(role, patient=ada.id if role is PATIENT else None)


# (what, the roles that may) — a patient may only ever reach Ada's own chart here
CASES = {
    "register": (lambda u, c, a: u["patients"].register(c, patient_in(given_name="Bea")), {C, F}),
    "search": (lambda u, c, a: u["search"].search(c, family="love"), {C, F, P, B}),
    "read": (lambda u, c, a: u["patients"].read(c, a.id), {C, F, P, B, PATIENT}),
    "export": (lambda u, c, a: u["patients"].export_fhir(c, a.id), {C, F, P, B, PATIENT}),
    "update": (lambda u, c, a: u["patients"].update(c, a.id, PatientPatch(preferred_name="A"), lambda: 1), {C, F}),
    "delete": (lambda u, c, a: u["patients"].delete(c, a.id), {C}),
    "list coverages": (lambda u, c, a: u["coverages"].list_coverages(c, a.id), {C, F, P, B, PATIENT}),
    "add coverage": (lambda u, c, a: u["coverages"].add(c, a.id, coverage_in()), {C, F, B}),
    "list consents": (lambda u, c, a: u["consents"].list_consents(c, a.id), {C, F, P, B, PATIENT}),
    "grant consent": (lambda u, c, a: u["consents"].grant(c, a.id, ConsentIn(kind="treatment")), {C, F, PATIENT}),
}


@pytest.mark.parametrize("role", [*STAFF, PATIENT], ids=lambda role: role.value)
@pytest.mark.parametrize("what", CASES)
def test_each_role_may_do_exactly_what_the_table_says(what, role, ada, patients, search, coverages, consents,
                                                      audit, store):
    do, allowed = CASES[what]
    use_cases = {"patients": patients, "search": search, "coverages": coverages, "consents": consents}
    before = (len(audit.entries), store.writes)
    if role in allowed:
        do(use_cases, who(role, ada), ada)
    else:
        with pytest.raises(Forbidden):
            do(use_cases, who(role, ada), ada)
        assert (len(audit.entries), store.writes) == before  # refused before anything was read or written


@pytest.mark.parametrize("reach", [
    lambda u, c, other: u["patients"].read(c, other),
    lambda u, c, other: u["coverages"].list_coverages(c, other),
    lambda u, c, other: u["consents"].grant(c, other, ConsentIn(kind="treatment")),
], ids=["read", "coverages", "consent"])
def test_a_patient_never_reaches_another_patients_chart(reach, ada, patients, search, coverages, consents):
    bea = patients.register(caller(), patient_in(given_name="Bea"))
    use_cases = {"patients": patients, "search": search, "coverages": coverages, "consents": consents}
    with pytest.raises(Forbidden) as refused:
        reach(use_cases, caller(PATIENT, patient=ada.id), bea.id)
    assert refused.value.subject_patient_id == bea.id  # the refusal is audited against the patient it concerned


def test_a_refused_staff_member_is_told_which_roles_may(ada, patients):
    with pytest.raises(Forbidden) as refused:
        patients.delete(caller(F), ada.id)
    assert refused.value.details == {"allowed_roles": ["coordinator"]}
