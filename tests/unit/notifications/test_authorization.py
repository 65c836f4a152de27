"""Who may do what in notifications (core.authz's NOTIFICATIONS section), each role on each use case, on
fakes: the same answers the route walks pin through the handlers on moto."""

import pytest

from functions.core.auth import Role
from functions.core.errors import Forbidden, NotFound
from functions.notifications.models.messages import CareInstructionsIn, MessageIn
from functions.notifications.models.preferences import PreferencesIn
from functions.notifications.models.templates import TemplateIn
from tests.unit.notifications.world import ADA, PRACTICE, patient_caller, reminder, staff, world

STAFF_ROLES = [Role.COORDINATOR, Role.PRACTITIONER, Role.FRONT_DESK, Role.BILLING, Role.STAFF]
CLINICAL = {Role.COORDINATOR, Role.PRACTITIONER, Role.FRONT_DESK}
BODY = TemplateIn(subject="Hi", text="Hello {{ name }}")


def allowed(action) -> bool:
    try:
        action()
    except Forbidden:
        return False
    return True


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_every_member_of_staff_reads_templates_and_only_a_coordinator_changes_them(role):
    built, _ = world()
    assert allowed(lambda: built.use.templates.list(staff(role)))
    assert allowed(lambda: built.use.templates.read(staff(role), "appointment.reminder", "en"))
    assert allowed(lambda: built.use.templates.save(staff(role), "visit.note", "en", BODY, lambda: 0)) == (
        role == Role.COORDINATOR)


def test_a_patient_reads_no_templates():
    built, _ = world()
    assert not allowed(lambda: built.use.templates.list(patient_caller()))
    assert not allowed(lambda: built.use.templates.preview(patient_caller(), "appointment.reminder", "en", {}))


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_clinical_staff_send_messages_and_only_a_practitioner_sends_care_instructions(role):
    built, _ = world()
    body = MessageIn(recipient=ADA, template="message.general", data={"subject": "s", "body": "b"})
    assert allowed(lambda: built.use.sending.send(staff(role), body, None)) == (role in CLINICAL)
    care = CareInstructionsIn(patient_id="ada", instructions="Rest.")
    assert allowed(lambda: built.use.sending.send_care_instructions(staff(role), care, None)) == (
        role == Role.PRACTITIONER)


def test_a_patient_sends_nothing_and_a_refusal_names_no_one_elses_data():
    built, _ = world()
    body = MessageIn(recipient=ADA, template="message.general", data={"subject": "s", "body": "b"})
    assert not allowed(lambda: built.use.sending.send(patient_caller(), body, None))
    assert built.store.messages == {}


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_the_desk_and_coordinators_manage_a_patients_and_familys_preferences(role):
    built, _ = world()
    may = role in {Role.COORDINATOR, Role.FRONT_DESK}
    assert allowed(lambda: built.use.preferences.read(staff(role), "patient:ada")) == may
    assert allowed(lambda: built.use.preferences.save(staff(role), PreferencesIn(), "patient:ada",
                                                      expected=lambda: 0)) == may
    with pytest.raises(NotFound if may else Forbidden):  # a permitted role meets the unknown member
        built.use.preferences.read(staff(role), "family:ada:m1")


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_a_colleagues_preferences_are_their_own_or_a_coordinators(role):
    built, _ = world()
    assert allowed(lambda: built.use.preferences.read(staff(role, "u1"), "staff:u1"))
    assert allowed(lambda: built.use.preferences.read(staff(role, "u1"), "staff:u2")) == (role == Role.COORDINATOR)


def test_a_patient_manages_their_own_preferences_only():
    built, _ = world()
    assert built.use.preferences.read(patient_caller()).person == ADA.key
    assert allowed(lambda: built.use.preferences.save(patient_caller(), PreferencesIn(), "patient:ada",
                                                      expected=lambda: 0))
    with pytest.raises(Forbidden) as refused:
        built.use.preferences.read(patient_caller("bob"), "patient:ada")
    assert refused.value.subject_patient_id == "ada"
    assert not allowed(lambda: built.use.preferences.read(patient_caller(), "family:ada:m1"))
    assert not allowed(lambda: built.use.preferences.read(patient_caller(), "staff:u1"))


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_clinical_staff_read_the_delivery_log(role):
    built, _ = world()
    outcome = built.use.sending.accept(reminder())
    may = role in CLINICAL
    assert allowed(lambda: built.use.log.list(staff(role), "patient:ada", None, 10, None)) == may
    assert allowed(lambda: built.use.log.list(staff(role), None, "scheduling:appointment:01JVISIT", 10, None)) == may
    assert allowed(lambda: built.use.log.read(staff(role), outcome.message_id)) == may


def test_a_patient_sees_the_messages_to_themself_and_no_one_elses_exist():
    built, _ = world()
    outcome = built.use.sending.accept(reminder())
    assert len(built.use.log.list(patient_caller(), "patient:ada", None, 10, None).messages) == 1
    assert built.use.log.read(patient_caller(), outcome.message_id).id == outcome.message_id
    with pytest.raises(Forbidden) as refused:
        built.use.log.list(patient_caller("bob"), "patient:ada", None, 10, None)
    assert refused.value.subject_patient_id == "ada"
    assert not allowed(lambda: built.use.log.list(patient_caller(), "family:ada:m1", None, 10, None))
    assert not allowed(lambda: built.use.log.list(patient_caller(), None, "scheduling:appointment:01JVISIT", 10,
                                                  None))
    with pytest.raises(NotFound) as hidden:
        built.use.log.read(patient_caller("bob"), outcome.message_id)
    assert hidden.value.subject_patient_id == "ada"


def test_each_list_of_a_patients_messages_is_audited_against_them():
    built, _ = world()
    built.use.sending.accept(reminder())
    built.use.log.list(staff(Role.FRONT_DESK), "patient:ada", None, 10, None)
    built.use.log.list(staff(Role.FRONT_DESK), None, "scheduling:appointment:01JVISIT", 10, None)
    assert [(e.action, e.subject_patient_id) for e in built.audit.entries] == [("message.list", "ada"),
                                                                               ("message.list", None)]
    assert built.audit.entries[0].practice_id == PRACTICE


def test_the_privacy_officer_has_no_notifications_work_but_their_own_preferences():
    built, _ = world()
    officer = staff(Role.PRIVACY_OFFICER, "po-1")
    body = MessageIn(recipient=ADA, template="message.general", data={"subject": "s", "body": "b"})
    assert not allowed(lambda: built.use.templates.list(officer))
    assert not allowed(lambda: built.use.sending.send(officer, body, None))
    assert not allowed(lambda: built.use.preferences.read(officer, "patient:ada"))
    assert allowed(lambda: built.use.preferences.read(officer, "staff:po-1"))
