"""The staff-sign-in function (Cognito PostAuthentication) on moto: a staff member's sign-in is kept on their
profile and audited, the event goes back unchanged, and nothing a sign-in brings can fail the sign-in."""

import copy
import json

import pytest

from functions.core.audit_store import AuditStore
from functions.core.table import Table
from tests.support import api_event, claims

PRACTICE = "practice-sign-in"


def post_authentication(sub: str, practice: str | None = PRACTICE, **more: str) -> dict:
    """The event Cognito sends a PostAuthentication trigger (userAttributes as strings)."""
    attributes = {"sub": sub, "email": f"{sub}@example.org", "email_verified": "true", **more}
    if practice is not None:
        attributes["custom:practice_id"] = practice
    return {"version": "1", "triggerSource": "PostAuthentication_Authentication", "region": "us-east-1",
            "userPoolId": "us-east-1_Example", "userName": sub,
            "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "client-1"},
            "request": {"userAttributes": attributes, "newDeviceUsed": False}, "response": {}}


@pytest.fixture
def staff(cloud, lambda_context):
    from functions.staff.handler import handler

    def call(method, path, body=None):
        event = api_event(method, path, body=body, claims=claims(role="coordinator", practice=PRACTICE, sub="coord-1"))
        response = handler(event, lambda_context)
        return response["statusCode"], json.loads(response["body"]) if response.get("body") else None

    return call


def sign_in(event: dict, lambda_context) -> dict:
    from functions.staff.sign_in_trigger import handler

    return handler(event, lambda_context)


def test_a_sign_in_is_kept_on_the_profile_audited_and_the_event_returned_unchanged(staff, lambda_context):
    assert staff("POST", "/staff", {"user_id": "nurse-1", "name": "Nurse One", "role": "nurse",
                                    "contracted_hours": 40, "location_ids": ["main"]})[0] == 201
    event = post_authentication("nurse-1")
    answer = sign_in(copy.deepcopy(event), lambda_context)
    assert answer == event

    status, member = staff("GET", "/staff/nurse-1")
    assert status == 200 and member["last_signed_in_at"] and member["version"] == 1  # the ETag does not move
    entries = list(AuditStore(Table()).entries(PRACTICE))
    assert [(e["action"], e["actor"], e["entity_id"]) for e in entries][-1] == ("staff.member.sign_in", "nurse-1",
                                                                                "nurse-1")


def test_a_patient_or_an_unknown_account_changes_nothing(staff, lambda_context):
    before = list(AuditStore(Table()).entries(PRACTICE))
    for event in (post_authentication("pat-user", **{"custom:patient_id": "P1"}), post_authentication("stranger"),
                  post_authentication("no-practice", practice=None), post_authentication("x", practice="bad#id")):
        assert sign_in(copy.deepcopy(event), lambda_context) == event
    assert list(AuditStore(Table()).entries(PRACTICE)) == before


def test_a_failure_is_logged_and_never_fails_the_sign_in(cloud, lambda_context, monkeypatch):
    from functions.staff import wiring

    class Broken:
        def signed_in(self, *args):
            raise RuntimeError("table unavailable")

    monkeypatch.setattr(wiring, "sign_ins", lambda: Broken())
    event = post_authentication("nurse-1")
    assert sign_in(copy.deepcopy(event), lambda_context) == event
