"""Invitations on the fakes: who may invite whom, the bindings a sign-in gets, resending, and Idempotency-Key."""

from datetime import UTC, datetime

import pytest

from functions.accounts.invitations import Invitations
from functions.accounts.models import InvitationIn, PatientContact
from functions.core.auth import Caller, Role
from functions.core.errors import Conflict, Forbidden, Invalid, NotFound
from tests.fakes.accounts import FakeInvitationBook, FakePatientContacts, FakeUserDirectory
from tests.fakes.audit import FakeAuditTrail

PRACTICE, OTHER = "practice-unit", "practice-other"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ADA = PatientContact(id="pat-ada", email="ada@example.org", given_name="Ada", family_name="Lovelace")
NO_EMAIL = PatientContact(id="pat-noemail", email=None, given_name="Nils", family_name="Nomail")
NURSE = {"kind": "staff", "email": "nurse@clinic.example", "given_name": "Florence", "family_name": "Nightingale",
         "roles": ["practitioner"]}


def caller(*roles: Role, practice: str = PRACTICE, user: str = "coord-1", patient: str | None = None) -> Caller:
    return Caller(user_id=user, practice_id=practice, roles=frozenset(roles), patient_id=patient, request_id="t")


COORDINATOR = caller(Role.COORDINATOR)


class World:
    def __init__(self) -> None:
        self.audit = FakeAuditTrail()
        self.directory = FakeUserDirectory()
        self.book = FakeInvitationBook(self.audit)
        self.patients = FakePatientContacts()
        for practice in (PRACTICE, OTHER):
            self.patients.add(practice, ADA)
        self.patients.add(PRACTICE, NO_EMAIL)
        self.invitations = Invitations(self.directory, self.book, self.patients, self.audit, lambda: NOW)

    def invite(self, who: Caller, body: dict, key: str | None = None):
        return self.invitations.invite(who, InvitationIn.model_validate(body), key)


@pytest.fixture
def world() -> World:
    return World()


def test_a_patient_invitation_binds_the_record_and_the_callers_practice(world):
    answer = world.invite(COORDINATOR, {"kind": "patient", "patient_id": "pat-ada"})
    user = world.directory.find("ada@example.org")
    assert (user.practice_id, user.patient_id, user.pending) == (PRACTICE, "pat-ada", True)
    assert world.directory.groups_of("ada@example.org") == {"patient"}
    assert (answer.user_id, answer.kind, answer.email, answer.resent) == (user.user_id, "patient", "ada@example.org",
                                                                          False)
    assert (answer.given_name, answer.times_sent, answer.invited_by) == ("Ada", 1, "coord-1")
    entry = world.audit.entries[-1]
    assert (entry.action, entry.entity, entry.entity_id, entry.subject_patient_id) == (
        "account.invite", "USER", user.user_id, "pat-ada")


def test_a_patient_invitation_may_name_another_email_than_the_records(world):
    world.invite(caller(Role.FRONT_DESK), {"kind": "patient", "patient_id": "pat-ada", "email": "A@Home.example"})
    assert world.directory.find("a@home.example").patient_id == "pat-ada"


def test_a_patient_without_an_email_on_file_needs_one_named(world):
    with pytest.raises(Invalid) as refused:
        world.invite(COORDINATOR, {"kind": "patient", "patient_id": "pat-noemail"})
    assert refused.value.code == "email_required" and world.directory.users == {}


def test_a_patient_not_in_the_callers_practice_is_404_and_nothing_is_created(world):
    world.patients.delete(PRACTICE, "pat-ada")  # on file in the other practice only
    with pytest.raises(NotFound) as refused:
        world.invite(COORDINATOR, {"kind": "patient", "patient_id": "pat-ada"})
    assert refused.value.code == "patient_not_found" and refused.value.subject_patient_id == "pat-ada"
    assert world.directory.users == {} and world.audit.entries == []


def test_a_staff_invitation_puts_the_user_in_each_role_group(world):
    answer = world.invite(COORDINATOR, {**NURSE, "roles": ["front_desk", "practitioner", "front_desk"]})
    assert world.directory.groups_of("nurse@clinic.example") == {"front_desk", "practitioner"}
    assert answer.groups == ["front_desk", "practitioner"] and answer.patient_id is None
    assert world.directory.find("nurse@clinic.example").practice_id == PRACTICE
    assert world.audit.entries[-1].subject_patient_id is None


def test_inviting_a_pending_user_again_resends_and_adds_the_new_roles(world):
    first = world.invite(COORDINATOR, NURSE)
    again = world.invite(COORDINATOR, {**NURSE, "roles": ["staff"]})
    assert (again.user_id, again.resent, again.times_sent, again.version) == (first.user_id, True, 2, 2)
    assert world.directory.sent == ["nurse@clinic.example"] * 2
    assert world.directory.groups_of("nurse@clinic.example") == {"practitioner", "staff"}
    assert again.groups == ["practitioner", "staff"]
    assert world.audit.actions() == ["account.invite", "account.invite.resend"]


def test_a_user_who_has_signed_in_is_not_invited_again(world):
    world.invite(COORDINATOR, NURSE)
    world.directory.sign_in("nurse@clinic.example")
    with pytest.raises(Conflict) as refused:
        world.invite(COORDINATOR, NURSE)
    assert refused.value.code == "account_active" and len(world.directory.sent) == 1


def test_the_same_email_in_another_practice_is_409(world):
    world.invite(caller(Role.COORDINATOR, practice=OTHER), NURSE)
    with pytest.raises(Conflict) as refused:
        world.invite(COORDINATOR, NURSE)
    assert refused.value.code == "email_in_another_practice"
    assert world.directory.find("nurse@clinic.example").practice_id == OTHER and len(world.directory.sent) == 1


def test_an_email_that_signs_in_as_staff_is_not_bound_to_a_patient(world):
    world.invite(COORDINATOR, {**NURSE, "email": "ada@example.org"})
    with pytest.raises(Conflict) as refused:
        world.invite(COORDINATOR, {"kind": "patient", "patient_id": "pat-ada"})
    assert refused.value.code == "email_in_use"


def test_the_same_idempotency_key_answers_the_first_invitation_without_resending(world):
    first = world.invite(COORDINATOR, NURSE, key="invite-nurse-1")
    again = world.invite(COORDINATOR, NURSE, key="invite-nurse-1")
    assert again == first and world.directory.sent == ["nurse@clinic.example"]
    with pytest.raises(Invalid) as reused:
        world.invite(COORDINATOR, {**NURSE, "roles": ["billing"]}, key="invite-nurse-1")
    assert reused.value.code == "idempotency_key_reused"


@pytest.mark.parametrize("who", [caller(Role.FRONT_DESK), caller(Role.PRIVACY_OFFICER), caller(Role.BILLING),
                                 caller(Role.PRACTITIONER), caller(Role.PATIENT, patient="pat-ada")])
def test_only_a_coordinator_invites_staff(world, who):
    with pytest.raises(Forbidden):
        world.invite(who, NURSE)
    assert world.directory.users == {}


@pytest.mark.parametrize("who", [caller(Role.BILLING), caller(Role.PRACTITIONER), caller(Role.PRIVACY_OFFICER),
                                 caller(Role.STAFF), caller(Role.PATIENT, patient="pat-ada")])
def test_only_the_coordinator_and_the_front_desk_invite_patients(world, who):
    with pytest.raises(Forbidden):
        world.invite(who, {"kind": "patient", "patient_id": "pat-ada"})
    assert world.directory.users == {}


def test_a_coordinator_may_not_make_a_privacy_officer_but_a_privacy_officer_may(world):
    officer = {**NURSE, "email": "po@clinic.example", "roles": ["privacy_officer"]}
    with pytest.raises(Forbidden):
        world.invite(COORDINATOR, officer)
    with pytest.raises(Forbidden):  # nor slip the role in beside one a coordinator may give
        world.invite(COORDINATOR, {**officer, "roles": ["privacy_officer", "billing"]})
    world.invite(caller(Role.PRIVACY_OFFICER, user="po-1"), officer)
    assert world.directory.groups_of("po@clinic.example") == {"privacy_officer"}
    with pytest.raises(Forbidden):  # and a privacy officer gives no other role
        world.invite(caller(Role.PRIVACY_OFFICER, user="po-1"), {**officer, "roles": ["privacy_officer", "billing"]})


def test_an_invitation_is_read_back_by_who_may_send_it(world):
    patient = world.invite(COORDINATOR, {"kind": "patient", "patient_id": "pat-ada"})
    staff = world.invite(COORDINATOR, NURSE)
    assert world.invitations.read(caller(Role.FRONT_DESK), patient.user_id).patient_id == "pat-ada"
    read = world.audit.entries[-1]
    assert (read.action, read.subject_patient_id) == ("account.invitation.read", "pat-ada")
    assert world.invitations.read(caller(Role.PRIVACY_OFFICER), staff.user_id).email == "nurse@clinic.example"
    with pytest.raises(Forbidden):
        world.invitations.read(caller(Role.FRONT_DESK), staff.user_id)
    with pytest.raises(Forbidden):
        world.invitations.read(caller(Role.PATIENT, patient="pat-ada"), patient.user_id)
    with pytest.raises(NotFound):
        world.invitations.read(COORDINATOR, "nobody")


@pytest.mark.parametrize("body", [
    {"kind": "patient"},
    {"kind": "patient", "patient_id": "pat-ada", "roles": ["billing"]},
    {"kind": "staff", "email": "x@clinic.example", "given_name": "X", "family_name": "Y"},
    {"kind": "staff", "email": "x@clinic.example", "given_name": "X", "family_name": "Y", "roles": ["patient"]},
    {"kind": "staff", "email": "x@clinic.example", "given_name": "X", "family_name": "Y", "roles": ["staff"],
     "patient_id": "pat-ada"},
    {"kind": "staff", "email": "x@clinic.example", "given_name": "X", "family_name": "Y", "roles": ["staff"],
     "practice_id": "elsewhere"},
])
def test_an_invitation_missing_its_kinds_fields_or_naming_a_practice_is_refused(body):
    with pytest.raises(ValueError):
        InvitationIn.model_validate(body)
