"""Sending on fakes: one message per (practice, key, recipient) however often it is asked for, a key
reused for something else is refused, and the API's sends reach only the people and addresses the practice
keeps, within each sender's daily allowance."""

import pytest

from functions.core.auth import Role
from functions.core.errors import Forbidden, Invalid, NotFound, TooManyRequests
from functions.notifications.models.messages import CareInstructionsIn, MessageIn, Recipient
from functions.notifications.models.staff import StaffMember
from functions.notifications.rules import Contact
from tests.unit.notifications.world import ADA, PRACTICE, reminder, staff, world

NOTICE = {"template": "message.general", "data": {"subject": "Your forms", "body": "Please bring them."}}


def test_the_same_request_twice_is_one_message_sent_once():
    built, _ = world()
    first = built.use.sending.accept(reminder())
    again = built.use.sending.accept(reminder())
    assert first.message_id == again.message_id and again.reason == "already_settled"
    assert len(built.channels["email"].sent) == 1 and len(built.store.messages) == 1


def test_another_key_is_another_message():
    built, _ = world()
    built.use.sending.accept(reminder("reminder-01JVISIT-24h"))
    built.use.sending.accept(reminder("reminder-01JVISIT-2h"))
    assert len(built.channels["email"].sent) == 2


def test_the_same_key_with_other_data_is_refused_not_sent():
    built, _ = world()
    built.use.sending.accept(reminder())
    outcome = built.use.sending.accept(reminder(appointment_time="Sat 10:00"))
    assert outcome.reason == "idempotency_key_reused"
    assert len(built.channels["email"].sent) == 1


def test_a_message_sent_twice_with_one_key_through_the_api_is_stored_once():
    built, _ = world()
    body = MessageIn(recipient=ADA, **NOTICE)
    first = built.use.sending.send(staff(Role.FRONT_DESK), body, "msg-key-0001")
    again = built.use.sending.send(staff(Role.FRONT_DESK), body, "msg-key-0001")
    assert first == again and len(built.store.events) == 1 and len(built.store.audit) == 1
    with pytest.raises(Invalid):
        built.use.sending.send(staff(Role.FRONT_DESK), MessageIn(recipient=ADA, template="message.general",
                                                                 data={"subject": "Other", "body": "x"}),
                               "msg-key-0001")


def test_the_event_names_message_ids_only():
    built, _ = world()
    accepted = built.use.sending.send(staff(Role.FRONT_DESK), MessageIn(recipient=ADA, **NOTICE), "msg-key-0001")
    [event] = built.store.events
    assert event.data == {"stored": accepted.message_ids}


def test_past_the_daily_allowance_a_send_is_refused_and_nothing_is_stored():
    built, _ = world(daily_messages={Role.FRONT_DESK: 1})
    built.use.sending.send(staff(Role.FRONT_DESK), MessageIn(recipient=ADA, **NOTICE), "msg-key-0001")
    with pytest.raises(TooManyRequests):
        built.use.sending.send(staff(Role.FRONT_DESK), MessageIn(recipient=ADA, **NOTICE), "msg-key-0002")
    assert len(built.store.messages) == 1


def test_an_unknown_recipient_is_404_and_an_unnamed_family_member_is_refused():
    built, _ = world()
    with pytest.raises(NotFound):
        built.use.sending.send(staff(Role.FRONT_DESK),
                               MessageIn(recipient=Recipient(kind="patient", patient_id="nobody"), **NOTICE), None)
    member = Recipient(kind="family", patient_id="ada", member_id="m1")
    built.directory.add(PRACTICE, member, Contact(found=True, email="kin@example.org", shared_with=False))
    with pytest.raises(Forbidden):
        built.use.sending.send(staff(Role.FRONT_DESK), MessageIn(recipient=member, **NOTICE), None)
    assert built.store.messages == {}


def test_the_systems_own_templates_and_care_instructions_are_not_sent_this_way():
    built, _ = world()
    for template in ("appointment.reminder.reply", "care.instructions"):
        with pytest.raises(Forbidden):
            built.use.sending.send(staff(Role.COORDINATOR), MessageIn(recipient=ADA, template=template), None)


def test_an_unknown_template_is_404_before_anything_is_stored():
    built, _ = world()
    with pytest.raises(NotFound):
        built.use.sending.send(staff(Role.FRONT_DESK), MessageIn(recipient=ADA, template="no.such"), None)
    assert built.store.messages == {}


def test_a_staff_member_is_reached_at_the_address_the_practice_keeps():
    built, _ = world()
    nurse = Recipient(kind="staff", user_id="nurse-1")
    member = StaffMember(user_id="nurse-1", email="nurse@clinic.example")
    from functions.notifications.directory import contact_from_staff

    built.directory.add(PRACTICE, nurse, contact_from_staff(member))
    accepted = built.use.sending.send(staff(Role.COORDINATOR), MessageIn(
        recipient=nurse, template="work.notice", data={"title": "Roster", "details": "Tuesday"}), "msg-key-0001")
    built.use.delivery.deliver(PRACTICE, accepted.message_ids[0])
    assert [m.address for m in built.channels["email"].sent] == ["nurse@clinic.example"]
    assert len(built.inbox.inbox(PRACTICE, nurse.key, 10, None).items) == 1


def test_care_instructions_go_to_the_patient_and_the_family_the_consent_names():
    built, _ = world()
    built.directory.family[(PRACTICE, "ada")] = ["m1"]
    body = CareInstructionsIn(patient_id="ada", instructions="Rest for two days.")
    accepted = built.use.sending.send_care_instructions(staff(Role.PRACTITIONER), body, "care-key-0001")
    assert accepted.recipients == ["patient:ada", "family:ada:m1"]
    assert built.store.audit[0].subject_patient_id == "ada"


def test_care_instructions_retried_with_the_same_key_are_the_same_messages():
    built, _ = world()
    body = CareInstructionsIn(patient_id="ada", instructions="Rest for two days.")
    first = built.use.sending.send_care_instructions(staff(Role.PRACTITIONER), body, "care-key-0001")
    again = built.use.sending.send_care_instructions(staff(Role.PRACTITIONER), body, "care-key-0001")
    assert first == again and len(built.store.messages) == 1


def test_a_request_for_more_people_than_the_whole_allowance_is_refused_before_it_is_counted():
    built, _ = world(daily_messages={Role.PRACTITIONER: 1})
    built.directory.family[(PRACTICE, "ada")] = ["m1"]
    body = CareInstructionsIn(patient_id="ada", instructions="Rest for two days.")
    with pytest.raises(TooManyRequests) as refused:
        built.use.sending.send_care_instructions(staff(Role.PRACTITIONER), body, "care-key-0001")
    assert refused.value.details == {"limit": 1, "day": "2026-01-15"}
    assert built.store.messages == {} and built.store.sent_per_day == {}
