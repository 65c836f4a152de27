"""The staff API through its Lambda handler on moto: members (and a member's own record from the token),
shifts and the roster, coverage rules and the gaps report, each change audited, bad input a clear 4xx."""

import json

import pytest

from functions.core.audit_store import AuditStore
from functions.core.table import Table
from tests.support import api_event, claims, if_match, response_headers

PRACTICE = "practice-staff"
MONDAY = "2026-03-02"


@pytest.fixture
def api(cloud, lambda_context):
    from functions.staff.handler import handler

    def call(method, path, body=None, role="coordinator", sub="coord-1", query=None, headers=None):
        event = api_event(method, path, body=body, claims=claims(role=role, practice=PRACTICE, sub=sub),
                          query=query, headers=headers)
        response = handler(event, lambda_context)
        headers = response_headers(response)
        return response["statusCode"], json.loads(response["body"]) if response.get("body") else None, headers

    return call


def member(user_id, role="front_desk", hours=40, manager=None, locations=("main",)):
    body = {"user_id": user_id, "name": f"Member {user_id}", "email": f"{user_id}@example.org", "role": role,
            "contracted_hours": hours, "location_ids": list(locations)}
    if manager:
        body["manager_id"] = manager
    return body


def test_coordinator_adds_a_member_who_then_reads_their_own_record_from_the_token(api):
    status, body, _ = api("POST", "/staff", member("nurse-1", role="nurse", hours=30))
    assert status == 201 and body["fte"] == 0.75 and body["version"] == 1

    status, mine, response = api("GET", "/staff/me", role="staff", sub="nurse-1")
    assert status == 200 and mine["user_id"] == "nurse-1" and response["etag"] == '"1"'
    assert api("GET", "/staff/nurse-1", role="staff", sub="someone-else")[0] == 403
    assert api("GET", "/staff", role="staff", sub="nurse-1")[0] == 403
    assert api("GET", "/staff/me", role="staff", sub="unknown")[0] == 404


def test_notifications_finds_the_member_the_staff_area_wrote(api):
    from functions.notifications.dynamo.people import DynamoStaffDirectory

    api("POST", "/staff", member("fd-1"))
    found = DynamoStaffDirectory(Table()).member(PRACTICE, "fd-1")
    assert (found.name, found.email, found.active) == ("Member fd-1", "fd-1@example.org", True)


def test_a_manager_reads_their_reports_record_but_not_anothers(api):
    api("POST", "/staff", member("boss"))
    api("POST", "/staff", member("report", manager="boss"))
    api("POST", "/staff", member("other"))
    assert api("GET", "/staff/report", role="staff", sub="boss")[0] == 200
    assert api("GET", "/staff/other", role="staff", sub="boss")[0] == 403


def test_bad_member_input_is_422_and_a_duplicate_409_and_nothing_changes(api):
    assert api("POST", "/staff", {**member("x"), "contracted_hours": 100})[0] == 422
    assert api("POST", "/staff", {**member("x"), "contracted_hours": 10.1})[0] == 422
    assert api("POST", "/staff", {**member("x"), "manager_id": "x"})[0] == 422
    status, body, _ = api("POST", "/staff", member("x", manager="ghost"))
    assert (status, body["error"]["code"]) == (409, "unknown_manager")
    assert api("POST", "/staff", member("x"))[0] == 201
    status, body, _ = api("POST", "/staff", member("x"))
    assert (status, body["error"]["code"]) == (409, "staff_member_exists")
    assert api("GET", "/staff")[1]["members"][0]["version"] == 1


def test_update_needs_the_version_read_and_a_stale_one_is_412(api):
    api("POST", "/staff", member("fd-2"))
    assert api("PATCH", "/staff/fd-2", {"contracted_hours": 20})[0] == 428
    status, body, _ = api("PATCH", "/staff/fd-2", {"contracted_hours": 20}, headers=if_match(1))
    assert status == 200 and body["fte"] == 0.5 and body["version"] == 2
    assert api("PATCH", "/staff/fd-2", {"name": "Late"}, headers=if_match(1))[0] == 412


def test_shifts_make_the_roster_and_overlapping_or_off_site_shifts_are_refused(api):
    api("POST", "/staff", member("fd-3", locations=("main", "north")))
    shift = {"user_id": "fd-3", "location_id": "main", "date": MONDAY, "start": "08:00", "end": "16:00"}
    status, created, _ = api("POST", "/shifts", shift)
    assert status == 201 and created["role"] == "front_desk"
    status, body, _ = api("POST", "/shifts", {**shift, "location_id": "north", "start": "15:00", "end": "18:00"})
    assert (status, body["error"]["code"]) == (409, "shift_overlap")
    status, body, _ = api("POST", "/shifts", {**shift, "location_id": "south"})
    assert (status, body["error"]["code"]) == (422, "not_at_location")
    assert api("POST", "/shifts", {**shift, "start": "16:00", "end": "08:00"})[0] == 422

    roster = api("GET", "/roster", role="staff", sub="fd-3", query={"location": "main", "from": MONDAY,
                                                                      "to": "2026-03-08"})[1]
    assert [s["id"] for s in roster["shifts"]] == [created["id"]]
    assert api("GET", "/staff/fd-3/shifts", role="staff", sub="fd-3",
               query={"from": MONDAY, "to": MONDAY})[1][0]["id"] == created["id"]
    assert api("DELETE", f"/shifts/{created['id']}", headers=if_match(2))[0] == 412
    assert api("DELETE", f"/shifts/{created['id']}", headers=if_match(1))[0] == 204
    assert api("POST", "/shifts", {**shift, "start": "12:00"})[0] == 201  # the day is free again


def test_coverage_report_names_each_gap_when_where_which_role_and_how_many_short(api):
    for user, role in (("fd-a", "front_desk"), ("fd-b", "front_desk"), ("dr", "practitioner"),
                       ("ma", "assistant")):
        api("POST", "/staff", member(user, role=role))
    rules = {"rules": [{"role": "front_desk", "min_staff": 2, "start": "08:00", "end": "18:00"},
                       {"role": "assistant", "per": "practitioner", "start": "08:00", "end": "18:00"}]}
    assert api("PUT", "/coverage/rules/main", rules)[0] == 428
    status, saved, _ = api("PUT", "/coverage/rules/main", rules, headers={"If-None-Match": "*"})
    assert status == 200 and saved["version"] == 1
    for user, start, end in (("fd-a", "08:00", "18:00"), ("fd-b", "08:00", "12:00"), ("dr", "09:00", "17:00"),
                             ("ma", "09:00", "13:00")):
        api("POST", "/shifts", {"user_id": user, "location_id": "main", "date": MONDAY, "start": start, "end": end})

    status, report, _ = api("GET", "/coverage", query={"location": "main", "from": MONDAY, "to": MONDAY})

    assert status == 200
    assert [(g["start"], g["end"], g["role"], g["required"], g["scheduled"], g["short"]) for g in report["gaps"]] == [
        ("12:00", "18:00", "front_desk", 2, 1, 1),
        ("13:00", "17:00", "assistant", 1, 0, 1),
    ]
    assert api("GET", "/coverage", role="staff", sub="fd-a",
               query={"location": "main", "from": MONDAY, "to": MONDAY})[0] == 403
    status, body, _ = api("GET", "/coverage", query={"location": "main", "from": MONDAY, "to": "2026-01-01"})
    assert (status, body["error"]["code"]) == (422, "invalid_range")


def test_every_change_is_in_the_audit_trail(api):
    api("POST", "/staff", member("fd-4"))
    api("PATCH", "/staff/fd-4", {"name": "Renamed"}, headers=if_match(1))
    api("POST", "/shifts", {"user_id": "fd-4", "location_id": "main", "date": MONDAY, "start": "08:00",
                            "end": "12:00"})
    actions = [e["action"] for e in AuditStore(Table()).entries(PRACTICE)]
    assert actions == ["staff_member.create", "staff_member.update", "shift.create"]


def test_a_patient_reaches_nothing_here(api):
    api("POST", "/staff", member("fd-5"))
    event_claims = {"role": "patient", "sub": "pat-1"}
    for method, path in (("GET", "/staff/me"), ("GET", "/staff/fd-5"), ("GET", "/staff")):
        from functions.staff.handler import handler
        from tests.support import LambdaContext

        response = handler(api_event(method, path, claims=claims(**event_claims, practice=PRACTICE,
                                                                  patient="p-1")), LambdaContext())
        assert response["statusCode"] == 403, path
