"""The audit archive, locally: moto's S3 lives in memory, so what the daily job archived is kept in the data
directory (audit-archive/, each part's body and its metadata) when the cloud compacts or closes, and put back into
the Object Lock bucket when it starts, so a restarted `practice serve` still holds (and a rerun still finds) the days
it archived. The retention a restored part gets starts again from its restore: locally nothing expires anyway."""

from __future__ import annotations

import json
from pathlib import Path

import boto3

from functions.compliance.audit_archive_bucket import CONTENT_TYPE
from localcloud.provision import REGION


class LocalAuditArchive:
    def __init__(self, bucket: str, data_dir: Path) -> None:
        self.bucket = bucket
        self.directory = data_dir / "audit-archive"

    def _files(self, key: str) -> tuple[Path, Path]:
        """(the part's body, its key and metadata)."""
        name = key.replace("/", "__")
        return self.directory / name, self.directory / f"{name}.json"

    def keep(self) -> int:
        """Copy into the data directory every archived part not there yet; how many were copied."""
        s3 = boto3.client("s3", region_name=REGION)
        kept = 0
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            for listed in page.get("Contents", []):
                body, described = self._files(listed["Key"])
                if described.exists():
                    continue  # a part is written once: the copy on disk is the part
                got = s3.get_object(Bucket=self.bucket, Key=listed["Key"])
                self.directory.mkdir(parents=True, exist_ok=True)
                body.write_bytes(got["Body"].read())
                described.write_text(json.dumps({"key": listed["Key"], "metadata": got.get("Metadata", {})}))
                kept += 1
        return kept

    def restore(self) -> int:
        """Put the kept parts back into moto's (new, empty) bucket."""
        s3 = boto3.client("s3", region_name=REGION)
        restored = 0
        for meta in sorted(self.directory.glob("*.json")) if self.directory.is_dir() else []:
            described = json.loads(meta.read_text())
            body, _ = self._files(described["key"])
            s3.put_object(Bucket=self.bucket, Key=described["key"], Body=body.read_bytes(),
                          ContentType=CONTENT_TYPE, Metadata=described["metadata"], ChecksumAlgorithm="SHA256",
                          IfNoneMatch="*")
            restored += 1
        return restored
