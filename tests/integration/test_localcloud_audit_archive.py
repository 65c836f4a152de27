"""The local cloud's audit archive: the schedule fires as the day passes and writes to moto's Object Lock bucket,
`practice job run archive-audit-trail` then finds the day there, and a restart keeps what was archived (the data
directory holds it), so a rerun after the restart writes nothing either."""

from datetime import timedelta

import boto3

from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from infra.catalog import CATALOG
from localcloud.cloud import LocalCloud

PRACTICE = "practice-archive"
KEY = f"practices/{PRACTICE}/audit/{{day}}/part-1.csv"


def test_an_archived_day_is_kept_across_a_restart_and_not_written_again(tmp_path):
    with LocalCloud(CATALOG, tmp_path) as cloud:
        day = cloud.clock.now().date()
        store = AuditStore(cloud.table())
        for n in range(3):
            store.record(AuditDraft(practice_id=PRACTICE, actor="dr-a", role="practitioner", action="patient.read",
                                    entity="PATIENT", entity_id=f"pat-{n}", request_id=f"r{n}",
                                    at=f"{day.isoformat()}T0{n}:00:00.000Z", subject_patient_id=f"pat-{n}"))
        cloud.advance(timedelta(days=1))  # past 04:15 UTC: the schedule archives the day
        bucket = cloud.resources.audit_archive_bucket
        key = KEY.format(day=day.strftime("%Y/%m/%d"))
        body = boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
        by_hand = cloud.run_job("archive-audit-trail")
    assert body.count(b"\r\n") == 4  # the header and the day's three entries
    assert (by_hand["parts_written"], by_hand["parts_already_archived"]) == (0, 1)

    with LocalCloud(CATALOG, tmp_path) as cloud:
        s3 = boto3.client("s3")
        restored = s3.get_object(Bucket=bucket, Key=key)
        assert restored["Body"].read() == body and restored["Metadata"]["rows"] == "3"
        assert s3.head_object(Bucket=bucket, Key=key)["ObjectLockMode"] == "COMPLIANCE"
        cloud.advance(timedelta(days=1))  # a new cloud's clock starts at today again
        again = cloud.run_job("archive-audit-trail")
    assert (again["parts_written"], again["parts_already_archived"]) == (0, 1)
