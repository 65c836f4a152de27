"""Compliance over HTTP against `practice serve`: the coordinator makes a programme and assigns it, the staff
member sees it, uploads a certificate through the presigned URL (the server stands in for S3) and completes it;
a policy is published and acknowledged; a certification is added; a run now puts it on the board beside the
demo's lapsing licence and lapsed CPR certification."""

import json
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest

from localcloud import tokens
from localcloud.store import DataDir
from tests.e2e.test_serve import Server, request

pytestmark = pytest.mark.e2e


def put_file(url: str, headers: dict[str, str], body: bytes) -> int:
    upload = urllib.request.Request(url, method="PUT", data=body, headers=headers)  # noqa: S310 - loopback server
    with urllib.request.urlopen(upload, timeout=10) as response:  # noqa: S310 - loopback test server
        return response.status


def test_training_a_policy_and_a_certification_reach_the_compliance_board_over_http(demo_data):
    data_dir = demo_data
    server = Server(data_dir, "compliance")
    try:
        server.wait_until_healthy()
        key = DataDir(data_dir).token_signing_key()
        coordinator, member = tokens.mint(key, "coordinator", "demo"), tokens.mint(key, "staff", "demo")
        url, today = server.url, datetime.now(UTC).date()
        status, seeded = request(f"{url}/compliance/board", token=coordinator)  # the demo's first run
        assert status == 200 and seeded["open"] == 2 and seeded["by_severity"]["high"] == 1, seeded

        # training: assigned by the coordinator, completed by the member with an uploaded certificate
        status, programme = request(f"{url}/training/programmes", "POST", {
            "title": "Fire safety", "category": "fire_safety", "evidence": "certificate"}, token=coordinator)
        assert status == 201, programme
        status, assigned = request(f"{url}/training/programmes/{programme['id']}/assignments", "POST", {
            "user_ids": ["local-staff"], "due_on": (today + timedelta(days=7)).isoformat()}, token=coordinator)
        assert status == 200 and [a["user_id"] for a in assigned["assigned"]] == ["local-staff"], assigned
        assignment = assigned["assigned"][0]["id"]
        status, mine = request(f"{url}/training/assignments", token=member)
        assert status == 200 and assignment in {a["id"] for a in mine["assignments"]}, mine
        status, upload = request(f"{url}/training/assignments/{assignment}/uploads", "POST",
                                 {"content_type": "application/pdf"}, token=member)
        assert status == 200 and upload["url"].startswith(f"{url}/_local/s3/"), upload
        assert put_file(upload["url"], upload["headers"], b"%PDF-1.7 fire safety certificate") == 200
        status, done = request(f"{url}/training/assignments/{assignment}/completion", "POST",
                               {"upload_id": upload["upload_id"]}, token=member)
        assert status == 200 and done["assignment"]["status"] == "completed", done
        assert done["assignment"]["evidence"]["kind"] == "certificate"

        # a policy published to the member and acknowledged by them
        status, policy = request(f"{url}/policies", "POST", {"title": "Visitor sign-in"}, token=coordinator)
        assert status == 201, policy
        status, published = request(f"{url}/policies/{policy['id']}/versions", "POST", {
            "text": "Every visitor signs in at the front desk.", "signers": {"user_ids": ["local-staff"]},
            "days_to_sign": 7}, token=coordinator)
        assert status == 200, published
        status, signed = request(f"{url}/policies/{policy['id']}/acknowledgements", "POST", {"number": 1},
                                 token=member)
        assert status == 200 and signed["number"] == 1, signed
        status, tracking = request(f"{url}/policies/{policy['id']}/acknowledgements", token=coordinator)
        assert status == 200 and "local-staff" in str(tracking), tracking

        # a certification that lapsed yesterday, then the run now
        status, lapsed = request(f"{url}/certifications", "POST", {
            "holder_id": "local-staff", "kind": "certification", "name": "First aid", "number": "FA-2210",
            "issuing_body": "American Red Cross", "expires_on": (today - timedelta(days=1)).isoformat()},
            token=coordinator)
        assert status == 201, lapsed
        status, run = request(f"{url}/compliance/runs", "POST", {}, token=coordinator)
        assert status == 200 and run["failed"] == 0, run
        status, board = request(f"{url}/compliance/board", token=coordinator)
        assert status == 200, board
        status, listed = request(f"{url}/compliance/findings?check=licence_expiry", token=coordinator)
        found = {f["link"]: (f["severity"], f["owner"]) for f in listed["findings"]}
        demo_licence, demo_cpr = json.loads((data_dir / "demo.json").read_text())["certifications"]
        assert found == {f"/certifications/{lapsed['id']}": ("high", "user:local-staff"),
                         f"/certifications/{demo_licence}": ("medium", "user:local-practitioner"),
                         f"/certifications/{demo_cpr}": ("high", "user:local-front_desk")}
        assert board["open"] >= 3 and board["by_severity"]["high"] >= 2
        assert {"owner": "user:local-staff", "open": 1} in board["by_owner"]
        assert not any(f["check"] in ("training_overdue", "policy_unsigned") for f in
                       request(f"{url}/compliance/findings", token=coordinator)[1]["findings"])
        assert server.stop() == 0
    finally:
        server.kill()

