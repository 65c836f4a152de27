"""Who may send what through the API: addresses only from records and the staff list, a daily allowance by
role, and the templates people may not fill."""

import pytest
from pydantic import ValidationError

from functions.core.auth import Role
from functions.notifications.directory import contact_from_staff
from functions.notifications.models.messages import Message, MessageIn, Recipient
from functions.notifications.models.staff import StaffMember
from functions.notifications.rules import DAILY_MESSAGES, daily_allowance, template_refusal


@pytest.mark.parametrize("field", ["email", "address", "phone", "to"])
def test_a_recipient_carries_ids_only_and_an_address_is_refused(field):
    with pytest.raises(ValidationError):
        Recipient(kind="staff", user_id="U1", **{field: "someone@example.org"})
    with pytest.raises(ValidationError):
        MessageIn.model_validate({"recipient": {"kind": "staff", "user_id": "U1", field: "x@example.org"},
                                  "template": "work.notice"})
    with pytest.raises(ValidationError):
        MessageIn.model_validate({"recipient": {"kind": "staff", "user_id": "U1"}, "template": "work.notice",
                                  field: "x@example.org"})


def test_a_message_logged_with_a_staff_address_still_reads_without_it():
    logged = {"id": "M1", "practice_id": "p1", "template": "work.notice", "status": "sent",
              "requested_at": "2026-01-01T00:00:00.000Z",
              "recipient": {"kind": "staff", "user_id": "U1", "email": "old@example.org"},
              "source": {"area": "notifications", "entity": "message", "entity_id": "S1"}}
    message = Message.model_validate(logged)
    assert message.recipient == Recipient(kind="staff", user_id="U1")
    assert "old@example.org" not in message.model_dump_json()


def test_the_daily_allowance_is_the_largest_of_the_callers_roles_and_none_for_others():
    assert daily_allowance({Role.FRONT_DESK}) == DAILY_MESSAGES[Role.FRONT_DESK]
    assert daily_allowance({Role.FRONT_DESK, Role.COORDINATOR}) == DAILY_MESSAGES[Role.COORDINATOR]
    assert DAILY_MESSAGES[Role.FRONT_DESK] < DAILY_MESSAGES[Role.PRACTITIONER] < DAILY_MESSAGES[Role.COORDINATOR]
    for role in (Role.PATIENT, Role.BILLING, Role.STAFF):
        assert daily_allowance({role}) == 0
    assert daily_allowance(set()) == 0


def test_system_and_own_route_templates_are_refused_and_the_rest_allowed():
    assert "reminders" in template_refusal("appointment.reminder.reply")
    assert "/messages/care-instructions" in template_refusal("care.instructions")
    for template in ("message.general", "work.notice", "appointment.reminder", "visit.followup"):
        assert template_refusal(template) is None


def test_a_staff_contact_comes_from_an_active_staff_record_only():
    member = StaffMember(user_id="U1", email="nurse@clinic.example", time_zone="America/Chicago")
    contact = contact_from_staff(member)
    assert contact.found and contact.email == "nurse@clinic.example" and contact.time_zone == "America/Chicago"
    assert not contact_from_staff(None).found
    assert not contact_from_staff(member.model_copy(update={"active": False})).found
