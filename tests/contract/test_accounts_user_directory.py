"""UserDirectory: the fake and the Cognito adapter (on moto's cognito-idp, the pool provisioned as the CDK's)
behave alike: one user per email across practices, resend only while pending, groups added idempotently."""

from dataclasses import dataclass
from typing import Any

import pytest

from functions.accounts.models import NewUser
from functions.core.errors import Conflict, NotFound

pytestmark = pytest.mark.user_pool  # the moto cloud makes the Cognito user pool (tests/conftest.py)


@dataclass
class Directory:
    port: Any
    groups_of: Any  # email -> set of group names, as the pool holds them
    sign_in: Any  # email -> None: the user sets their own password (no longer pending)


@pytest.fixture(params=["fake", "cognito"])
def directory(request) -> Directory:
    if request.param == "fake":
        from tests.fakes.accounts import FakeUserDirectory

        fake = FakeUserDirectory()
        return Directory(fake, fake.groups_of, fake.sign_in)
    import boto3

    from functions.accounts.cognito import CognitoUserDirectory

    pool = request.getfixturevalue("cloud").user_pool_id
    client = boto3.client("cognito-idp")

    def groups_of(email: str) -> set[str]:
        return {g["GroupName"] for g in client.admin_list_groups_for_user(UserPoolId=pool, Username=email)["Groups"]}

    def sign_in(email: str) -> None:
        client.admin_set_user_password(UserPoolId=pool, Username=email, Password="Correct-Horse-9!",  # noqa: S106 - moto
                                         Permanent=True)

    return Directory(CognitoUserDirectory(client, pool), groups_of, sign_in)


def patient(email: str = "ada@example.org", practice: str = "practice-a") -> NewUser:
    return NewUser(email=email, practice_id=practice, groups=("patient",), patient_id="pat-1", given_name="Ada",
                   family_name="Lovelace")


def test_a_created_user_is_found_by_email_pending_with_its_bindings(directory):
    made = directory.port.create(patient())
    found = directory.port.find("ada@example.org")
    assert found == made
    assert (found.email, found.practice_id, found.patient_id, found.pending) == (
        "ada@example.org", "practice-a", "pat-1", True)
    assert found.user_id and directory.port.find("nobody@example.org") is None


def test_a_staff_user_has_no_patient_binding(directory):
    directory.port.create(NewUser(email="dr@clinic.example", practice_id="practice-a", groups=("practitioner",),
                                  given_name="Gregory", family_name="House"))
    assert directory.port.find("dr@clinic.example").patient_id is None


def test_one_email_is_one_user_whichever_practice_asks(directory):
    directory.port.create(patient())
    with pytest.raises(Conflict) as refused:
        directory.port.create(patient(practice="practice-b"))
    assert refused.value.code == "email_in_use"
    assert directory.port.find("ada@example.org").practice_id == "practice-a"


def test_groups_are_added_once_however_often_asked(directory):
    directory.port.create(patient())
    directory.port.add_to_groups("ada@example.org", ("patient",))
    directory.port.add_to_groups("ada@example.org", ("patient",))
    assert directory.groups_of("ada@example.org") == {"patient"}


def test_a_pending_user_is_sent_the_invitation_again_and_stays_the_same_user(directory):
    made = directory.port.create(patient())
    directory.port.resend("ada@example.org")
    assert directory.port.find("ada@example.org").user_id == made.user_id


def test_resending_to_nobody_is_404(directory):
    with pytest.raises(NotFound):
        directory.port.resend("nobody@example.org")


def test_a_user_who_signed_in_is_no_longer_pending(directory):
    directory.port.create(patient())
    directory.sign_in("ada@example.org")
    assert directory.port.find("ada@example.org").pending is False
