"""A roster draft end to end on the local cloud: the API asks (an outbox event), the bus rule starts the solver's
own function asynchronously, the draft comes back ready with its gaps, and the coordinator publishes it."""

import json

import pytest

from infra.catalog import CATALOG
from localcloud.cloud import LocalCloud
from tests.support import api_event, claims

PRACTICE = "practice-drafts"
MONDAY = "2026-03-02"


@pytest.fixture
def local(tmp_path):
    with LocalCloud(CATALOG, tmp_path, persist=False) as cloud:
        yield cloud


def call(local, method, path, body=None, headers=None, query=None):
    event = api_event(method, path, body=body, claims=claims(role="coordinator", practice=PRACTICE, sub="coord-1"),
                      headers=headers, query=query)
    response = local.invoke("staff-api", event)
    return response["statusCode"], json.loads(response["body"]) if response.get("body") else None


def test_a_draft_is_solved_by_its_own_function_and_published(local):
    call(local, "PUT", "/coverage/rules/main", {"rules": [{"role": "front_desk", "min_staff": 2, "start": "08:00",
                                                           "end": "16:00"}]}, headers={"If-None-Match": "*"})
    for user in ("a", "b", "c"):
        assert call(local, "POST", "/staff", {"user_id": user, "name": user, "role": "front_desk",
                                              "contracted_hours": 32, "location_ids": ["main"]})[0] == 201

    status, draft = call(local, "POST", "/roster/drafts", {"location_id": "main", "week_of": MONDAY})
    assert status == 201 and draft["status"] == "solving"
    local.drain()  # outbox -> stream -> bus -> rule -> staff-solver

    status, solved = call(local, "GET", f"/roster/drafts/{draft['id']}")
    assert status == 200 and solved["status"] == "ready", solved
    assert len(solved["shifts"]) == 10 and solved["gaps"] == [] and solved["solve_seconds"] is not None

    status, published = call(local, "POST", f"/roster/drafts/{draft['id']}/publish")
    assert status == 200 and published["status"] == "published"
    report = call(local, "GET", "/coverage", query={"location": "main", "from": MONDAY, "to": "2026-03-08"})[1]
    assert report["gaps"] == []
    roster = call(local, "GET", "/roster", query={"location": "main", "from": MONDAY, "to": "2026-03-08"})[1]
    assert len(roster["shifts"]) == 10


def test_a_draft_for_a_week_that_has_shifts_is_409(local):
    call(local, "POST", "/staff", {"user_id": "a", "name": "a", "role": "front_desk", "contracted_hours": 32,
                                   "location_ids": ["main"]})
    call(local, "POST", "/shifts", {"user_id": "a", "location_id": "main", "date": MONDAY, "start": "08:00",
                                    "end": "12:00"})
    status, body = call(local, "POST", "/roster/drafts", {"location_id": "main", "week_of": MONDAY})
    assert (status, body["error"]["code"]) == (409, "roster_not_empty")
    assert call(local, "POST", "/roster/drafts", {"location_id": "main", "week_of": "2026-03-03"})[0] == 422
