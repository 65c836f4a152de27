"""The evidence bucket, locally: `practice serve` stands in for S3 for presigned uploads.

On AWS a client PUTs a training certificate straight to S3 with the presigned URL the compliance API hands out.
Locally the functions presign against the server's own address (EVIDENCE_UPLOAD_ENDPOINT, set by `practice
serve` to <server>/_local/s3), so the same client code works: the server checks the URL's bucket, key and expiry,
writes the object into moto's S3, where the compliance API's HeadObject finds it, and keeps a copy in the data
directory, which the next start puts back (moto's S3 lives in memory only). Like every /_local/ endpoint it
answers loopback callers only; it does not re-check the signature (moto accepts any)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs

import boto3

from functions.compliance.models.training import CERTIFICATE_TYPES
from localcloud.provision import REGION

PATH = "/_local/s3"
_KEY = re.compile(r"^practices/[A-Za-z0-9_-]{1,64}/training/[A-Za-z0-9_-]{1,64}/[A-Za-z0-9]{26}$")


class UploadRefused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class LocalEvidence:
    def __init__(self, bucket: str, data_dir: Path) -> None:
        self.bucket = bucket
        self.directory = data_dir / "evidence"

    def accept(self, path: str, query: str, content_type: str | None, body: bytes,
               now: datetime | None = None) -> str:
        """Store one presigned PUT (`path` below /_local/s3/); the object's key."""
        bucket, _, key = path.removeprefix(PATH).strip("/").partition("/")
        if bucket != self.bucket or not _KEY.fullmatch(key):
            raise UploadRefused(404, "no_such_upload", "not an upload URL the compliance API handed out")
        params = {name: values[0] for name, values in parse_qs(query).items()}
        try:
            signed_at = datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            expires = timedelta(seconds=int(params["X-Amz-Expires"]))
        except (KeyError, ValueError):
            raise UploadRefused(403, "not_presigned", "the URL carries no presigned signature") from None
        # presigned URLs are dated by the real clock (botocore signs with it), not the local cloud's movable one
        if (now or datetime.now(UTC)) > signed_at + expires:
            raise UploadRefused(403, "expired", "the upload URL has expired; ask for a new one")
        if content_type not in CERTIFICATE_TYPES:  # S3 would refuse a type other than the one signed
            raise UploadRefused(400, "content_type", "send the Content-Type the upload was signed for")
        self._put(key, content_type, body)
        self.directory.mkdir(parents=True, exist_ok=True)
        stored = self.directory / key.replace("/", "__")
        stored.write_bytes(body)
        stored.with_suffix(".json").write_text(json.dumps({"key": key, "content_type": content_type}))
        return key

    def restore(self) -> int:
        """Put the kept uploads back into moto's S3 (a new cloud starts with an empty bucket)."""
        restored = 0
        for meta in sorted(self.directory.glob("*.json")) if self.directory.is_dir() else []:
            described = json.loads(meta.read_text())
            self._put(described["key"], described["content_type"], meta.with_suffix("").read_bytes())
            restored += 1
        return restored

    def _put(self, key: str, content_type: str, body: bytes) -> None:
        boto3.client("s3", region_name=REGION).put_object(Bucket=self.bucket, Key=key, Body=body,
                                                          ContentType=content_type)
