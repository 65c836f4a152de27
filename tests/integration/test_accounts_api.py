"""The accounts API through its Lambda handler on moto (cognito-idp and the table): an invitation makes the user
in the pool with the caller's practice and the right groups, answers the `sub` a staff member is then added
with, resends to a pending user, refuses another practice's email, honours Idempotency-Key, and is audited."""

import json

import boto3
import pytest

from functions.core.audit_store import AuditStore
from functions.core.table import Table
from tests.support import api_event, claims, response_headers

pytestmark = pytest.mark.user_pool  # the moto cloud makes the Cognito user pool (tests/conftest.py)

PRACTICE, OTHER = "practice-accounts", "practice-other"
NURSE = {"kind": "staff", "email": "nurse@clinic.example", "given_name": "Florence", "family_name": "Nightingale",
         "roles": ["practitioner", "front_desk"]}
ADA = {"given_name": "Ada", "family_name": "Lovelace", "birth_date": "1990-12-10", "gender": "female",
       "email": "Ada@Example.org"}


@pytest.fixture
def call(cloud, lambda_context):
    from functions.accounts.handler import handler as accounts
    from functions.records.handler import handler as records
    from functions.staff.handler import handler as staff

    handlers = {"accounts": accounts, "patients": records, "staff": staff}

    def call(method, path, body=None, role="coordinator", sub="coord-1", practice=PRACTICE, headers=None,
             patient=None):
        who = claims(role=role, practice=practice, sub=sub, patient=patient)
        event = api_event(method, path, body=body, claims=who, headers=headers)
        response = handlers[path.strip("/").split("/")[0]](event, lambda_context)
        return (response["statusCode"], json.loads(response["body"]) if response.get("body") else None,
                response_headers(response))

    return call


@pytest.fixture
def pool(cloud):
    client = boto3.client("cognito-idp")

    def user(email: str) -> tuple[dict[str, str], set[str], str]:
        found = client.admin_get_user(UserPoolId=cloud.user_pool_id, Username=email)
        groups = client.admin_list_groups_for_user(UserPoolId=cloud.user_pool_id, Username=email)["Groups"]
        return ({a["Name"]: a["Value"] for a in found["UserAttributes"]}, {g["GroupName"] for g in groups},
                found["UserStatus"])

    return user


def test_a_staff_invitation_makes_the_user_whose_sub_the_staff_member_is_added_with(call, pool):
    status, body, headers = call("POST", "/accounts/invitations", NURSE)
    assert status == 201, body
    attributes, groups, state = pool("nurse@clinic.example")
    assert body["user_id"] == attributes["sub"]
    assert headers["location"].endswith(f"/accounts/invitations/{body['user_id']}")
    assert (attributes["custom:practice_id"], attributes["given_name"], state) == (PRACTICE, "Florence",
                                                                                   "FORCE_CHANGE_PASSWORD")
    assert groups == {"practitioner", "front_desk"} and "custom:patient_id" not in attributes
    status, member, _ = call("POST", "/staff", {"user_id": body["user_id"], "name": "Florence Nightingale",
                                                "role": "practitioner", "contracted_hours": 40,
                                                "location_ids": ["main"]})
    assert status == 201, member
    # signed in, the new user's token carries that sub: their own staff record is theirs
    status, me, _ = call("GET", "/staff/me", role="practitioner", sub=body["user_id"])
    assert status == 200 and me["name"] == "Florence Nightingale"
    status, read, headers = call("GET", f"/accounts/invitations/{body['user_id']}")
    assert status == 200 and read["times_sent"] == 1 and headers["etag"] == '"1"'


def test_a_patient_invitation_binds_the_record_with_the_records_email(call, pool):
    _, patient, _ = call("POST", "/patients", ADA)
    status, body, _ = call("POST", "/accounts/invitations", {"kind": "patient", "patient_id": patient["id"]},
                           role="front_desk")
    assert status == 201, body
    attributes, groups, _ = pool("ada@example.org")
    assert (attributes["custom:practice_id"], attributes["custom:patient_id"], groups) == (
        PRACTICE, patient["id"], {"patient"})
    entry = list(AuditStore(Table()).entries(PRACTICE))[-1]
    assert (entry["action"], entry["subject_patient_id"], entry["entity_id"]) == ("account.invite", patient["id"],
                                                                                  body["user_id"])
    assert "example.org" not in json.dumps(entry)
    status, read, _ = call("GET", f"/accounts/invitations/{body['user_id']}", role="front_desk")
    assert status == 200 and read["patient_id"] == patient["id"]
    entry = list(AuditStore(Table()).entries(PRACTICE))[-1]
    assert (entry["action"], entry["subject_patient_id"]) == ("account.invitation.read", patient["id"])


def test_an_unknown_patient_is_404_and_no_user_is_made(call, cloud):
    status, body, _ = call("POST", "/accounts/invitations", {"kind": "patient", "patient_id": "01NOSUCHPATIENT"})
    assert (status, body["error"]["code"]) == (404, "patient_not_found")
    assert boto3.client("cognito-idp").list_users(UserPoolId=cloud.user_pool_id)["Users"] == []


def test_inviting_again_resends_with_200_and_another_practice_gets_409(call):
    first = call("POST", "/accounts/invitations", NURSE)[1]
    status, again, headers = call("POST", "/accounts/invitations", NURSE)
    assert (status, again["user_id"], again["resent"], again["times_sent"]) == (200, first["user_id"], True, 2)
    assert headers["etag"] == '"2"'
    status, refused, _ = call("POST", "/accounts/invitations", NURSE, practice=OTHER)
    assert (status, refused["error"]["code"]) == (409, "email_in_another_practice")


def test_the_practice_is_never_taken_from_the_body(call):
    status, body, _ = call("POST", "/accounts/invitations", {**NURSE, "practice_id": OTHER})
    assert status == 422 and OTHER not in json.dumps(body)


def test_an_idempotency_key_replays_the_first_answer(call):
    key = {"Idempotency-Key": "invite-nurse-0001"}
    first = call("POST", "/accounts/invitations", NURSE, headers=key)
    again = call("POST", "/accounts/invitations", NURSE, headers=key)
    assert first[0] == 201 and again[1] == first[1] and again[1]["times_sent"] == 1


@pytest.mark.parametrize("role", ["front_desk", "billing", "privacy_officer", "staff"])
def test_only_a_coordinator_invites_staff(call, role, cloud):
    status, body, _ = call("POST", "/accounts/invitations", NURSE, role=role)
    assert status == 403, body
    assert boto3.client("cognito-idp").list_users(UserPoolId=cloud.user_pool_id)["Users"] == []


def test_a_coordinator_may_not_make_a_privacy_officer(call):
    officer = {**NURSE, "roles": ["privacy_officer"]}
    assert call("POST", "/accounts/invitations", officer)[0] == 403
    assert call("POST", "/accounts/invitations", officer, role="privacy_officer", sub="po-1")[0] == 201
