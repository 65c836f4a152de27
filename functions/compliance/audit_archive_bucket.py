"""The AuditArchive port over the audit archive bucket (S3, Object Lock in compliance mode, the bucket's default
retention on every object): one object per practice, day and part at practices/<practice>/audit/<yyyy>/<mm>/<dd>/
part-<n>.csv, the chain's ends in its metadata. A part is put only where none is (If-None-Match: *, S3 checks
before it writes, so two runs cannot both write it); where one is, a HeadObject reads the ends it holds."""

from datetime import date
from functools import cached_property

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from functions.compliance.ports.audit import ArchivePart, ChainEnds
from functions.core.keys import segment
from functions.core.settings import SettingsError, settings

CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=10)
CONTENT_TYPE = "text/csv; charset=utf-8"
# S3 answers 412 when an object is at the key, 409 while another request is writing it
ALREADY_THERE = frozenset({"PreconditionFailed", "412", "ConditionalRequestConflict", "409"})


def object_key(practice_id: str, day: date, number: int) -> str:
    return (f"practices/{segment(practice_id, 'practice id')}/audit/{day.year:04d}/{day.month:02d}/{day.day:02d}/"
            f"part-{number}.csv")


def metadata(part: ArchivePart) -> dict[str, str]:
    """What an object says of itself (x-amz-meta-*): enough to verify it alone and to find its neighbours."""
    return {"practice-id": part.practice_id, "day": part.day.isoformat(), "part": str(part.number),
            "parts": str(part.parts), "rows": str(part.rows), "first-seq": str(part.ends.first_seq),
            "last-seq": str(part.ends.last_seq), "prev-hash": part.ends.prev_hash,
            "last-hash": part.ends.last_hash}


class S3AuditArchive:
    def __init__(self, bucket: str | None = None) -> None:
        self.bucket = bucket or settings().audit_archive_bucket
        if not self.bucket:
            raise SettingsError("invalid or missing environment: AUDIT_ARCHIVE_BUCKET")

    @cached_property
    def s3(self):
        return boto3.client("s3", config=CONFIG)

    def keep(self, part: ArchivePart) -> ChainEnds | None:
        """PutObject If-None-Match: * of the part's key (a SHA-256 checksum: Object Lock refuses a put without
        one); on 412 or 409, HeadObject of the key: the ends in its metadata."""
        key = object_key(part.practice_id, part.day, part.number)
        try:
            self.s3.put_object(Bucket=self.bucket, Key=key, Body=part.text.encode("utf-8"), ContentType=CONTENT_TYPE,
                               Metadata=metadata(part), ChecksumAlgorithm="SHA256", IfNoneMatch="*")
            return None
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in ALREADY_THERE:
                raise
        there = self.s3.head_object(Bucket=self.bucket, Key=key).get("Metadata", {})
        try:
            return ChainEnds(first_seq=int(there["first-seq"]), last_seq=int(there["last-seq"]),
                             prev_hash=there["prev-hash"], last_hash=there["last-hash"])
        except (KeyError, ValueError):  # an object not written by this adapter: it differs from any part
            return ChainEnds(first_seq=0, last_seq=-1, prev_hash="", last_hash="")
