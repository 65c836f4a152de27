"""What the Cognito adapter makes of the answers moto does not give (botocore's Stubber: no socket): a user who
signed in between the check and the resend, and an address Cognito will not take, are the caller's 409 and 422."""

import boto3
import pytest
from botocore.stub import Stubber

from functions.accounts.cognito import CognitoUserDirectory
from functions.accounts.models import NewUser
from functions.core.errors import Conflict, Invalid

POOL = "us-east-1_Example1"


@pytest.fixture
def stubbed():
    client = boto3.client("cognito-idp", region_name="us-east-1")
    with Stubber(client) as stubber:
        yield CognitoUserDirectory(client, POOL), stubber
        stubber.assert_no_pending_responses()


def test_a_resend_to_a_user_who_has_just_signed_in_is_409(stubbed):
    directory, stubber = stubbed
    stubber.add_client_error("admin_create_user", "UnsupportedUserStateException", http_status_code=400,
                             expected_params={"UserPoolId": POOL, "Username": "a@clinic.example",
                                              "MessageAction": "RESEND", "DesiredDeliveryMediums": ["EMAIL"]})
    with pytest.raises(Conflict) as refused:
        directory.resend("a@clinic.example")
    assert refused.value.code == "account_active"


def test_an_address_cognito_refuses_is_422(stubbed):
    directory, stubber = stubbed
    stubber.add_client_error("admin_create_user", "InvalidParameterException", http_status_code=400)
    with pytest.raises(Invalid) as refused:
        directory.create(NewUser(email="a@clinic.example", practice_id="p-1", groups=("staff",)))
    assert refused.value.code == "email_refused"


def test_a_new_user_is_created_with_the_practice_bound_and_the_invitation_emailed(stubbed):
    directory, stubber = stubbed
    attributes = [{"Name": "email", "Value": "a@clinic.example"}, {"Name": "email_verified", "Value": "true"},
                  {"Name": "custom:practice_id", "Value": "p-1"}, {"Name": "custom:patient_id", "Value": "pat-1"},
                  {"Name": "given_name", "Value": "Ada"}]
    stubber.add_response("admin_create_user", {"User": {
        "Username": "sub-1", "UserStatus": "FORCE_CHANGE_PASSWORD",
        "Attributes": [*attributes, {"Name": "sub", "Value": "sub-1"}]}},
        expected_params={"UserPoolId": POOL, "Username": "a@clinic.example", "DesiredDeliveryMediums": ["EMAIL"],
                         "UserAttributes": attributes})
    made = directory.create(NewUser(email="a@clinic.example", practice_id="p-1", groups=("patient",),
                                    patient_id="pat-1", given_name="Ada"))
    assert (made.user_id, made.practice_id, made.patient_id, made.pending) == ("sub-1", "p-1", "pat-1", True)
