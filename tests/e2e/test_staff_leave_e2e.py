"""A leave request over HTTP against `practice serve`: the seeded front-desk member asks for two days, the
approval workflow runs on the local cloud and waits for their manager, the manager approves over HTTP, and
the hours leave the member's PTO ledger."""

import time
from datetime import date, timedelta

import pytest

from tests.e2e.test_serve import Server, practice, request

pytestmark = pytest.mark.e2e


def until(read, done, timeout_s: float = 30.0):
    deadline = time.monotonic() + timeout_s
    while True:
        found = read()
        if done(found) or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_a_leave_request_is_approved_by_the_manager_over_http(demo_data):
    data_dir = demo_data
    server = Server(data_dir, "leave")
    try:
        server.wait_until_healthy()
        member = practice("token", "--role", "front_desk", "--practice", "demo", data_dir=data_dir).stdout.strip()
        manager = practice("token", "--role", "coordinator", "--practice", "demo", data_dir=data_dir).stdout.strip()
        status, me = request(f"{server.url}/staff/me", token=member)
        assert status == 200 and me["manager_id"] == "local-coordinator"

        monday = date.today() + timedelta(days=14 - date.today().weekday())
        status, leave = request(f"{server.url}/leave-requests", "POST", {
            "kind": "vacation", "unit": "days", "first_day": str(monday), "last_day": str(monday + timedelta(1))},
            token=member)
        assert status == 201 and leave["status"] == "pending", leave
        assert request(f"{server.url}/leave-requests/{leave['id']}/approve", "POST", {}, token=member)[0] == 403

        url = f"{server.url}/leave-requests/{leave['id']}"
        asked = until(lambda: request(url, token=member)[1], lambda body: body.get("assessment") is not None)
        assert asked["assessment"]["short_minutes"] == 16 * 60  # no PTO accrued yet: the manager decides

        status, decided = request(f"{url}/approve", "POST", {"reason": "enjoy"}, token=manager)
        assert status == 200 and decided["decision"] == "approve", decided
        approved = until(lambda: request(url, token=member)[1], lambda body: body["status"] == "approved")
        assert approved["status"] == "approved", approved.get("reason")

        status, pto = request(f"{server.url}/pto/local-front_desk", token=member)
        assert status == 200 and [e["kind"] for e in pto["entries"]] == ["taken"] and pto["balance_hours"] == -16
        assert server.stop() == 0
    finally:
        server.kill()
