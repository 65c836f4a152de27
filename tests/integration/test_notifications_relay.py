"""POST /messages is not a mail relay (on moto, through the Lambda handler): an address never comes from the
request, staff are reached at the address the practice keeps, family only with the patient's consent, the
system's own templates are not a person's to fill, and each sender has a daily allowance by role, kept by a
conditional write."""

import json
from typing import Any

import pytest

from functions.core.table import Table
from functions.notifications.dynamo.messages import sender_pk
from functions.notifications.dynamo.people import DynamoStaffDirectory
from functions.notifications.models.staff import StaffMember
from functions.notifications.rules import DAILY_MESSAGES
from tests.integration.notifications_support import (
    PRACTICE,
    build_service,
    call,
    emails,
    moved_clock_fixture,  # noqa: F401 - a fixture, used by name
    notification_events,
    notify_fixture,  # noqa: F401 - a fixture, used by name
    patient,
    share_with,
)
from tests.support import race

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
NOTICE = {"template": "work.notice", "data": {"title": "Roster", "details": "You are on Tuesday."}}
TODAY = "2026-01-15"  # the moved clock's day (UTC)



def send(body: dict, key: str = "msg-key-0001", **kwargs: Any) -> dict:
    return call("POST", "/messages", body=body, headers={"Idempotency-Key": key}, **kwargs)


def staff_member(user_id: str = "nurse-1", **fields: Any) -> StaffMember:
    member = StaffMember(user_id=user_id, email=f"{user_id}@clinic.example", **fields)
    DynamoStaffDirectory(Table()).put(PRACTICE, member)
    return member


def sent_today(user_id: str) -> int:
    item = Table().get(sender_pk(PRACTICE, user_id), f"DAY#{TODAY}", consistent=True)
    return int(item["sent"]) if item else 0


def already_sent(user_id: str, count: int) -> None:
    Table().put({"pk": sender_pk(PRACTICE, user_id), "sk": f"DAY#{TODAY}", "kind": "SENDER_DAY", "sent": count})


def nothing_requested() -> bool:
    return notification_events() == [] and emails() == []


@pytest.fixture(autouse=True)
def _on_moto(notify):
    """Every test here runs on moto with the handler's wiring rebuilt (what the notify fixture does)."""
    return notify


# --- addresses come from records and the staff list only ---------------------------------------------

@pytest.mark.parametrize("recipient", [
    {"kind": "staff", "user_id": "nurse-1", "email": "victim@elsewhere.example"},
    {"kind": "staff", "user_id": "nurse-1", "address": "victim@elsewhere.example"},
    {"kind": "patient", "patient_id": "01JPATIENT0000000000000000", "email": "victim@elsewhere.example"},
])
def test_front_desk_cannot_name_an_address_and_nothing_is_sent(recipient):
    staff_member()
    answer = send({"recipient": recipient, **NOTICE})
    assert answer["status"] == 422 and answer["body"]["error"]["code"] == "validation_failed"
    assert "victim" not in json.dumps(answer["body"])  # the input is never echoed
    answer = send({"recipient": {"kind": "staff", "user_id": "nurse-1"}, "email": "victim@elsewhere.example",
                   **NOTICE})
    assert answer["status"] == 422
    assert nothing_requested() and sent_today("desk-1") == 0


def test_a_staff_member_is_reached_at_the_address_the_practice_keeps(notify):
    staff_member("nurse-1")
    answer = send({"recipient": {"kind": "staff", "user_id": "nurse-1"}, **NOTICE})
    assert answer["status"] == 202, answer
    for event in notification_events():
        from functions.notifications import worker

        worker.process(event, notify)
    assert [e["to"] for e in emails()] == [["nurse-1@clinic.example"]]
    assert sent_today("desk-1") == 1


def test_someone_not_on_the_staff_list_or_no_longer_active_is_404_and_nothing_is_sent():
    staff_member("gone-1", active=False)
    for user_id in ("stranger-1", "gone-1"):
        answer = send({"recipient": {"kind": "staff", "user_id": user_id}, **NOTICE})
        assert answer["status"] == 404 and answer["body"]["error"]["code"] == "recipient_not_found"
    assert nothing_requested() and sent_today("desk-1") == 0


def test_a_family_member_the_patients_consent_does_not_name_is_refused_when_asked():
    ada = patient(family=[{"given_name": "Byron", "family_name": "Lovelace", "relationship": "parent",
                           "email": "byron@example.org"}])
    (byron,) = ada.family
    to_byron = {"recipient": {"kind": "family", "patient_id": ada.id, "member_id": byron.id},
                "template": "message.general", "data": {"subject": "Hello", "body": "News"}}
    answer = send(to_byron)
    assert answer["status"] == 403 and answer["body"]["error"]["code"] == "no_family_consent"
    assert nothing_requested()
    share_with(ada.id, [byron.id])
    assert send(to_byron)["status"] == 202


def test_a_person_cannot_fill_the_systems_own_templates():
    ada = patient()
    phishing = {"recipient": {"kind": "patient", "patient_id": ada.id}, "template": "appointment.reminder.reply",
                "data": {"practice_name": "Elm", "appointment_time": "Mon", "confirm_link": "https://evil.example",
                         "cancel_link": "https://evil.example"}}
    assert send(phishing, role="coordinator")["status"] == 403
    care = {"recipient": {"kind": "patient", "patient_id": ada.id}, "template": "care.instructions",
            "data": {"instructions": "Stop your medication."}}
    answer = send(care, role="front_desk")
    assert answer["status"] == 403 and answer["body"]["error"]["code"] == "template_not_allowed"
    assert nothing_requested()


@pytest.mark.parametrize("role", ["patient", "billing", "staff"])
def test_a_patient_or_non_clinical_staff_sends_no_message_to_anyone(role):
    ada = patient()
    staff_member()
    answer = send({"recipient": {"kind": "staff", "user_id": "nurse-1"}, **NOTICE}, role=role,
                  patient_id=ada.id if role == "patient" else None)
    assert answer["status"] == 403
    assert nothing_requested()


# --- the daily allowance ------------------------------------------------------------------------------

def test_past_the_daily_allowance_a_send_is_429_and_nothing_is_sent():
    staff_member()
    limit = DAILY_MESSAGES["front_desk"]
    already_sent("desk-1", limit - 1)
    to_nurse = {"recipient": {"kind": "staff", "user_id": "nurse-1"}, **NOTICE}
    accepted = send(to_nurse, key="msg-key-last")
    assert accepted["status"] == 202 and sent_today("desk-1") == limit
    answer = send(to_nurse, key="msg-key-over")
    assert answer["status"] == 429 and answer["body"]["error"]["code"] == "daily_message_limit"
    assert answer["body"]["error"]["details"] == {"limit": limit, "day": TODAY}
    assert len(notification_events()) == 1 and sent_today("desk-1") == limit
    # a retry of the request that was accepted is still the same answer, and costs nothing
    assert send(to_nurse, key="msg-key-last") == accepted and sent_today("desk-1") == limit
    # the allowance is the sender's own: a coordinator still sends
    assert send(to_nurse, key="msg-key-coord", role="coordinator", sub="coord-1")["status"] == 202


def test_care_instructions_count_against_the_practitioners_allowance():
    ada = patient()
    already_sent("dr-1", DAILY_MESSAGES["practitioner"])
    answer = call("POST", "/messages/care-instructions", role="practitioner", sub="dr-1",
                  headers={"Idempotency-Key": "care-key-0001"}, body={"patient_id": ada.id, "instructions": "Rest."})
    assert answer["status"] == 429 and nothing_requested()


def test_senders_racing_for_the_last_of_the_allowance_send_exactly_up_to_it():
    from functions.core.auth import Caller, Role
    from functions.core.errors import TooManyRequests
    from functions.notifications.models.messages import MessageIn

    staff_member()
    limits = {Role.FRONT_DESK: 5}
    already_sent("desk-1", 3)
    desk = Caller(user_id="desk-1", practice_id=PRACTICE, roles=frozenset({Role.FRONT_DESK}))
    body = MessageIn.model_validate({"recipient": {"kind": "staff", "user_id": "nurse-1"}, **NOTICE})
    results, errors = race(lambda: build_service(daily_messages=limits),
                           lambda service, n: service.sending.send(desk, body, f"race-key-{n:04d}"), 6)
    assert len(results) == 2 and len(errors) == 4 and all(isinstance(e, TooManyRequests) for e in errors)
    assert sent_today("desk-1") == 5 and len(notification_events()) == 2


def test_the_staff_directory_reads_one_practices_staff_record_by_id():
    directory = DynamoStaffDirectory(Table())
    directory.put(PRACTICE, StaffMember(user_id="nurse-1", name="N. Nurse", email="nurse@clinic.example"))
    assert directory.member(PRACTICE, "nurse-1").email == "nurse@clinic.example"
    assert directory.member("another-practice", "nurse-1") is None
    assert directory.member(PRACTICE, "nurse-2") is None
