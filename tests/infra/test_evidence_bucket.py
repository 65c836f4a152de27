"""The evidence bucket (training certificates): encrypted with the data key, TLS only, never public, versioned,
logged, tidied by lifecycle rules; only the compliance API may presign or read it, and only its objects."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Match

from infra.catalog import CATALOG, Access
from tests.infra.conftest import as_list, ref_id
from tests.infra.test_template import allowed, data_target, function_ids

pytestmark = pytest.mark.xdist_group("infra")


def _buckets(synthesized) -> tuple[str, dict, dict]:
    """(evidence logical id, evidence bucket, its access-log bucket)."""
    buckets = synthesized.resources("Data", "AWS::S3::Bucket")
    # the audit archive logs to the same bucket, under its own prefix (tests/infra/test_audit_archive.py)
    (evidence_id,) = [i for i, b in buckets.items()
                      if b["Properties"].get("LoggingConfiguration", {}).get("LogFilePrefix") == "evidence/"]
    logs_id = ref_id(buckets[evidence_id]["Properties"]["LoggingConfiguration"]["DestinationBucketName"])
    return evidence_id, buckets[evidence_id], buckets[logs_id]


def test_the_evidence_bucket_is_kms_encrypted_with_the_data_key_versioned_logged_and_retained(synthesized):
    _, evidence, logs = _buckets(synthesized)
    (key_id,) = synthesized.resources("Data", "AWS::KMS::Key")
    properties = evidence["Properties"]
    (rule,) = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms",
                                                     "KMSMasterKeyID": {"Fn::GetAtt": [key_id, "Arn"]}}
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert evidence["DeletionPolicy"] == "Retain"
    (lifecycle,) = properties["LifecycleConfiguration"]["Rules"]
    assert lifecycle["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    assert lifecycle["NoncurrentVersionExpiration"]["NoncurrentDays"] == 90
    assert logs["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
        "ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}


def test_the_evidence_bucket_and_its_logs_block_all_public_access(synthesized):
    _, evidence, logs = _buckets(synthesized)
    for bucket in (evidence, logs):
        assert bucket["Properties"]["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}


def test_the_evidence_bucket_refuses_requests_without_tls(synthesized):
    evidence_id, _, _ = _buckets(synthesized)
    data = synthesized.template("Data")
    data.has_resource_properties("AWS::S3::BucketPolicy", {
        "Bucket": {"Ref": evidence_id},
        "PolicyDocument": Match.object_like({"Statement": Match.array_with([Match.object_like({
            "Effect": "Deny", "Action": "s3:*", "Principal": {"AWS": "*"},
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}})])}),
    })


def test_only_the_compliance_api_reaches_the_evidence_and_only_the_practices_objects(synthesized):
    with_access = {f.name for f in CATALOG.functions if Access.EVIDENCE_FILES in f.access}
    assert with_access == {"compliance-api"}
    for spec in CATALOG.functions:
        held = allowed(synthesized, spec.name)
        s3_actions = {a for a in held if a.startswith("s3:")}
        if spec.name in with_access:
            assert s3_actions == {"s3:PutObject", "s3:GetObject"}
            assert held["s3:PutObject"] == held["s3:GetObject"] == {
                "arn:<AWS::Partition>:s3:::practiceflow-test-evidence-<AWS::AccountId>-*/practices/*"}
        else:
            evidence = {a for a in s3_actions if any("-evidence-" in r for r in held[a])}
            assert evidence == set(), spec.name


def test_the_compliance_api_uses_the_data_key_for_evidence_only_through_s3(synthesized):
    from tests.infra.test_template import role_statements

    statements = role_statements(synthesized, function_ids(synthesized)["compliance-api"])
    (key_statement,) = [s for s in statements if s.get("Sid") == "EvidenceKey"]
    assert {data_target(synthesized, r) for r in as_list(key_statement["Resource"])} == {"data-key"}
    assert key_statement["Condition"]["StringEquals"]["kms:ViaService"]
