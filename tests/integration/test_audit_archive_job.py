"""The daily audit archive on moto: compliance-jobs' `archive_audit_trail` writes yesterday's trail of each practice
to the Object Lock bucket, one object per part at practices/<id>/audit/<yyyy>/<mm>/<dd>/part-<n>.csv, each locked
in compliance mode for six years and verifiable alone by tools/verify_audit_export.py from its head; a rerun neither
writes a second version nor fails."""

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.exceptions import ClientError

from functions.compliance import jobs
from functions.core import clock
from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.table import Table
from tools import verify_audit_export as verifier

NOW = datetime(2026, 3, 4, 4, 15, tzinfo=UTC)


def draft(practice: str, at: str, n: int) -> AuditDraft:
    return AuditDraft(practice_id=practice, actor="dr-a", role="practitioner", action="patient.read",
                      entity="PATIENT", entity_id=f"pat-{n}", request_id=f"r{n}", at=at, subject_patient_id=f"pat-{n}",
                      route="GET /patients/{patient_id}")


@pytest.fixture
def trail(cloud):
    previous = clock.use(clock.FixedClock(NOW))
    store = AuditStore(Table())
    store.record(draft("p1", "2026-03-02T23:59:59.000Z", 0))
    for n in range(1, 6):
        store.record(draft("p1", f"2026-03-03T1{n}:00:00.000Z", n))
    store.record(draft("p2", "2026-03-03T08:00:00.000Z", 9))
    store.record(draft("p1", "2026-03-04T01:00:00.000Z", 6))  # today's: not yet
    yield cloud
    clock.use(previous)


def run(lambda_context, **event) -> dict:
    return jobs.handler({"job": "archive_audit_trail", **event}, lambda_context)


def test_yesterdays_trail_is_archived_per_practice_locked_for_six_years(trail, lambda_context):
    summary = run(lambda_context)
    assert summary == {"practices": 2, "days": ["2026-03-03"], "entries": 6, "parts_written": 2,
                       "parts_already_archived": 0, "parts_differing": 0}
    s3 = boto3.client("s3")
    bucket = trail.audit_archive_bucket
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"])
    assert keys == ["practices/p1/audit/2026/03/03/part-1.csv", "practices/p2/audit/2026/03/03/part-1.csv"]
    for key in keys:
        head = s3.head_object(Bucket=bucket, Key=key)
        assert head["ObjectLockMode"] == "COMPLIANCE"
        held = head["ObjectLockRetainUntilDate"] - datetime.now(UTC)
        assert timedelta(days=6 * 365 - 1) < held < timedelta(days=6 * 366 + 1)
        assert head["ContentType"] == "text/csv; charset=utf-8"
    meta = s3.head_object(Bucket=bucket, Key=keys[0])["Metadata"]
    assert {k: meta[k] for k in ("practice-id", "day", "part", "parts", "rows", "first-seq", "last-seq")} == {
        "practice-id": "p1", "day": "2026-03-03", "part": "1", "parts": "1", "rows": "5", "first-seq": "2",
        "last-seq": "6"}
    assert meta["prev-hash"] == AuditStore(Table()).entry("p1", 1)["hash"]


def test_an_archived_part_verifies_from_its_head_and_an_edited_one_does_not(trail, lambda_context, tmp_path, capsys):
    run(lambda_context)
    s3 = boto3.client("s3")
    key = "practices/p1/audit/2026/03/03/part-1.csv"
    got = s3.get_object(Bucket=trail.audit_archive_bucket, Key=key)
    body = got["Body"].read().decode("utf-8")
    (tmp_path / "part-1.csv").write_text(body, encoding="utf-8", newline="")
    (tmp_path / "part-1.json").write_text(json.dumps(s3.head_object(Bucket=trail.audit_archive_bucket, Key=key),
                                                     default=str))
    files = ["--head", str(tmp_path / "part-1.json"), str(tmp_path / "part-1.csv")]
    assert verifier.main(files) == 0
    assert "5 entries checked: intact" in capsys.readouterr().out
    (tmp_path / "part-1.csv").write_text(body.replace("pat-3", "pat-7"), encoding="utf-8", newline="")
    assert verifier.main(files) == 1
    header, *lines = body.splitlines(keepends=True)
    (tmp_path / "part-1.csv").write_text(header + "".join(lines[:-1]), encoding="utf-8", newline="")
    assert verifier.main(files) == 1
    assert "the archive says 5 rows" in capsys.readouterr().out


def test_a_rerun_writes_no_second_version_and_the_lock_refuses_a_delete(trail, lambda_context):
    run(lambda_context)
    again = run(lambda_context)
    assert (again["parts_written"], again["parts_already_archived"]) == (0, 2)
    s3 = boto3.client("s3")
    bucket = trail.audit_archive_bucket
    versions = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert len(versions) == 2
    with pytest.raises(ClientError) as refused:
        s3.delete_object(Bucket=bucket, Key=versions[0]["Key"], VersionId=versions[0]["VersionId"])
    assert refused.value.response["Error"]["Code"] == "AccessDenied"


def test_a_catch_up_run_archives_the_days_it_names(trail, lambda_context):
    summary = run(lambda_context, day="2026-03-03", days=2)
    assert (summary["days"], summary["parts_written"]) == (["2026-03-02", "2026-03-03"], 3)
    with pytest.raises(ValueError, match="not over"):
        run(lambda_context, day="2026-03-04")
