"""AuditArchive: FakeAuditArchive and S3AuditArchive on moto's Object Lock bucket alike: a part is written once at
its place (practice, day, number); writing one there again leaves the first and answers the ends it holds."""

from dataclasses import replace
from datetime import date

import pytest

from functions.compliance.ports.audit import ArchivePart, ChainEnds

DAY = date(2026, 3, 2)
ENDS = ChainEnds(first_seq=2, last_seq=4, prev_hash="a" * 64, last_hash="b" * 64)
PART = ArchivePart(practice_id="practice-contract", day=DAY, number=1, parts=2, ends=ENDS, rows=3,
                   text="seq,prev_hash,hash\r\n")


@pytest.fixture(params=["fake", "s3"])
def archive(request):
    if request.param == "fake":
        from tests.fakes.compliance import FakeAuditArchive

        return FakeAuditArchive()
    request.getfixturevalue("cloud")
    from functions.compliance.audit_archive_bucket import S3AuditArchive

    return S3AuditArchive()


def test_a_part_is_written_once_and_a_second_write_answers_what_is_there(archive):
    assert archive.keep(PART) is None
    assert archive.keep(PART) == ENDS
    other = replace(PART, ends=replace(ENDS, last_seq=5, last_hash="c" * 64), rows=4)
    assert archive.keep(other) == ENDS  # never replaced


def test_each_practice_day_and_part_number_is_its_own_place(archive):
    assert archive.keep(PART) is None
    for elsewhere in (replace(PART, number=2), replace(PART, day=date(2026, 3, 3)),
                      replace(PART, practice_id="another-practice")):
        assert archive.keep(elsewhere) is None
        assert archive.keep(elsewhere) == ENDS
