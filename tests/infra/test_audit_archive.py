"""The audit archive: Object Lock in compliance mode for six years, encrypted with the data key, versioned, TLS
only, never public, logged beside the evidence bucket, retained; a part is written once (If-None-Match), and only
compliance-jobs may write it, only objects under practices/, reading back no more than a head needs."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Match

from infra.catalog import CATALOG, Access
from tests.infra.conftest import as_list, ref_id
from tests.infra.test_template import allowed, data_target, function_ids, role_statements

pytestmark = pytest.mark.xdist_group("infra")

ARCHIVE_OBJECTS = "arn:<AWS::Partition>:s3:::practiceflow-test-audit-archive-<AWS::AccountId>-*/practices/*"


def _archive(synthesized) -> tuple[str, dict]:
    buckets = synthesized.resources("Data", "AWS::S3::Bucket")
    (found,) = [(i, b) for i, b in buckets.items() if "ObjectLockConfiguration" in b["Properties"]]
    return found


def test_every_archived_object_is_locked_in_compliance_mode_for_six_years(synthesized):
    _, archive = _archive(synthesized)
    properties = archive["Properties"]
    assert properties["ObjectLockEnabled"] is True
    assert properties["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 6}}}
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert archive["DeletionPolicy"] == "Retain" and archive["UpdateReplacePolicy"] == "Retain"
    (rule,) = properties["LifecycleConfiguration"]["Rules"]
    assert rule["ExpirationInDays"] == 10 * 365 > 6 * 366  # past the lock: the records' horizon


def test_the_archive_is_encrypted_with_the_data_key_private_and_logged(synthesized):
    archive_id, archive = _archive(synthesized)
    properties = archive["Properties"]
    (key_id,) = synthesized.resources("Data", "AWS::KMS::Key")
    (rule,) = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms",
                                                     "KMSMasterKeyID": {"Fn::GetAtt": [key_id, "Arn"]}}
    assert rule["BucketKeyEnabled"] is True
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    logging = properties["LoggingConfiguration"]
    assert logging["LogFilePrefix"] == "audit-archive/"
    buckets = synthesized.resources("Data", "AWS::S3::Bucket")
    evidence_logs = ref_id(logging["DestinationBucketName"])
    assert buckets[evidence_logs]["Properties"]["LifecycleConfiguration"]["Rules"][0]["Id"] == "KeepAccessLogsSixYears"
    name = properties["BucketName"]["Fn::Join"][1][0]
    assert name == {"Fn::Join": ["", ["practiceflow-test-audit-archive-", {"Ref": "AWS::AccountId"}]]}
    data = synthesized.template("Data")
    data.has_resource_properties("AWS::S3::BucketPolicy", {
        "Bucket": {"Ref": evidence_logs},
        "PolicyDocument": Match.object_like({"Statement": Match.array_with([Match.object_like({
            "Sid": "S3ServerAccessLogsOfTheAuditArchive", "Effect": "Allow",
            "Condition": Match.object_like({"ArnLike": {"aws:SourceArn": {"Fn::GetAtt": [archive_id, "Arn"]}}})})])}),
    })


def test_the_archive_refuses_requests_without_tls_and_a_put_that_could_overwrite(synthesized):
    archive_id, _ = _archive(synthesized)
    (policy,) = [p for p in synthesized.resources("Data", "AWS::S3::BucketPolicy").values()
                 if p["Properties"]["Bucket"] == {"Ref": archive_id}]
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    assert any(s["Effect"] == "Deny" and s["Action"] == "s3:*" and s["Condition"] == {
        "Bool": {"aws:SecureTransport": "false"}} for s in statements)
    (once,) = [s for s in statements if s.get("Sid") == "ArchivedPartsAreWrittenOnce"]
    assert (once["Effect"], once["Action"], once["Principal"]) == ("Deny", "s3:PutObject", {"AWS": "*"})
    assert once["Condition"] == {"Null": {"s3:if-none-match": "true"}}


def test_only_compliance_jobs_writes_the_archive_and_only_the_practices_objects(synthesized):
    with_access = {f.name for f in CATALOG.functions if Access.AUDIT_ARCHIVE in f.access}
    assert with_access == {"compliance-jobs"}
    for spec in CATALOG.functions:
        held = allowed(synthesized, spec.name)
        on_archive = {a: held[a] for a in held if a.startswith("s3:") and any("-audit-archive-" in r for r in held[a])}
        if spec.name in with_access:
            assert on_archive == {"s3:PutObject": {ARCHIVE_OBJECTS}, "s3:GetObject": {ARCHIVE_OBJECTS}}
            assert {a for a in held if a.startswith("s3:")} == {"s3:PutObject", "s3:GetObject"}
        else:
            assert on_archive == {}, spec.name
    statements = role_statements(synthesized, function_ids(synthesized)["compliance-jobs"])
    (parts,) = [s for s in statements if s.get("Sid") == "AuditArchiveObjects"]
    assert parts["Condition"] == {"StringEquals": {"s3:ResourceAccount": {"Ref": "AWS::AccountId"}}}
    (key,) = [s for s in statements if s.get("Sid") == "AuditArchiveKey"]
    assert sorted(as_list(key["Action"])) == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert {data_target(synthesized, r) for r in as_list(key["Resource"])} == {"data-key"}
    assert key["Condition"]["StringEquals"]["kms:ViaService"]


def test_the_archive_runs_daily_after_the_chain_verification_with_its_bucket(synthesized):
    archive = CATALOG.schedule("archive-audit-trail")
    verify = CATALOG.schedule("verify-audit-chains")
    assert (archive.target.function, archive.input["job"]) == ("compliance-jobs", "archive_audit_trail")
    hour = lambda expression: tuple(int(x) for x in expression.removeprefix("cron(").split()[1::-1])  # noqa: E731
    assert hour(archive.expression) > hour(verify.expression)
    function = synthesized.templates["Service"]["Resources"][function_ids(synthesized)["compliance-jobs"]]
    assert "AUDIT_ARCHIVE_BUCKET" in function["Properties"]["Environment"]["Variables"]
