"""The daily audit archive on fakes: a practice's day in the export's CSV, in parts that each carry their chain's
ends and verify alone (tools/verify_audit_export.py), days that link to one another, reruns that write nothing,
a changed trail reported, and which days a run may archive."""

import io
from datetime import UTC, date, datetime

import pytest

from functions.compliance import jobs
from functions.compliance.audit_archive import AuditArchiving
from functions.compliance.audit_export import COLUMNS
from functions.core.audit import GENESIS
from tests.fakes.compliance import FakeAuditArchive, FakeAuditLog
from tests.unit.compliance.audit_support import PRACTICE, entry
from tools import verify_audit_export as verifier

NOW = datetime(2026, 3, 4, 4, 15, tzinfo=UTC)


@pytest.fixture
def trail() -> FakeAuditLog:
    log = FakeAuditLog()
    log.record(entry("2026-03-01T23:59:59.999Z", actor="dr-a", patient="ada"))  # seq 1: the day before
    for hour in range(10, 17):  # seq 2..8: 2 March
        log.record(entry(f"2026-03-02T{hour}:00:00.000Z", actor="dr-a", patient="ada"))
    log.record(entry("2026-03-03T00:00:00.000Z", actor="desk-b"))  # seq 9: 3 March
    log.record(entry("2026-03-02T12:00:00.000Z", actor="dr-z", practice="p2"))  # another practice
    return log


def archiving(trail: FakeAuditLog, archive: FakeAuditArchive, rows: int = 5000) -> AuditArchiving:
    return AuditArchiving(trail, archive, trail.practice_ids, now=lambda: NOW, rows=rows)


def rows_of(text: str) -> list[dict[str, str]]:
    return verifier.read_rows(io.StringIO(text))


def test_a_day_is_one_part_holding_that_days_entries_with_its_chain_ends(trail):
    archive = FakeAuditArchive()
    done = archiving(trail, archive).archive_day(PRACTICE, date(2026, 3, 2))
    (part,) = archive.of(PRACTICE, "2026-03-02")
    rows = rows_of(part.text)
    assert [int(r["seq"]) for r in rows] == [2, 3, 4, 5, 6, 7, 8] and tuple(rows[0]) == COLUMNS
    assert (part.number, part.parts, part.rows) == (1, 1, 7)
    assert (part.ends.first_seq, part.ends.last_seq) == (2, 8)
    assert part.ends.prev_hash == trail.entry(PRACTICE, 1)["hash"] and part.ends.last_hash == rows[-1]["hash"]
    assert (done.entries, done.parts, done.written, done.already, done.differing) == (7, 1, [1], [], [])


def test_each_part_verifies_alone_against_its_ends_and_the_parts_chain_together(trail):
    archive = FakeAuditArchive()
    archiving(trail, archive, rows=3).archive_day(PRACTICE, date(2026, 3, 2))
    parts = archive.of(PRACTICE, "2026-03-02")
    assert [(p.number, p.parts, p.ends.first_seq, p.ends.last_seq) for p in parts] == [
        (1, 3, 2, 4), (2, 3, 5, 7), (3, 3, 8, 8)]
    for part in parts:
        assert verifier.verify([rows_of(part.text)], anchor=part.ends.prev_hash, first_seq=part.ends.first_seq,
                               last_seq=part.ends.last_seq, last_hash=part.ends.last_hash) == []
    assert verifier.verify([rows_of(p.text) for p in parts], anchor=parts[0].ends.prev_hash) == []
    assert parts[1].ends.prev_hash == parts[0].ends.last_hash


def test_the_days_of_a_practice_follow_one_another_and_stay_apart_from_other_practices(trail):
    archive = FakeAuditArchive()
    runs = archiving(trail, archive).archive_all(day=date(2026, 3, 3), days=3)
    assert [(r.practice_id, r.day.isoformat(), r.entries) for r in runs] == [
        (PRACTICE, "2026-03-01", 1), (PRACTICE, "2026-03-02", 7), (PRACTICE, "2026-03-03", 1),
        ("p2", "2026-03-01", 0), ("p2", "2026-03-02", 1), ("p2", "2026-03-03", 0)]
    first, second, third = (archive.of(PRACTICE, f"2026-03-0{d}")[0] for d in (1, 2, 3))
    assert first.ends.prev_hash == GENESIS
    assert second.ends.prev_hash == first.ends.last_hash and third.ends.prev_hash == second.ends.last_hash
    (other,) = archive.of("p2", "2026-03-02")
    assert {r["practice_id"] for r in rows_of(other.text)} == {"p2"}


def test_a_day_without_entries_writes_nothing(trail):
    archive = FakeAuditArchive()
    done = archiving(trail, archive).archive_day(PRACTICE, date(2026, 2, 27))
    assert (done.entries, done.parts, done.written) == (0, 0, []) and archive.parts == {}


def test_a_rerun_of_an_archived_day_writes_nothing_and_says_it_was_there(trail):
    archive = FakeAuditArchive()
    archiving(trail, archive, rows=3).archive_day(PRACTICE, date(2026, 3, 2))
    again = archiving(trail, archive, rows=3).archive_day(PRACTICE, date(2026, 3, 2))
    assert archive.puts == 3 and (again.written, again.already, again.differing) == ([], [1, 2, 3], [])


def test_a_rerun_after_a_crash_writes_only_the_parts_that_are_missing(trail):
    archive = FakeAuditArchive()
    archiving(trail, archive, rows=3).archive_day(PRACTICE, date(2026, 3, 2))
    del archive.parts[(PRACTICE, "2026-03-02", 3)]
    again = archiving(trail, archive, rows=3).archive_day(PRACTICE, date(2026, 3, 2))
    assert (again.written, again.already) == ([3], [1, 2])


def test_a_part_whose_ends_no_longer_match_the_trail_is_reported_not_replaced(trail):
    archive = FakeAuditArchive()
    archiving(trail, archive).archive_day(PRACTICE, date(2026, 3, 2))
    kept = archive.of(PRACTICE, "2026-03-02")[0]
    trail.remove(PRACTICE, 8)  # the day's last entry removed from the table after it was archived
    again = archiving(trail, archive).archive_day(PRACTICE, date(2026, 3, 2))
    assert again.differing == [1] and archive.of(PRACTICE, "2026-03-02")[0] is kept


def test_only_a_day_that_is_over_is_archived(trail):
    use_case = archiving(trail, FakeAuditArchive())
    assert use_case.days_to_archive() == [date(2026, 3, 3)]
    assert use_case.days_to_archive(days=2) == [date(2026, 3, 2), date(2026, 3, 3)]
    for today_or_later in (date(2026, 3, 4), date(2026, 3, 5)):
        with pytest.raises(ValueError, match="not over"):
            use_case.days_to_archive(today_or_later)
    with pytest.raises(ValueError, match="days"):
        use_case.days_to_archive(days=0)


def test_the_job_archives_yesterday_and_fails_when_a_part_differs(trail, monkeypatch):
    archive = FakeAuditArchive()
    monkeypatch.setattr(jobs.wiring, "audit_archiving", lambda: archiving(trail, archive))
    summary = jobs.archive_audit_trail(None)
    assert summary == {"practices": 2, "days": ["2026-03-03"], "entries": 1, "parts_written": 1,
                       "parts_already_archived": 0, "parts_differing": 0}
    assert jobs.archive_audit_trail(None, day="2026-03-02", days=2)["parts_written"] == 3
    trail.remove(PRACTICE, 8)
    with pytest.raises(jobs.ArchiveDiffers, match="1 archived part"):
        jobs.archive_audit_trail(None, day="2026-03-02")


def _head(part) -> dict:
    """What `aws s3api head-object` answers for an archived part (the metadata S3AuditArchive writes)."""
    from functions.compliance.audit_archive_bucket import metadata

    return {"ContentType": "text/csv; charset=utf-8", "Metadata": metadata(part)}


def test_the_verifier_checks_archived_parts_against_their_heads(trail, tmp_path, capsys):
    import json

    archive = FakeAuditArchive()
    archiving(trail, archive, rows=4).archive_day(PRACTICE, date(2026, 3, 2))
    files = []
    for part in archive.of(PRACTICE, "2026-03-02"):
        (tmp_path / f"part-{part.number}.csv").write_text(part.text, encoding="utf-8", newline="")
        (tmp_path / f"part-{part.number}.json").write_text(json.dumps(_head(part)))
        files.append(part.number)
    heads = [arg for n in files for arg in ("--head", str(tmp_path / f"part-{n}.json"))]
    csvs = [str(tmp_path / f"part-{n}.csv") for n in files]
    assert verifier.main(heads + csvs) == 0
    assert "7 entries checked: intact" in capsys.readouterr().out
    # a part given with another's head, or a head for the wrong number of files, is found
    assert verifier.main(["--head", heads[3], "--head", heads[1], *csvs]) == 1
    assert "the archive holds entries" in capsys.readouterr().out
    assert verifier.main(heads[:2] + csvs) == 2
    (tmp_path / "broken.json").write_text(json.dumps({"Metadata": {"first-seq": "x"}}))
    assert verifier.main(["--head", str(tmp_path / "broken.json"), csvs[0]]) == 2
    assert "not an audit export" in capsys.readouterr().err
