"""Onboarding over HTTP against `practice serve`: the coordinator invites a practitioner and a patient (the local
cloud's user pool receives them), adds the practitioner as a staff member with the id the invitation answered, and
each new user, signed in locally with that id (`practice token --sub`), reaches what is theirs."""

import pytest

from tests.e2e.test_serve import Server, practice, request

pytestmark = pytest.mark.e2e

GRACE = {"given_name": "Grace", "family_name": "Hopper", "birth_date": "1966-12-09", "gender": "female",
         "email": "grace.hopper@example.org"}


def test_invited_users_sign_in_as_themselves(demo_data):
    data_dir = demo_data
    server = Server(data_dir, "accounts")
    try:
        server.wait_until_healthy()
        coordinator = practice("token", "--role", "coordinator", "--practice", "demo", data_dir=data_dir).stdout.strip()
        invitations = f"{server.url}/accounts/invitations"

        status, invited = request(invitations, "POST", {
            "kind": "staff", "email": "dr.new@clinic.example", "given_name": "Nia", "family_name": "Newcomb",
            "roles": ["practitioner"]}, token=coordinator, headers={"Idempotency-Key": "invite-dr-new-1"})
        assert status == 201 and invited["resent"] is False, invited
        status, member = request(f"{server.url}/staff", "POST", {
            "user_id": invited["user_id"], "name": "Dr Nia Newcomb", "role": "practitioner",
            "contracted_hours": 32, "location_ids": ["main"]}, token=coordinator)
        assert status == 201, member
        practitioner = practice("token", "--role", "practitioner", "--practice", "demo", "--sub", invited["user_id"],
                                data_dir=data_dir).stdout.strip()
        status, me = request(f"{server.url}/staff/me", token=practitioner)
        assert status == 200 and me["name"] == "Dr Nia Newcomb"

        status, again = request(invitations, "POST", {
            "kind": "staff", "email": "dr.new@clinic.example", "given_name": "Nia", "family_name": "Newcomb",
            "roles": ["practitioner"]}, token=coordinator)
        assert (status, again["user_id"], again["times_sent"]) == (200, invited["user_id"], 2)

        status, grace = request(f"{server.url}/patients", "POST", GRACE, token=coordinator)
        assert status == 201, grace
        status, patient_invite = request(invitations, "POST", {"kind": "patient", "patient_id": grace["id"]},
                                         token=coordinator)
        assert status == 201 and patient_invite["email"] == "grace.hopper@example.org", patient_invite
        patient = practice("token", "--role", "patient", "--practice", "demo", "--patient", grace["id"], "--sub",
                           patient_invite["user_id"], data_dir=data_dir).stdout.strip()
        assert request(f"{server.url}/patients/{grace['id']}", token=patient)[0] == 200
        assert request(invitations, "POST", {"kind": "patient", "patient_id": grace["id"]}, token=patient)[0] == 403
        assert server.stop() == 0
    finally:
        server.kill()
