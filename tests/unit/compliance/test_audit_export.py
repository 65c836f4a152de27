"""The CSV export of a range of days and its stdlib-only verifier (tools/verify_audit_export.py): the bounds of an
export, its parts, who may export, and that the verifier agrees with core.audit on an intact export and finds an
edited, removed or reordered row."""

import csv
import io
import subprocess
import sys
from datetime import UTC, date, datetime

import pytest

from functions.compliance.audit_export import COLUMNS, AuditExport
from functions.core import audit as core_audit
from functions.core.audit import AuditEntry, entry_hash
from functions.core.auth import Role
from functions.core.errors import Forbidden, Invalid
from infra.catalog import ROOT
from tests.fakes.compliance import FakeAuditLog
from tests.unit.compliance.audit_support import KEY, PRACTICE, entry, person
from tools import verify_audit_export as verifier

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
PO = person(Role.PRIVACY_OFFICER, "po-1")
SCRIPT = ROOT / "tools" / "verify_audit_export.py"


@pytest.fixture
def trail() -> FakeAuditLog:
    log = FakeAuditLog()
    log.record(entry("2026-02-28T23:00:00.000Z", actor="dr-a", patient="ada"))  # seq 1: before the range
    for day in (1, 2, 3):  # seq 2..7: in it, one with a route and one without
        log.record(entry(f"2026-03-0{day}T09:00:00.000Z", actor="dr-a", patient="ada"))
        log.record(entry(f"2026-03-0{day}T10:00:00.000Z", actor="job", action="claim.follow_up"))
    log.record(entry("2026-03-04T00:00:00.000Z", actor="dr-a", patient="grácé"))  # seq 8: after it
    return log


def exporter(trail: FakeAuditLog, rows: int = 5000) -> AuditExport:
    return AuditExport(trail, trail, lambda: KEY, now=lambda: NOW, rows=rows)


def rows_of(text: str) -> list[dict[str, str]]:
    return verifier.read_rows(io.StringIO(text))


def test_an_export_holds_every_entry_of_the_days_with_every_chained_field(trail):
    part = exporter(trail).export(PO, date(2026, 3, 1), date(2026, 3, 3), None)
    rows = rows_of(part.text)
    assert [int(r["seq"]) for r in rows] == [2, 3, 4, 5, 6, 7]
    assert (part.first_seq, part.last_seq, part.rows, part.next_page_token) == (2, 7, 6, None)
    assert tuple(rows[0]) == COLUMNS == tuple(AuditEntry.model_fields)
    assert {"prev_hash", "hash", "route", "subject_patient_id", "request_id"} <= set(COLUMNS)
    assert part.last_hash == rows[-1]["hash"]


def test_the_verifier_agrees_with_core_audit_on_an_intact_export(trail):
    part = exporter(trail).export(PO, date(2026, 3, 1), date(2026, 3, 4), None)
    rows = rows_of(part.text)
    stored = {e["seq"]: e for e in trail.entries(PRACTICE)}
    assert all(verifier.row_hash(r) == entry_hash(stored[int(r["seq"])]) == r["hash"] for r in rows)
    assert verifier.verify([rows], anchor=stored[1]["hash"], first_seq=2, last_seq=8, last_hash=part.last_hash) == []
    # the verifier's reading of empty cells is core.audit's: optional fields are null, later ones left out
    optional = {name for name, field in AuditEntry.model_fields.items() if not field.is_required()}
    assert optional == verifier.NULLABLE and verifier.LATER == core_audit._LATER_FIELDS


def test_the_verifier_finds_an_edited_a_removed_and_a_reordered_row(trail):
    text = exporter(trail).export(PO, date(2026, 3, 1), date(2026, 3, 3), None).text
    header, *lines = text.splitlines(keepends=True)
    edited = header + "".join(lines).replace("dr-a", "dr-z", 1)
    removed = header + "".join(lines[:2] + lines[3:])
    reordered = header + "".join([lines[0], lines[2], lines[1], *lines[3:]])
    assert any("changed" in p for p in verifier.verify([rows_of(edited)]))
    assert any("missing" in p for p in verifier.verify([rows_of(removed)]))
    problems = verifier.verify([rows_of(reordered)])
    assert any("out of order" in p for p in problems) and any("link" in p for p in problems)
    # the ends: a first or last row removed is found against what the response said
    assert verifier.verify([rows_of(header + "".join(lines[1:]))], first_seq=2) != []
    assert verifier.verify([rows_of(header + "".join(lines[:-1]))], last_seq=7) != []


def test_an_export_of_a_tampered_trail_shows_the_tampering(trail):
    trail.edit(PRACTICE, 3, entity_id="someone-else")
    trail.remove(PRACTICE, 5)
    rows = rows_of(exporter(trail).export(PO, date(2026, 3, 1), date(2026, 3, 3), None).text)
    problems = verifier.verify([rows])
    assert "entry 3 was changed after it was written" in problems
    assert any("entry 6 follows entry 4" in p for p in problems)


def test_a_long_run_comes_in_parts_each_chained_to_the_last(trail):
    export, parts, token = exporter(trail, rows=4), [], None
    while True:
        part = export.export(PO, date(2026, 3, 1), date(2026, 3, 4), token)
        parts.append(part)
        token = part.next_page_token
        if token is None:
            break
    assert [(p.first_seq, p.last_seq) for p in parts] == [(2, 5), (6, 8)]
    assert verifier.verify([rows_of(p.text) for p in parts], last_hash=parts[-1].last_hash) == []
    assert verifier.verify([rows_of(parts[1].text)], anchor=parts[0].last_hash) == []
    with pytest.raises(Invalid) as refused:  # a part's token asks for this range only
        export.export(PO, date(2026, 3, 1), date(2026, 3, 5), parts[0].next_page_token)
    assert refused.value.code == "invalid_page_token"


def test_the_script_runs_with_the_standard_library_alone(trail, tmp_path):
    part = exporter(trail).export(PO, date(2026, 3, 1), date(2026, 3, 4), None)
    good = tmp_path / "good.csv"
    good.write_text(part.text, encoding="utf-8", newline="")
    bad = tmp_path / "bad.csv"
    bad.write_text(part.text.replace("claim.follow_up", "claim.submit", 1), encoding="utf-8", newline="")
    junk = tmp_path / "junk.csv"
    junk.write_text("a,b\n1,2\n", encoding="utf-8")

    def run(*args):  # -I: no PYTHONPATH, no site: the repository's code cannot be imported
        command = [sys.executable, "-I", str(SCRIPT), *args]
        return subprocess.run(command, capture_output=True, text=True, check=False, cwd=tmp_path)  # noqa: S603

    intact = run(str(good), "--first-seq", "2", "--last-seq", "8", "--last-hash", part.last_hash)
    assert (intact.returncode, intact.stdout.strip().splitlines()[-1]) == (0, "7 entries checked: intact")
    assert run(str(bad)).returncode == 1 and "was changed" in run(str(bad)).stdout
    assert run(str(junk)).returncode == 2
    assert "import functions" not in SCRIPT.read_text() and "from functions" not in SCRIPT.read_text()


def test_an_empty_range_is_a_header_alone(trail):
    part = exporter(trail).export(PO, date(2026, 3, 20), date(2026, 3, 21), None)
    assert list(csv.reader(io.StringIO(part.text))) == [list(COLUMNS)]
    assert (part.first_seq, part.last_seq, part.rows, part.last_hash) == (9, 8, 0, None)
    assert verifier.verify([rows_of(part.text)], first_seq=9, last_seq=8) == []
    assert verifier.verify([rows_of(part.text)], first_seq=2, last_seq=8) != []


@pytest.mark.parametrize(("first", "last", "code"), [
    (date(2026, 3, 1), date(2026, 4, 1), "range_too_long"),
    (date(2026, 3, 2), date(2026, 3, 1), "invalid_range"),
])
def test_an_export_is_at_most_31_days(trail, first, last, code):
    head = trail.head(PRACTICE)
    with pytest.raises(Invalid) as refused:
        exporter(trail).export(PO, first, last, None)
    assert refused.value.code == code and trail.head(PRACTICE) == head
    assert exporter(trail).export(PO, date(2026, 3, 1), date(2026, 3, 31), None).rows == 7


def test_exporting_is_audited_and_only_for_the_coordinator_and_privacy_officer(trail):
    exporter(trail).export(person(Role.COORDINATOR, "c-1"), date(2026, 3, 1), date(2026, 3, 3), None)
    last = trail.entry(PRACTICE, trail.head(PRACTICE)[0])
    assert (last["actor"], last["action"], last["entity"], last["entity_id"]) == ("c-1", "audit.export", "AUDIT",
                                                                                  "2-7")
    for role in (Role.PRACTITIONER, Role.FRONT_DESK, Role.BILLING, Role.STAFF):
        with pytest.raises(Forbidden):
            exporter(trail).export(person(role), date(2026, 3, 1), date(2026, 3, 3), None)
    with pytest.raises(Forbidden):
        exporter(trail).export(person(Role.PATIENT, "ada-user", patient="ada"), date(2026, 3, 1), date(2026, 3, 3),
                               None)
