import pytest

from functions.core import authz
from functions.core.auth import Role, caller_from_claims
from functions.core.errors import Forbidden, Unauthorized


def claims(**overrides):
    base = {"sub": "u1", "cognito:groups": "coordinator", "custom:practice_id": "demo"}
    return {**base, **overrides}


@pytest.mark.parametrize("groups,expected", [
    ("coordinator", {Role.COORDINATOR}),
    ("coordinator,billing", {Role.COORDINATOR, Role.BILLING}),
    ("[front_desk billing]", {Role.FRONT_DESK, Role.BILLING}),
    (["practitioner"], {Role.PRACTITIONER}),
    ("coordinator,unknown-group", {Role.COORDINATOR}),
])
def test_groups_claim_in_every_shape_api_gateway_sends(groups, expected):
    assert caller_from_claims(claims(**{"cognito:groups": groups})).roles == expected


def test_no_claims_is_unauthorized():
    with pytest.raises(Unauthorized):
        caller_from_claims(None)


def test_user_without_practice_is_forbidden():
    with pytest.raises(Forbidden):
        caller_from_claims(claims(**{"custom:practice_id": ""}))


def test_user_without_a_known_role_is_forbidden():
    with pytest.raises(Forbidden):
        caller_from_claims(claims(**{"cognito:groups": "admins"}))


def test_patient_user_must_be_linked_to_a_record():
    with pytest.raises(Forbidden):
        caller_from_claims(claims(**{"cognito:groups": "patient"}))


def test_practice_claim_that_could_escape_a_key_is_refused():
    with pytest.raises(Exception):  # noqa: B017 - Invalid, a 4xx either way
        caller_from_claims(claims(**{"custom:practice_id": "demo#PATIENT"}))


def test_audit_role_is_the_most_privileged():
    assert caller_from_claims(claims(**{"cognito:groups": "billing,coordinator"})).role == "coordinator"


@pytest.mark.parametrize("groups", [
    "patient,staff", "billing,patient", "[coordinator patient]", ["patient", "front_desk"],
])
def test_a_token_with_the_patient_group_is_a_patient_whatever_else_it_carries(groups):
    caller = caller_from_claims(claims(**{"cognito:groups": groups, "custom:patient_id": "p1"}))
    assert caller.roles == {Role.PATIENT}
    assert caller.is_patient and caller.role == "patient"
    with pytest.raises(Forbidden):
        authz.authorize(caller, "records.patient.search")
    with pytest.raises(Forbidden):
        authz.authorize(caller, "records.patient.read", authz.patient("p2"))


def test_a_patient_id_claim_on_a_staff_token_binds_nothing():
    caller = caller_from_claims(claims(**{"cognito:groups": "front_desk", "custom:patient_id": "p1"}))
    assert caller.patient_id is None and not caller.is_patient
