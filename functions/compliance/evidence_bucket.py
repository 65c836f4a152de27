"""The EvidenceStore port over the encrypted S3 evidence bucket: presigned PUTs for certificates, and a HeadObject
to check one is there before a completion is accepted. Objects live under practices/<practice>/training/
<assignment>/<upload id>, so an upload id names a file of that assignment only."""

from functools import cached_property

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from functions.compliance.ports.training import StoredFile, UploadTicket
from functions.core.keys import segment
from functions.core.settings import SettingsError, settings

EXPIRES_IN_S = 900  # a quarter of an hour to send the file
CONFIG = Config(signature_version="s3v4", s3={"addressing_style": "path"},
                retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)


def object_key(practice_id: str, assignment_id: str, upload_id: str) -> str:
    return (f"practices/{segment(practice_id, 'practice id')}/training/{segment(assignment_id, 'assignment id')}/"
            f"{segment(upload_id, 'upload id')}")


class S3EvidenceStore:
    def __init__(self, bucket: str | None = None, upload_endpoint: str | None = None) -> None:
        self.bucket = bucket or settings().evidence_bucket
        if not self.bucket:
            raise SettingsError("invalid or missing environment: EVIDENCE_BUCKET")
        self.upload_endpoint = upload_endpoint if upload_endpoint is not None else settings().evidence_upload_endpoint

    @cached_property
    def s3(self):
        return boto3.client("s3", config=CONFIG)

    @cached_property
    def presigner(self):
        """Signs for where clients send the file: S3 itself, or (locally) the local server that stands in for it."""
        if self.upload_endpoint:
            return boto3.client("s3", config=CONFIG, endpoint_url=self.upload_endpoint)
        return self.s3

    def upload_ticket(self, practice_id: str, assignment_id: str, upload_id: str,
                      content_type: str) -> UploadTicket:
        """A presigned PutObject of practices/<practice>/training/<assignment>/<upload>, Content-Type signed."""
        url = self.presigner.generate_presigned_url(
            "put_object", ExpiresIn=EXPIRES_IN_S,
            Params={"Bucket": self.bucket, "Key": object_key(practice_id, assignment_id, upload_id),
                    "ContentType": content_type})
        return UploadTicket(url=url, headers={"Content-Type": content_type}, expires_in_s=EXPIRES_IN_S)

    def stored(self, practice_id: str, assignment_id: str, upload_id: str) -> StoredFile | None:
        """HeadObject of the upload's key: its type and size, None when nothing was uploaded there."""
        try:
            head = self.s3.head_object(Bucket=self.bucket, Key=object_key(practice_id, assignment_id, upload_id))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return StoredFile(content_type=head.get("ContentType", "application/octet-stream"),
                          size=int(head.get("ContentLength", 0)))
