"""Notifications through the local cloud, in-process: the API writes the request through the outbox, the
stream carries it to the publisher, the bus rule to the worker, which defers an SMS for quiet hours; the
schedule fires the job once the clock has moved, and moto's SNS holds exactly one text."""

import json
from datetime import UTC, timedelta
from typing import Any

import pytest

from tests.support import api_event, claims, response_headers

PRACTICE = "practice-e2e"


@pytest.fixture
def local(tmp_path):
    from localcloud.cloud import LocalCloud

    cloud = LocalCloud(data_dir=tmp_path / "data", persist=False)
    yield cloud
    cloud.close(save=False)


def call(local, function: str, method: str, path: str, role: str = "coordinator", sub: str = "coord-1",
         **kwargs: Any) -> tuple[int, Any]:
    response = local.invoke(function, api_event(method, path, claims=claims(role=role, practice=PRACTICE, sub=sub),
                                                **kwargs))
    response_headers(response)  # checks that every 201 says where the new thing lives
    return response["statusCode"], json.loads(response["body"]) if response.get("body") else None


def test_care_instructions_by_sms_wait_for_quiet_hours_to_end_and_go_once(local):
    from localcloud.sent import sent_sms

    status, patient = call(local, "records-api", "POST", "/patients", body={
        "given_name": "Ada", "family_name": "Lovelace", "birth_date": "1990-12-10", "gender": "female",
        "phone": "+14155550123", "time_zone": "UTC"})
    assert status == 201, patient
    assert call(local, "records-api", "POST", f"/patients/{patient['id']}/consents",
                body={"kind": "communication", "channels": ["sms"]})[0] == 201
    now = local.clock.now().astimezone(UTC)
    quiet = {"start": (now - timedelta(hours=1)).strftime("%H:%M"), "end": (now + timedelta(hours=2)).strftime("%H:%M")}
    assert call(local, "notifications-api", "PUT", f"/notifications/preferences/patient:{patient['id']}",
                body={"channel_order": ["sms"], "quiet_hours": quiet}, headers={"If-None-Match": "*"})[0] == 200

    instructions = {"patient_id": patient["id"], "instructions": "Rest the ankle; ice twice a day."}
    status, accepted = call(local, "notifications-api", "POST", "/messages/care-instructions", role="practitioner",
                            sub="dr-1", body=instructions, headers={"Idempotency-Key": "visit-0001-care"})
    assert status == 202, accepted
    local.drain()  # stream -> outbox publisher -> bus -> rule -> worker
    (message_id,) = accepted["message_ids"]
    status, message = call(local, "notifications-api", "GET", f"/messages/{message_id}")
    assert status == 200 and message["status"] == "deferred" and message["reason"] == "quiet_hours"
    assert sent_sms() == []

    # the same request again changes nothing
    call(local, "notifications-api", "POST", "/messages/care-instructions", role="practitioner", sub="dr-1",
         body=instructions, headers={"Idempotency-Key": "visit-0001-care"})
    local.drain()

    local.advance(timedelta(hours=2, minutes=20))  # the 15-minute schedule fires the job after quiet hours
    (text,) = sent_sms()
    assert text["to"] == "+14155550123" and "Rest the ankle" not in text["text"]  # no clinical text by SMS
    status, message = call(local, "notifications-api", "GET", f"/messages/{message_id}")
    assert message["status"] == "sent" and [h["status"] for h in message["history"]] == ["requested", "deferred",
                                                                                        "sent"]
    local.advance(timedelta(hours=1))
    assert len(sent_sms()) == 1


def test_a_stop_reply_by_sms_reaches_the_worker_through_the_replies_topic(local):
    status, patient = call(local, "records-api", "POST", "/patients", body={
        "given_name": "Grace", "family_name": "Hopper", "birth_date": "1976-12-09", "gender": "female",
        "phone": "+14155550177"})
    assert status == 201, patient
    person = f"/notifications/preferences/patient:{patient['id']}"
    assert call(local, "notifications-api", "GET", person)[1]["opted_out"] == []

    local.publish("sms-replies", {"originationNumber": "+14155550177", "destinationNumber": "+18005550100",
                                  "messageBody": "Stop"})
    assert call(local, "notifications-api", "GET", person)[1]["opted_out"] == ["sms"]
