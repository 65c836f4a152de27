"""The outreach API through its handler on moto: workshops with ETag and If-Match, publishing starts the
promotion, registration up to capacity and the waitlist, cancellation promotes, attendance, what a patient sees,
and the capacity race on the DynamoDB adapters."""

from datetime import timedelta

from functions.core.audit_store import AuditStore
from functions.core.auth import Caller, Role
from functions.core.table import Table
from tests.integration.outreach_support import NOW, PRACTICE, call
from tests.integration.outreach_support import world as world  # noqa: F401 - the fixture
from tests.support import api_url, if_match, race

FIRST = NOW + timedelta(days=14)
WORKSHOP = {
    "title": "Living well with diabetes", "topic": "diabetes", "description": "Food, movement and sleep.",
    "audience": {"topics": ["diabetes"], "min_age": 18}, "capacity": 2, "facilitator_id": "fac-1",
    "registration_deadline": (FIRST - timedelta(days=2)).isoformat(),
    "sessions": [{"starts_at": FIRST.isoformat(), "ends_at": (FIRST + timedelta(hours=1)).isoformat(),
                  "mode": "in_person", "room": "Room 2", "address": "1 Elm Street"}]}


def published(capacity: int = 2) -> dict:
    made = call("POST", "/workshops", body={**WORKSHOP, "capacity": capacity})
    assert made.status == 201, made.body
    answer = call("POST", f"/workshops/{made.body['id']}/publish", headers=if_match(1))
    assert answer.status == 200, answer.body
    return answer.body


def register(patient: str, workshop_id: str, key: str | None = None):
    headers = {"Idempotency-Key": key} if key else None
    return call("POST", "/registrations", role="patient", sub=f"user-{patient}", patient=patient,
                body={"workshop_id": workshop_id}, headers=headers)


def test_a_workshop_is_written_read_and_changed_with_its_etag(world):
    made = call("POST", "/workshops", body=WORKSHOP)
    assert made.status == 201 and made.headers["location"] == api_url(f"/workshops/{made.body['id']}")
    assert made.headers["etag"] == '"1"' and made.body["status"] == "draft"
    path = f"/workshops/{made.body['id']}"
    assert call("GET", path).headers["etag"] == '"1"'
    assert call("PATCH", path, body={"title": "Eating well"}).status == 428
    assert call("PATCH", path, body={"title": "Eating well"}, headers=if_match(1)).body["title"] == "Eating well"
    assert call("PATCH", path, body={"title": "Again"}, headers=if_match(1)).status == 412
    bad = call("PATCH", path, body={"topic": "nutrition"}, headers=if_match(2))
    assert (bad.status, bad.body["error"]["code"]) == (422, "invalid_workshop")
    assert call("POST", "/workshops", body={**WORKSHOP, "sessions": []}).status == 422
    assert call("POST", "/workshops", role="billing", body=WORKSHOP).status == 403
    assert call("POST", "/workshops", role="patient", patient="pat-00", body=WORKSHOP).status == 403


def test_publishing_starts_the_promotion_once_committed_and_unpublishing_stops_it(world):
    workshop = published()
    assert workshop["status"] == "published" and workshop["signup_url"].startswith(api_url("/registrations/"))
    assert world.promotion.calls == [("start", PRACTICE, workshop["id"], 2)]
    patient = world.patients(1)[0]
    assert register(patient, workshop["id"]).status == 201
    withdrawn = call("POST", f"/workshops/{workshop['id']}/unpublish", headers=if_match(2))
    assert withdrawn.body["status"] == "unpublished"
    assert world.promotion.calls[-1] == ("stop", PRACTICE, workshop["id"], None)
    outbox = Table().query(f"PRACTICE#{PRACTICE}#OUTBOX").items
    told = [e["event"]["data"]["request"] for e in outbox
            if e["event"]["data"].get("request", {}).get("template") == "outreach.workshop.cancelled"]
    assert [t["recipient"] for t in told] == [{"kind": "patient", "patient_id": patient}]


def test_places_then_the_waitlist_then_a_cancellation_promotes_the_first_waiting(world):
    workshop = published(capacity=2)
    patients = world.patients(4)
    answers = []
    for patient in patients:
        world.clock.advance(timedelta(seconds=1))
        answers.append(register(patient, workshop["id"]))
    assert [a.status for a in answers] == [201] * 4
    assert [a.body["status"] for a in answers] == ["registered", "registered", "waitlisted", "waitlisted"]
    counted = call("GET", f"/workshops/{workshop['id']}").body
    assert (counted["registered"], counted["waitlisted"]) == (2, 2)
    first = answers[0].body
    cancelled = call("POST", f"/registrations/{first['id']}/cancel", role="patient", sub="u", patient=patients[0],
                     headers=if_match(1))
    assert cancelled.body["status"] == "cancelled"
    third = call("GET", f"/registrations/{answers[2].body['id']}").body
    assert third["status"] == "registered"
    assert call("GET", f"/registrations/{answers[3].body['id']}").body["status"] == "waitlisted"
    mine = call("GET", "/registrations", role="patient", sub="u", patient=patients[2]).body
    assert [r["id"] for r in mine["registrations"]] == [third["id"]]
    assert "holder" not in third


def test_a_retry_with_the_same_idempotency_key_takes_one_place(world):
    workshop = published(capacity=5)
    patient = world.patients(1)[0]
    first = register(patient, workshop["id"], key="register-0001")
    again = register(patient, workshop["id"], key="register-0001")
    assert (first.status, again.status, again.body["id"]) == (201, 201, first.body["id"])
    assert call("GET", f"/workshops/{workshop['id']}").body["registered"] == 1
    assert register(patient, workshop["id"]).status == 409


def test_a_patient_sees_only_published_workshops_meant_for_them_and_only_their_registrations(world):
    shown = published()
    call("POST", "/workshops", body=WORKSHOP)  # a draft
    mine, other = world.patients(2)
    world.audience.add(PRACTICE, "pat-nutrition", topics=["nutrition"])
    listed = call("GET", "/workshops", role="patient", sub="u", patient=mine).body["workshops"]
    assert [w["id"] for w in listed] == [shown["id"]]
    assert call("GET", "/workshops", role="patient", sub="u", patient="pat-nutrition").body["workshops"] == []
    assert call("GET", f"/workshops/{shown['id']}", role="patient", sub="u", patient="pat-nutrition").status == 404
    assert len(call("GET", "/workshops").body["workshops"]) == 2
    theirs = register(other, shown["id"]).body
    assert call("GET", f"/registrations/{theirs['id']}", role="patient", sub="u", patient=mine).status == 404
    assert call("GET", "/registrations", role="patient", sub="u", patient=mine,
                ).body["registrations"] == []
    assert call("GET", f"/workshops/{shown['id']}/registrations", role="patient", sub="u", patient=mine).status == 403


def test_the_facilitator_takes_attendance_and_others_may_not(world):
    workshop = published(capacity=5)
    patients = world.patients(2)
    registrations = [register(p, workshop["id"]).body["id"] for p in patients]
    session = workshop["sessions"][0]["id"]
    world.clock.at = FIRST
    refused = call("POST", f"/sessions/{session}/attendance", role="practitioner", sub="someone-else",
                   body={"present": registrations[:1]})
    assert refused.status == 403
    sheet = call("POST", f"/sessions/{session}/attendance", role="staff", sub="fac-1",
                 body={"present": registrations[:1]})
    assert sheet.status == 200, sheet.body
    assert {line["registration_id"]: line["present"] for line in sheet.body["lines"]} == {
        registrations[0]: True, registrations[1]: False}
    assert call("GET", f"/sessions/{session}/attendance").body == sheet.body
    assert call("GET", "/sessions/no-such-session/attendance").status == 404


def test_thirty_registering_at_once_for_twenty_places_give_twenty_registered_and_ten_waitlisted(world):
    from functions.outreach.dynamo.registrations import DynamoRegistrationBook
    from functions.outreach.dynamo.workshops import DynamoWorkshopCatalog
    from functions.outreach.models.registrations import RegistrationIn
    from functions.outreach.registrations import Registrations

    workshop = published(capacity=20)
    patients = world.patients(30)

    def container():  # each thread a Lambda container of its own: its own clients and audit-head cache
        store = AuditStore(Table())
        return Registrations(DynamoWorkshopCatalog(Table(), store), DynamoRegistrationBook(Table(), store),
                             world.audience, store, world.clock.now)

    def enrol(registrations, i):
        caller = Caller(user_id=f"u{i}", practice_id=PRACTICE, roles=frozenset({Role.PATIENT}),
                        patient_id=patients[i])
        return registrations.register(caller, RegistrationIn(workshop_id=workshop["id"]))

    results, errors = race(container, enrol, 30)
    assert errors == []
    statuses = [r.status for r in results]
    assert (statuses.count("registered"), statuses.count("waitlisted")) == (20, 10)
    counted = call("GET", f"/workshops/{workshop['id']}").body
    assert (counted["registered"], counted["waitlisted"]) == (20, 10)
    roster = call("GET", f"/workshops/{workshop['id']}/registrations").body["registrations"]
    assert sum(r["status"] == "registered" for r in roster) == 20
