"""EvidenceStore: FakeEvidenceStore and S3EvidenceStore on moto alike: a ticket names a signed PUT with its
Content-Type, and an upload is found (type and size) under its (practice, assignment, upload id) only."""

from urllib.parse import urlsplit

import pytest

PRACTICE = "practice-contract"
UPLOAD = "01HV0000000000000000000000"


class _S3Side:
    """The adapter, and a client's PUT to the ticket's URL (into moto's S3)."""

    def __init__(self) -> None:
        from functions.compliance.evidence_bucket import S3EvidenceStore

        self.store = S3EvidenceStore()

    def put(self, url: str, content_type: str, body: bytes) -> None:
        import boto3

        bucket, _, key = urlsplit(url).path.strip("/").partition("/")
        boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)


class _FakeSide:
    def __init__(self) -> None:
        from tests.fakes.compliance import FakeEvidenceStore

        self.store = FakeEvidenceStore()

    def put(self, url: str, content_type: str, body: bytes) -> None:
        practice, assignment, upload = urlsplit(url).path.strip("/").split("/")
        self.store.put(practice, assignment, upload, content_type, len(body))


@pytest.fixture(params=["fake", "s3"])
def side(request):
    if request.param == "fake":
        return _FakeSide()
    request.getfixturevalue("cloud")
    return _S3Side()


def test_an_upload_is_found_with_its_type_and_size_under_its_own_ids_only(side):
    ticket = side.store.upload_ticket(PRACTICE, "A1", UPLOAD, "application/pdf")
    assert ticket.headers == {"Content-Type": "application/pdf"} and ticket.expires_in_s == 900
    assert side.store.stored(PRACTICE, "A1", UPLOAD) is None
    side.put(ticket.url, "application/pdf", b"%PDF-1.7 " + b"x" * 100)
    found = side.store.stored(PRACTICE, "A1", UPLOAD)
    assert (found.content_type, found.size) == ("application/pdf", 109)
    assert side.store.stored(PRACTICE, "A2", UPLOAD) is None
    assert side.store.stored("another-practice", "A1", UPLOAD) is None
