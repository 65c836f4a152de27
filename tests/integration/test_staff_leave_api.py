"""Leave and PTO through the staff API's handler on moto (the workflow engine a recording fake; the ASL runs in
tests/workflows), and the monthly accrual job run twice and raced: each month is credited once."""

import json
from datetime import UTC, datetime

import pytest

from functions.core import clock
from functions.core.audit_store import AuditStore
from functions.core.table import Table
from tests.fakes.staff import FakeWorkflow
from tests.support import api_event, claims, if_match, race, response_headers

PRACTICE = "practice-leave"


@pytest.fixture
def workflow(cloud, monkeypatch):
    from functions.core import container
    from functions.staff import wiring

    fake = FakeWorkflow()
    monkeypatch.setattr(wiring, "StepFunctionsLeaveWorkflow", lambda: fake)
    container.reset()
    return fake


@pytest.fixture
def api(workflow, lambda_context):
    from functions.staff.handler import handler

    def call(method, path, body=None, role="coordinator", sub="coord-1", query=None, headers=None):
        event = api_event(method, path, body=body, claims=claims(role=role, practice=PRACTICE, sub=sub),
                          query=query, headers=headers)
        response = handler(event, lambda_context)
        response_headers(response)
        return response["statusCode"], json.loads(response["body"]) if response.get("body") else None

    first = {"If-None-Match": "*"}
    assert api_policy(call, first)[0] == 200
    for user, manager in (("boss", None), ("fd", "boss"), ("other", None)):
        body = {"user_id": user, "name": user, "role": "front_desk", "contracted_hours": 40,
                "location_ids": ["main"], **({"manager_id": manager} if manager else {})}
        assert call("POST", "/staff", body)[0] == 201
    return call


def api_policy(call, headers):
    return call("PUT", "/pto/policy", {"time_zone": "America/New_York", "leave_unit_hours": 0.5,
                                       "accrual_hours_per_month": 10}, headers=headers)


def test_a_member_asks_for_their_own_leave_and_the_workflow_starts(api, workflow):
    status, leave = api("POST", "/leave-requests", {"kind": "vacation", "unit": "days", "first_day": "2026-03-02",
                                                    "last_day": "2026-03-03"}, role="staff", sub="fd")
    assert status == 201 and leave["user_id"] == "fd" and leave["minutes"] == 960 and leave["status"] == "pending"
    assert "task_token" not in leave
    assert workflow.started == [(PRACTICE, leave["id"], {"manager": 172800, "coordinator": 172800})]
    assert api("GET", f"/leave-requests/{leave['id']}", role="staff", sub="boss")[0] == 200
    assert api("GET", f"/leave-requests/{leave['id']}", role="staff", sub="other")[0] == 403
    listed = api("GET", "/leave-requests", role="staff", sub="fd", query={"from": "2026-03-01", "to": "2026-03-31"})
    assert [r["id"] for r in listed[1]["requests"]] == [leave["id"]]


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"kind": "vacation", "unit": "days", "first_day": "2026-03-05", "last_day": "2026-03-04"}, 422,
     "ends_before_start"),
    ({"kind": "vacation", "unit": "hours", "starts_at": "2026-03-04T09:00", "ends_at": "2026-03-04T09:45"}, 422,
     "not_a_multiple_of_unit"),
    ({"kind": "vacation", "unit": "hours", "starts_at": "2026-03-02T12:00", "ends_at": "2026-03-02T14:00"}, 409,
     "overlapping_leave"),
    ({"kind": "holiday", "unit": "days", "first_day": "2026-03-05", "last_day": "2026-03-05"}, 422,
     "validation_failed"),
    ({"kind": "vacation", "unit": "days", "first_day": "2026-03-05"}, 422, "validation_failed"),
])
def test_bad_leave_is_a_clear_4xx_and_changes_nothing(api, workflow, body, status, code):
    api("POST", "/leave-requests", {"kind": "vacation", "unit": "days", "first_day": "2026-03-02",
                                    "last_day": "2026-03-02"}, role="staff", sub="fd")
    head = AuditStore(Table()).head(PRACTICE)
    answered, error = api("POST", "/leave-requests", body, role="staff", sub="fd")
    assert (answered, error["error"]["code"]) == (status, code)
    assert AuditStore(Table()).head(PRACTICE) == head and len(workflow.started) == 1


def test_the_manager_decides_the_member_may_not(api):
    leave = api("POST", "/leave-requests", {"kind": "sick", "unit": "days", "first_day": "2026-03-02",
                                            "last_day": "2026-03-02"}, role="staff", sub="fd")[1]
    assert api("POST", f"/leave-requests/{leave['id']}/approve", {}, role="staff", sub="fd")[0] == 403
    assert api("POST", f"/leave-requests/{leave['id']}/approve", {}, role="staff", sub="other")[0] == 403
    status, decided = api("POST", f"/leave-requests/{leave['id']}/approve", {"reason": "ok"}, role="staff",
                          sub="boss")
    assert status == 200 and decided["decision"] == "approve" and decided["decided_by"] == "boss"
    status, again = api("POST", f"/leave-requests/{leave['id']}/reject", {}, role="coordinator")
    assert (status, again["error"]["code"]) == (409, "already_decided")


def test_the_policy_needs_the_version_read(api):
    status, body = api_policy(api, {"If-None-Match": "*"})
    assert status == 412
    status, body = api_policy(api, if_match(1))
    assert status == 200 and body["version"] == 2
    assert api("GET", "/pto/policy", role="staff", sub="fd")[1]["time_zone"] == "America/New_York"


def run_job():
    from functions.staff.jobs import handler
    from tests.support import LambdaContext

    return handler({"job": "accrue_pto"}, LambdaContext())


def test_the_accrual_job_run_twice_credits_each_month_once(api):
    previous = clock.use(clock.FixedClock(datetime(2026, 3, 1, 12, tzinfo=UTC)))
    try:
        first, second = run_job(), run_job()
    finally:
        clock.use(previous)
    assert (first["accrued"], second["accrued"], second["already"]) == (3, 0, 0)
    status, balance = api("GET", "/pto/fd", role="staff", sub="fd")
    assert status == 200 and balance["balance_hours"] == 10
    assert [e["id"] for e in balance["entries"]] == ["accrual-2026-03"]
    assert api("GET", "/pto/fd", role="staff", sub="other")[0] == 403
    assert api("GET", "/pto/fd", role="staff", sub="boss")[0] == 200


def test_racing_accrual_runs_credit_each_member_once(api):
    from functions.staff.dynamo.leave import DynamoPtoLedger
    from functions.staff.dynamo.members import DynamoStaffRecords, DynamoStaffSettings
    from functions.staff.pto import PtoAccounts

    def container():  # each racer its own Lambda container: its own audit head cache
        table = Table()
        audit = AuditStore(table)
        return PtoAccounts(DynamoStaffRecords(table, audit), DynamoStaffSettings(table, audit),
                           DynamoPtoLedger(table, audit), audit, lambda: datetime(2026, 4, 1, 12, tzinfo=UTC))

    runs, errors = race(container, lambda accounts, _: accounts.accrue_month(PRACTICE), 4)

    assert errors == []
    assert sum(r.accrued for r in runs) == 3
    for user in ("boss", "fd", "other"):
        entries = api("GET", f"/pto/{user}")[1]["entries"]
        assert [(e["id"], e["minutes"]) for e in entries] == [("accrual-2026-04", 600)]
    accruals = [e for e in AuditStore(Table()).entries(PRACTICE) if e["action"] == "pto.accrue"]
    assert len(accruals) == 3


def test_the_daily_count_of_leave_waiting_reads_the_pending_index(api, workflow):
    from functions.staff.jobs import handler
    from tests.support import LambdaContext

    for sub in ("fd", "other"):
        api("POST", "/leave-requests", {"kind": "vacation", "unit": "days", "first_day": "2026-03-02",
                                        "last_day": "2026-03-02"}, role="staff", sub=sub)
    assert handler({"job": "count_pending_leave"}, LambdaContext()) == {"practices": 1, "waiting": 2}
