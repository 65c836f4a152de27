"""Training and policies through the compliance API's Lambda handler on moto: a certificate uploaded with the
presigned URL and the assignment completed with it, the manager's view, policy versions and acknowledgement,
bad input a clear 4xx that changes nothing, two completions (or acknowledgements) at once counted once, the
reminder job and the two checks."""

import json
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from functions.core import clock
from tests.support import api_event, claims, race, response_headers

PRACTICE = "practice-training"
TODAY = clock.now().date()
DUE = (TODAY + timedelta(days=30)).isoformat()


@pytest.fixture
def api(cloud, lambda_context):
    from functions.compliance.handler import handler as compliance
    from functions.staff.handler import handler as staff

    def call(method, path, body=None, role="coordinator", sub="coord-1", query=None, headers=None):
        target = staff if path.startswith("/staff") else compliance
        event = api_event(method, path, body=body, claims=claims(role=role, practice=PRACTICE, sub=sub),
                          query=query, headers=headers)
        response = target(event, lambda_context)
        return response["statusCode"], json.loads(response["body"]) if response.get("body") else None, \
            response_headers(response)

    for user_id, role, manager in (("coord-1", "coordinator", None), ("manager-1", "manager", None),
                                   ("nurse-1", "nurse", "manager-1"), ("nurse-2", "nurse", "manager-1"),
                                   ("desk-1", "front_desk", "coord-1")):
        body = {"user_id": user_id, "name": f"Member {user_id}", "role": role, "contracted_hours": 40,
                "location_ids": ["main"], **({"manager_id": manager} if manager else {})}
        assert call("POST", "/staff", body)[0] == 201
    return call


def _assigned(api, **programme) -> tuple[str, dict[str, str]]:
    status, created, headers = api("POST", "/training/programmes", {"title": "Infection control", **programme})
    assert status == 201 and headers["location"].endswith(f"/training/programmes/{created['id']}")
    status, result, _ = api("POST", f"/training/programmes/{created['id']}/assignments",
                            {"roles": ["nurse"], "due_on": DUE})
    assert status == 200
    return created["id"], {a["user_id"]: a["id"] for a in result["assigned"]}


def test_a_certificate_is_uploaded_with_the_presigned_url_and_the_assignment_completed_with_it(api, cloud):
    programme_id, assignments = _assigned(api, evidence="certificate", recurrence="annual")
    mine = assignments["nurse-1"]
    status, upload, _ = api("POST", f"/training/assignments/{mine}/uploads", {"content_type": "application/pdf"},
                            role="staff", sub="nurse-1")
    assert status == 200 and upload["method"] == "PUT" and upload["headers"] == {"Content-Type": "application/pdf"}
    url = urlsplit(upload["url"])
    signed = parse_qs(url.query)
    assert "X-Amz-Signature" in signed and signed["X-Amz-Expires"] == ["900"]
    assert "content-type" in signed["X-Amz-SignedHeaders"][0]
    bucket, _, key = url.path.strip("/").partition("/")
    assert bucket == cloud.evidence_bucket
    assert key == f"practices/{PRACTICE}/training/{mine}/{upload['upload_id']}"

    status, body, _ = api("POST", f"/training/assignments/{mine}/completion", {"upload_id": upload["upload_id"]},
                          role="staff", sub="nurse-1")
    assert (status, body["error"]["code"]) == (422, "certificate_missing")
    # the client sends the file where the URL says (here straight into moto's S3)
    boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=b"%PDF-1.7 certificate", ContentType="application/pdf")
    status, done, _ = api("POST", f"/training/assignments/{mine}/completion", {"upload_id": upload["upload_id"]},
                          role="staff", sub="nurse-1")
    assert status == 200 and done["assignment"]["status"] == "completed"
    assert done["assignment"]["evidence"] == {"kind": "certificate", "note": None, "score": None,
                                              "upload_id": upload["upload_id"], "content_type": "application/pdf",
                                              "bytes": 20}
    assert done["next_assignment"]["due_on"] == (date(TODAY.year + 1, TODAY.month, min(TODAY.day, 28))
                                                 if (TODAY.month, TODAY.day) == (2, 29) else
                                                 TODAY.replace(year=TODAY.year + 1)).isoformat()
    status, again, _ = api("POST", f"/training/assignments/{mine}/completion", {"upload_id": upload["upload_id"]},
                           role="staff", sub="nurse-1")
    assert (status, again["error"]["code"]) == (409, "already_completed")
    status, listed, _ = api("GET", "/training/assignments", role="staff", sub="nurse-1")
    assert [(a["id"] == mine, a["status"]) for a in listed["assignments"]] == [(True, "completed"), (False, "open")]


def test_a_manager_sees_their_reports_and_a_member_only_their_own(api):
    _, assignments = _assigned(api)
    status, team, _ = api("GET", "/training/team", role="staff", sub="manager-1")
    assert status == 200 and [m["user_id"] for m in team["members"]] == ["nurse-1", "nurse-2"]
    assert all(len(m["assignments"]) == 1 for m in team["members"])
    assert api("GET", "/training/assignments", role="staff", sub="manager-1", query={"user_id": "nurse-2"})[0] == 200
    assert api("GET", "/training/assignments", role="staff", sub="manager-1", query={"user_id": "desk-1"})[0] == 403
    assert api("GET", f"/training/assignments/{assignments['nurse-2']}", role="staff", sub="nurse-1")[0] == 403
    status, read, headers = api("GET", f"/training/assignments/{assignments['nurse-1']}", role="staff", sub="nurse-1")
    assert status == 200 and headers["etag"] == '"1"' and read["user_id"] == "nurse-1"
    assert api("GET", "/training/team", role="patient", sub="pat-1")[0] == 403


def test_bad_input_is_a_clear_4xx_and_changes_nothing(api):
    programme_id, assignments = _assigned(api, evidence="score", pass_mark=80)
    mine = assignments["nurse-1"]
    for body, status, code in (({"score": 79}, 422, "below_pass_mark"), ({"score": 101}, 422, None),
                               ({"score": 90, "extra": 1}, 422, None), ({"note": "x"}, 422, "evidence_required"),
                               ({"score": 90, "upload_id": "not-an-upload"}, 422, None)):
        answered, error, _ = api("POST", f"/training/assignments/{mine}/completion", body, role="staff",
                                 sub="nurse-1")
        assert answered == status and set(error) == {"error"}, body
        assert code is None or error["error"]["code"] == code
    assert api("POST", "/training/assignments/01HZZZZZZZZZZZZZZZZZZZZZZZ/completion", {"score": 90},
               role="staff", sub="nurse-1")[0] == 404
    assert api("POST", f"/training/programmes/{programme_id}/assignments", {"roles": ["surgeon"], "due_on": DUE}
               )[0] == 422
    assert api("POST", f"/training/programmes/{programme_id}/assignments",
               {"user_ids": ["stranger"], "due_on": DUE})[0] == 422
    assert api("POST", "/training/programmes", {"title": "No mark", "evidence": "score"})[0] == 422
    assert api("PATCH", f"/training/programmes/{programme_id}", {"active": False})[0] == 428
    status, read, _ = api("GET", f"/training/assignments/{mine}", role="staff", sub="nurse-1")
    assert (read["status"], read["version"]) == ("open", 1)
    assert len(api("GET", f"/training/programmes/{programme_id}/assignments")[1]["assignments"]) == 2


def test_policies_are_published_acknowledged_once_for_the_current_version_and_tracked(api):
    status, policy, headers = api("POST", "/policies", {"title": "Acceptable use"}, role="privacy_officer",
                                  sub="po-1")
    assert status == 201 and headers["location"].endswith(f"/policies/{policy['id']}")
    status, published, _ = api("POST", f"/policies/{policy['id']}/versions",
                               {"text": "Lock your screen.", "signers": {"roles": ["nurse"]}, "days_to_sign": 7})
    assert status == 200 and published["signers"] == 2 and published["version"]["number"] == 1
    assert api("POST", f"/policies/{policy['id']}/versions", {"text": "x", "signers": {}})[0] == 422
    assert api("POST", f"/policies/{policy['id']}/acknowledgements", {"number": 2}, role="staff",
               sub="nurse-1")[1]["error"]["code"] == "not_current_version"
    status, signed, _ = api("POST", f"/policies/{policy['id']}/acknowledgements", {"number": 1}, role="staff",
                            sub="nurse-1")
    assert status == 200 and signed["status"] == "signed"
    assert api("POST", f"/policies/{policy['id']}/acknowledgements", {"number": 1}, role="staff",
               sub="nurse-1")[0] == 409
    status, tracking, _ = api("GET", f"/policies/{policy['id']}/acknowledgements")
    assert status == 200 and [r["user_id"] for r in tracking["signed"]] == ["nurse-1"]
    assert [r["user_id"] for r in tracking["unsigned"]] == ["nurse-2"]
    assert api("GET", f"/policies/{policy['id']}/acknowledgements", role="staff", sub="nurse-1")[0] == 403
    assert api("GET", f"/policies/{policy['id']}/acknowledgements/nurse-1", role="staff",
               sub="nurse-1")[1]["status"] == "signed"
    assert api("GET", f"/policies/{policy['id']}")[1]["current"]["text"] == "Lock your screen."


def test_two_completions_of_one_assignment_at_once_count_once(api):
    from functions.compliance.evidence_bucket import S3EvidenceStore
    from functions.compliance.models.training import CompletionIn
    from functions.compliance.staff_directory import StaffAreaDirectory
    from functions.compliance.training_records import TrainingRecords
    from functions.core.audit_store import AuditStore
    from functions.core.auth import Caller, Role
    from functions.core.errors import Conflict
    from functions.core.table import Table

    _, assignments = _assigned(api)
    mine = assignments["nurse-1"]

    def records():
        audit = AuditStore(Table())
        from functions.compliance.dynamo.training import DynamoAssignmentBook

        return TrainingRecords(DynamoAssignmentBook(Table(), audit), S3EvidenceStore(),
                               StaffAreaDirectory(Table(), audit), audit, clock.now)

    nurse = Caller(user_id="nurse-1", practice_id=PRACTICE, roles=frozenset({Role.STAFF}), request_id="race")
    results, errors = race(records, lambda service, i: service.complete(nurse, mine, CompletionIn()), 4)
    assert len(results) == 1 and len(errors) == 3 and all(isinstance(e, Conflict) for e in errors)
    completions = [e for e in api("GET", "/training/assignments", role="staff", sub="nurse-1")[1]["assignments"]
                   if e["status"] == "completed"]
    assert len(completions) == 1


def test_two_acknowledgements_at_once_count_once(api):
    from functions.compliance.dynamo.policies import DynamoAcknowledgementBook, DynamoPolicyBook
    from functions.compliance.models.policies import AcknowledgementIn
    from functions.compliance.policies import Policies
    from functions.compliance.staff_directory import StaffAreaDirectory
    from functions.core.audit_store import AuditStore
    from functions.core.auth import Caller, Role
    from functions.core.table import Table

    policy = api("POST", "/policies", {"title": "Privacy"})[1]
    api("POST", f"/policies/{policy['id']}/versions", {"text": "Speak softly.", "signers": {"user_ids": ["nurse-2"]}})

    def policies():
        audit = AuditStore(Table())
        return Policies(DynamoPolicyBook(Table(), audit), DynamoAcknowledgementBook(Table(), audit),
                        StaffAreaDirectory(Table(), audit), audit, clock.now)

    nurse = Caller(user_id="nurse-2", practice_id=PRACTICE, roles=frozenset({Role.STAFF}), request_id="race")
    results, errors = race(policies, lambda service, i: service.acknowledge(nurse, policy["id"],
                                                                            AcknowledgementIn(number=1)), 4)
    assert len(results) == 1 and len(errors) == 3
    audit_entries = [e for e in AuditStore(Table()).entries(PRACTICE) if e["action"] == "compliance.policy.acknowledge"]
    assert len(audit_entries) == 1


def test_the_reminder_job_sends_each_stage_once_and_the_checks_raise_overdue_training(api, lambda_context):
    from functions.compliance import jobs, wiring

    status, created, _ = api("POST", "/training/programmes", {"title": "Fire safety"})
    api("POST", f"/training/programmes/{created['id']}/assignments",
        {"user_ids": ["desk-1"], "due_on": (TODAY + timedelta(days=2)).isoformat()})
    policy = api("POST", "/policies", {"title": "Privacy"})[1]
    api("POST", f"/policies/{policy['id']}/versions", {"text": "Speak softly.", "signers": {"user_ids": ["nurse-2"]},
                                                       "days_to_sign": 1})
    first = jobs.handler({"job": "remind_training"}, lambda_context)
    assert (first["training"], first["policies"]) == (1, 1)
    assert jobs.handler({"job": "remind_training"}, lambda_context)["training"] == 0
    training_overdue, policy_unsigned = wiring.compliance_checks_training()
    later = TODAY + timedelta(days=3)
    raised = list(training_overdue.find(PRACTICE, later))
    assert [(r.check, r.owner) for r in raised] == [("training_overdue", "user:desk-1")]
    assert [(r.check, r.owner) for r in policy_unsigned.find(PRACTICE, later)] == [("policy_unsigned", "user:nurse-2")]
