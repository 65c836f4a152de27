"""`practice serve` stands in for S3 for certificate uploads: the compliance API presigns against the local
server, a client PUTs the file there over HTTP, the completion finds it, and a restart keeps it."""

import json
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from infra.catalog import CATALOG
from localcloud import tokens
from localcloud.cloud import LocalCloud
from localcloud.server import LocalServer
from localcloud.uploads import PATH, UploadRefused

PRACTICE = "practice-uploads"


def _send(url: str, method: str, body: bytes | None, headers: dict[str, str]) -> tuple[int, dict]:
    request = urllib.request.Request(url, method=method, data=body)  # noqa: S310 - our loopback server
    for name, value in headers.items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own loopback server
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def test_a_certificate_is_put_to_the_local_server_completed_with_and_kept_across_a_restart(tmp_path, monkeypatch):
    from functions.core import container

    with LocalCloud(CATALOG, tmp_path) as cloud:
        server = LocalServer(cloud, port=0).start()
        try:
            monkeypatch.setenv("EVIDENCE_UPLOAD_ENDPOINT", f"{server.url}{PATH}")
            container.reset()
            key = cloud.token_key()

            def api(method, path, body=None, role="coordinator", sub="coord-1"):
                token = tokens.mint(key, role, PRACTICE, sub=sub)
                return _send(f"{server.url}{path}", method, json.dumps(body).encode() if body is not None else None,
                             {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})

            assert api("POST", "/staff", {"user_id": "nurse-1", "name": "Nurse One", "role": "nurse",
                                          "contracted_hours": 30, "location_ids": ["main"]})[0] == 201
            status, programme = api("POST", "/training/programmes", {"title": "BLS", "evidence": "certificate"})
            due = (datetime.now(UTC).date() + timedelta(days=20)).isoformat()
            status, assigned = api("POST", f"/training/programmes/{programme['id']}/assignments",
                                   {"user_ids": ["nurse-1"], "due_on": due})
            assignment = assigned["assigned"][0]["id"]
            status, upload = api("POST", f"/training/assignments/{assignment}/uploads",
                                 {"content_type": "image/png"}, role="staff", sub="nurse-1")
            assert status == 200 and upload["url"].startswith(f"{server.url}{PATH}/")

            form = {"Content-Type": "application/x-www-form-urlencoded"}
            assert _send(upload["url"], "PUT", b"\x89PNG certificate", form)[0] == 400  # not the type signed
            status, stored = _send(upload["url"], "PUT", b"\x89PNG certificate", upload["headers"])
            assert status == 200 and stored["stored"].endswith(upload["upload_id"])
            forged = upload["url"].replace(upload["upload_id"], "0" * 26)
            assert _send(forged.split("?")[0], "PUT", b"x", upload["headers"])[0] == 403  # not presigned

            status, done = api("POST", f"/training/assignments/{assignment}/completion",
                               {"upload_id": upload["upload_id"]}, role="staff", sub="nurse-1")
            assert status == 200 and done["assignment"]["evidence"]["content_type"] == "image/png"
        finally:
            server.stop()
        bucket = cloud.resources.evidence_bucket
    # the next start's moto has an empty bucket: the kept copy is put back (as LocalCloud does when it starts)
    from moto import mock_aws

    from localcloud.uploads import LocalEvidence

    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=bucket)
        assert LocalEvidence(bucket, tmp_path.resolve()).restore() == 1
        head = boto3.client("s3", region_name="us-east-1").head_object(Bucket=bucket, Key=stored["stored"])
        assert (head["ContentLength"], head["ContentType"]) == (len(b"\x89PNG certificate"), "image/png")


def test_an_expired_or_foreign_upload_url_is_refused(tmp_path):
    from localcloud.uploads import LocalEvidence

    evidence = LocalEvidence("practiceflow-evidence", tmp_path)
    key = f"practices/{PRACTICE}/training/A1/{'0' * 26}"
    query = "X-Amz-Date=20260301T120000Z&X-Amz-Expires=900&X-Amz-Signature=abc"
    with pytest.raises(UploadRefused) as expired:
        evidence.accept(f"{PATH}/practiceflow-evidence/{key}", query, "application/pdf", b"x",
                        now=datetime(2026, 3, 1, 12, 16, tzinfo=UTC))
    assert expired.value.status == 403 and expired.value.code == "expired"
    for path in (f"{PATH}/another-bucket/{key}", f"{PATH}/practiceflow-evidence/elsewhere/{'0' * 26}"):
        with pytest.raises(UploadRefused) as foreign:
            evidence.accept(path, query, "application/pdf", b"x", now=datetime(2026, 3, 1, 12, 1, tzinfo=UTC))
        assert foreign.value.status == 404
