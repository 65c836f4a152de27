"""The notifications API on moto, through its Lambda handler: care instructions to the patient and
consented family, the delivery log by recipient and source, templates, preferences, opt-out links, inbox."""

import json
from typing import Any

import pytest

from functions.core.audit_store import AuditStore
from functions.core.table import Table
from functions.notifications import worker
from functions.notifications.dynamo.people import DynamoStaffDirectory
from functions.notifications.links import OptOut
from functions.notifications.models.staff import StaffMember
from tests.integration.notifications_support import (
    PRACTICE,
    emails,
    moved_clock_fixture,  # noqa: F401 - a fixture, used by name
    notification_events,
    notify_fixture,  # noqa: F401 - a fixture, used by name
    patient,
    share_with,
    texts,
)
from tests.support import api_event, claims, if_match, response_headers

INSTRUCTIONS = "Keep the dressing dry for 48 hours. Take ibuprofen 400 mg if needed."
FAMILY = [{"given_name": "Byron", "family_name": "Lovelace", "relationship": "parent", "email": "byron@example.org"},
          {"given_name": "Annabella", "family_name": "Milbanke", "relationship": "parent",
           "email": "annabella@example.org"}]


class Api:
    def __init__(self, context) -> None:
        from functions.notifications.handler import handler

        self.handler = handler
        self.context = context

    def __call__(self, method: str, path: str, *, role: str | None = "coordinator", sub: str = "coord-1",
                 patient: str | None = None, practice: str = PRACTICE, **kwargs: Any) -> tuple[int, Any]:
        who = claims(role=role, practice=practice, sub=sub, patient=patient) if role else None
        response = self.handler(api_event(method, path, claims=who, **kwargs), self.context)
        self.headers = response_headers(response)
        body = response.get("body")
        return response["statusCode"], (json.loads(body) if body else None)


@pytest.fixture
def api(notify, lambda_context) -> Api:
    return Api(lambda_context)


def deliver_requested(service) -> list[dict]:
    """What the bus would carry to the worker: every notification.requested event in the outbox."""
    outcomes = []
    for event in notification_events():
        outcomes += worker.process(event, service)["outcomes"]
    return outcomes


def care(api: Api, patient_id: str, key: str = "care-key-0001", **body: Any) -> tuple[int, Any]:
    return api("POST", "/messages/care-instructions", role="practitioner", sub="dr-1",
               headers={"Idempotency-Key": key},
               body={"patient_id": patient_id, "instructions": INSTRUCTIONS,
                     "appointment_id": "01JAPPOINTMENT000000000000", **body})


def test_care_instructions_go_to_the_patient_and_only_the_consented_family(api, notify):
    ada = patient(family=FAMILY)
    byron, annabella = ada.family
    share_with(ada.id, [byron.id])
    status, accepted = care(api, ada.id)
    assert status == 202, accepted
    assert accepted["recipients"] == [f"patient:{ada.id}", f"family:{ada.id}:{byron.id}"]

    (event,) = notification_events()
    assert INSTRUCTIONS not in json.dumps(event)  # only message ids travel on the bus
    assert event["detail"]["data"] == {"stored": accepted["message_ids"]}
    outcomes = deliver_requested(notify)
    assert [o["status"] for o in outcomes] == ["sent", "sent"]
    assert sorted(e["to"][0] for e in emails()) == ["ada@example.org", "byron@example.org"]
    assert all("Keep the dressing dry" in e["body"] for e in emails())
    assert texts() == []

    # the request is audited against the patient
    entries = list(AuditStore(Table()).entries(PRACTICE))
    assert entries[-1]["action"] == "care_instructions.send" and entries[-1]["subject_patient_id"] == ada.id

    # the same request again: the same messages, nothing new on the bus, nothing sent twice
    assert care(api, ada.id) == (202, accepted)
    assert len(notification_events()) == 1
    deliver_requested(notify)
    assert len(emails()) == 2


def test_care_instructions_retried_with_other_text_are_refused(api):
    ada = patient()
    assert care(api, ada.id)[0] == 202
    status, body = care(api, ada.id, instructions="Something else")
    assert status == 422 and body["error"]["code"] == "idempotency_key_reused"


def test_consent_withdrawn_after_the_request_stops_the_family_message(api, notify):
    ada = patient(family=FAMILY[:1])
    (byron,) = ada.family
    share_with(ada.id, [byron.id])
    care(api, ada.id)
    from tests.integration.notifications_support import COORDINATOR, records

    consents = records().consents().list_consents(COORDINATOR, ada.id).consents
    (consent,) = [c for c in consents if c.kind == "data_sharing"]
    records().consents().revoke(COORDINATOR, ada.id, consent.id, lambda: consent.version)
    outcomes = deliver_requested(notify)
    assert [(o["status"], o["reason"]) for o in outcomes] == [("sent", None), ("suppressed", "no_family_consent")]
    assert [e["to"] for e in emails()] == [["ada@example.org"]]


def test_only_a_practitioner_sends_care_instructions(api):
    ada = patient()
    status, _ = api("POST", "/messages/care-instructions", role="front_desk",
                    body={"patient_id": ada.id, "instructions": "x"})
    assert status == 403
    status, body = care(api, "01JNOBODY00000000000000000")
    assert status == 404


def test_the_delivery_log_by_recipient_and_by_source_has_no_bodies(api, notify):
    ada = patient(family=FAMILY[:1])
    share_with(ada.id, [ada.family[0].id])
    _, accepted = care(api, ada.id)
    deliver_requested(notify)

    status, page = api("GET", "/messages", query={"source": "scheduling:appointment:01JAPPOINTMENT000000000000"})
    assert status == 200 and sorted(m["id"] for m in page["messages"]) == sorted(accepted["message_ids"])
    assert INSTRUCTIONS[:20] not in json.dumps(page) and "example.org" not in json.dumps(page)
    assert {m["status"] for m in page["messages"]} == {"sent"}

    status, mine = api("GET", "/messages", query={"recipient": f"patient:{ada.id}"})
    assert status == 200 and [m["id"] for m in mine["messages"]] == accepted["message_ids"][:1]
    assert [h["status"] for h in mine["messages"][0]["history"]] == ["requested", "sent"]

    # the patient sees their own log, not someone else's, and not by source
    assert api("GET", "/messages", role="patient", sub="pt", patient=ada.id,
               query={"recipient": f"patient:{ada.id}"})[0] == 200
    assert api("GET", "/messages", role="patient", sub="pt", patient="someone-else",
               query={"recipient": f"patient:{ada.id}"})[0] == 403
    status, one = api("GET", f"/messages/{accepted['message_ids'][0]}")
    assert status == 200 and one["deliveries"][0]["status"] == "sent"
    assert api("GET", "/messages", query={"recipient": "nobody"})[0] == 422
    assert api("GET", "/messages")[0] == 422


def test_the_log_pages_with_a_signed_token(api, notify):
    ada = patient()
    for n in range(3):
        assert api("POST", "/messages", headers={"Idempotency-Key": f"general-{n:04d}"},
                   body={"recipient": {"kind": "patient", "patient_id": ada.id}, "template": "message.general",
                         "data": {"subject": "Hello", "body": "Opening hours change"}})[0] == 202
    status, first = api("GET", "/messages", query={"recipient": f"patient:{ada.id}", "limit": "2"})
    assert len(first["messages"]) == 2 and first["next_page_token"]
    status, rest = api("GET", "/messages", query={"recipient": f"patient:{ada.id}", "limit": "2",
                                                  "page_token": first["next_page_token"]})
    assert status == 200 and len(rest["messages"]) == 1
    other = api("GET", "/messages", query={"recipient": "patient:someone", "page_token": first["next_page_token"]})
    assert other[0] == 422


def test_templates_can_be_replaced_per_practice_and_previewed(api):
    status, listed = api("GET", "/notifications/templates")
    assert status == 200 and ("appointment.reminder", "es") in {(t["key"], t["language"]) for t in listed["templates"]}
    body = {"subject": "Hi {{ name }}", "text": "See you {{ when }}", "html": "<b>{{ when }}</b>"}
    path = "/notifications/templates/visit.followup/en"
    assert api("PUT", path, body=body)[1]["error"]["code"] == "precondition_required"  # 428: send the ETag
    status, saved = api("PUT", path, body=body, headers={"If-None-Match": "*"})
    assert status == 200 and saved["version"] == 1 and api.headers["etag"] == '"1"'
    assert api("PUT", path, body=body, headers={"If-None-Match": "*"})[0] == 412  # it exists now
    assert api("GET", path)[1]["version"] == 1 and api.headers["etag"] == '"1"'
    assert api("PUT", path, body=body, headers=if_match(1))[1]["version"] == 2
    assert api("PUT", path, body=body, headers=if_match(1))[0] == 412
    assert api("PUT", path, role="front_desk", body=body, headers=if_match(2))[0] == 403
    status, preview = api("POST", "/notifications/templates/visit.followup/en/preview",
                          body={"data": {"name": "Ada", "when": "<Monday>"}})
    assert status == 200 and preview["html"] == "<b>&lt;Monday&gt;</b>" and preview["sms_segments"] == 1
    status, missing = api("POST", "/notifications/templates/visit.followup/en/preview", body={"data": {"name": "A"}})
    assert status == 422 and missing["error"]["details"] == {"missing": ["when"]}
    bad = api("PUT", "/notifications/templates/x/en", body={"subject": "{{ oops", "text": "t"}, headers=if_match(0))
    assert bad[0] == 422 and bad[1]["error"]["code"] == "invalid_template"


def test_a_practice_template_replaces_the_builtin_one_when_sending(api, notify):
    ada = patient(channels=["email"])
    api("GET", "/notifications/templates/message.general/en")  # the built-in one: its ETag is "0"
    api("PUT", "/notifications/templates/message.general/en", headers={"If-Match": api.headers["etag"]},
        body={"subject": "From Elm Street: {{ subject }}", "text": "{{ body }}"})
    api("POST", "/messages", headers={"Idempotency-Key": "general-0001"},
        body={"recipient": {"kind": "patient", "patient_id": ada.id}, "template": "message.general",
              "data": {"subject": "Closed Monday", "body": "We are closed on Monday."}})
    deliver_requested(notify)
    assert [e["subject"] for e in emails()] == ["From Elm Street: Closed Monday"]


def test_preferences_are_the_persons_own_or_staffs_to_change(api):
    ada = patient()
    me = {"role": "patient", "sub": "pt-1", "patient": ada.id}
    status, defaults = api("GET", "/notifications/preferences", **me)
    assert status == 200 and defaults["version"] == 0 and defaults["quiet_hours"] == {"start": "21:00", "end": "08:00"}
    assert api.headers["etag"] == '"0"'
    status, saved = api("PUT", "/notifications/preferences", **me, headers=if_match(0),
                        body={"channel_order": ["sms", "email"], "quiet_hours": {"start": "22:00", "end": "07:00"}})
    assert status == 200 and saved["version"] == 1
    assert api("GET", f"/notifications/preferences/patient:{ada.id}")[1]["channel_order"] == ["sms", "email"]
    assert api("PUT", f"/notifications/preferences/patient:{ada.id}", body={}, headers=if_match(1))[0] == 200
    assert api("PUT", f"/notifications/preferences/patient:{ada.id}", body={}, headers=if_match(1))[0] == 412
    assert api("GET", "/notifications/preferences/patient:01JOTHER00000000000000000", role="patient", sub="pt-1",
               patient=ada.id)[0] == 403
    assert api("GET", "/notifications/preferences/patient:01JNOBODY00000000000000000")[0] == 404
    assert api("PUT", "/notifications/preferences", **me, body={"quiet_hours": {"start": "25:00"}},
               headers=if_match(2))[0] == 422
    assert api("PUT", "/notifications/preferences", **me, body={"opted_out": ["sms", "sms"]},
               headers=if_match(2))[0] == 422


def test_an_opt_out_link_works_without_signing_in(api, notify):
    ada = patient(channels=["email"])
    api("POST", "/messages", headers={"Idempotency-Key": "general-0001"},
        body={"recipient": {"kind": "patient", "patient_id": ada.id}, "template": "message.general",
              "data": {"subject": "s", "body": "b"}})
    deliver_requested(notify)
    (email,) = emails()
    link = email["body"].split('href="')[1].split('"')[0]
    token = link.rsplit("/", 1)[1]
    assert notify.opt_outs.links.verify(token) == OptOut(PRACTICE, f"PATIENT#{ada.id}", "email")
    assert api("GET", f"/notifications/opt-out/{token}", role=None) == (200, {"channel": "email", "opted_out": False})
    assert api("POST", f"/notifications/opt-out/{token}", role=None) == (200, {"channel": "email", "opted_out": True})
    assert api("POST", f"/notifications/opt-out/{token[:-3]}xyz", role=None)[0] == 422
    assert api("GET", "/notifications/preferences", role="patient", sub="pt", patient=ada.id)[1]["opted_out"] == [
        "email"]


def test_staff_work_notices_arrive_in_the_inbox_and_by_email(api, notify):
    DynamoStaffDirectory(Table()).put(PRACTICE, StaffMember(user_id="nurse-1", email="nurse@example.org"))
    status, accepted = api("POST", "/messages", headers={"Idempotency-Key": "notice-0001"},
                           body={"recipient": {"kind": "staff", "user_id": "nurse-1"},
                                 "template": "work.notice",
                                 "data": {"title": "Roster changed", "details": "You are on Tuesday."}})
    assert status == 202
    assert deliver_requested(notify)[0]["status"] == "sent"
    assert [e["to"] for e in emails()] == [["nurse@example.org"]]
    status, inbox = api("GET", "/inbox", role="staff", sub="nurse-1")
    assert status == 200 and [i["subject"] for i in inbox["items"]] == ["Roster changed"]
    assert inbox["items"][0]["read_at"] is None
    message_id = accepted["message_ids"][0]
    assert api("POST", f"/inbox/{message_id}/read", role="staff", sub="nurse-1")[0] == 204
    assert api("GET", "/inbox", role="staff", sub="nurse-1")[1]["items"][0]["read_at"]
    assert api("POST", f"/inbox/{message_id}/read", role="staff", sub="someone-else")[0] == 404
    assert api("GET", "/inbox", role="staff", sub="someone-else")[1]["items"] == []


def test_sending_needs_a_known_template_and_recipient(api):
    ada = patient()
    unknown = api("POST", "/messages", body={"recipient": {"kind": "patient", "patient_id": ada.id},
                                             "template": "no.such", "data": {}})
    assert unknown[0] == 404 and unknown[1]["error"]["code"] == "template_not_found"
    nobody = api("POST", "/messages", body={"recipient": {"kind": "patient", "patient_id": "01JNOBODY0000000000000"},
                                            "template": "message.general", "data": {}})
    assert nobody[0] == 404
    assert api("POST", "/messages", role="patient", sub="p", patient=ada.id,
               body={"recipient": {"kind": "patient", "patient_id": ada.id}, "template": "message.general"})[0] == 403
