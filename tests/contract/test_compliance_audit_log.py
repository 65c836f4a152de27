"""AuditLog: the fake trail (tests/fakes/compliance.py FakeAuditLog) and core.audit_store.AuditStore on moto read
by time alike: a patient's entries and a user's (the new gsi2 AUDIT_BY index), newest first, in pages that follow
one another; the seq at a time; a run of the chain."""

import pytest

from functions.core.audit import AuditDraft, entry_hash


@pytest.fixture(params=["fake", "dynamo"])
def trail(request):
    if request.param == "fake":
        from tests.fakes.compliance import FakeAuditLog

        return FakeAuditLog()
    request.getfixturevalue("cloud")
    from functions.core.audit_store import AuditStore
    from functions.core.table import Table

    return AuditStore(Table())


def draft(at: str, actor: str = "u1", patient: str | None = None, practice: str = "p1") -> AuditDraft:
    return AuditDraft(practice_id=practice, actor=actor, role="coordinator", action="patient.read",
                      entity="PATIENT", entity_id=patient or "-", request_id="r", at=at, subject_patient_id=patient,
                      route="GET /patients/{patient_id}" if patient else None)


@pytest.fixture
def seeded(trail):
    for day in range(1, 6):
        trail.record(draft(f"2026-03-0{day}T09:00:00.000Z", actor="dr-a", patient="ada"))
        trail.record(draft(f"2026-03-0{day}T09:00:00.000Z", actor="desk-b"))  # same millisecond: seq orders
    trail.record(draft("2026-03-03T12:00:00.000Z", actor="dr-a", patient="ada", practice="p2"))
    return trail


def walk(read, limit: int) -> list[list[int]]:
    pages, start = [], None
    while True:
        listing = read(limit, start)
        pages.append([e.seq for e in listing.entries])
        start = listing.next_start
        if start is None:
            return pages


def test_a_patients_entries_in_a_range_come_newest_first(seeded):
    listing = seeded.about_patient("p1", "ada", "2026-03-02", "2026-03-04", 10)
    assert [(e.seq, e.at[:10], e.actor) for e in listing.entries] == [
        (7, "2026-03-04", "dr-a"), (5, "2026-03-03", "dr-a"), (3, "2026-03-02", "dr-a")]
    assert listing.entries[0].route == "GET /patients/{patient_id}"
    assert seeded.about_patient("p1", "grace", "2026-03-01", "2026-03-31", 10).entries == []


def test_a_users_entries_come_from_the_by_user_index(seeded):
    listing = seeded.by_actor("p1", "desk-b", "2026-03-01", "2026-03-31", 10)
    assert [e.seq for e in listing.entries] == [10, 8, 6, 4, 2]
    assert all(e.subject_patient_id is None and e.actor == "desk-b" for e in listing.entries)
    assert [e.seq for e in seeded.by_actor("p2", "dr-a", "2026-03-01", "2026-03-31", 10).entries] == [1]


def test_pages_follow_one_another(seeded):
    pages = walk(lambda limit, start: seeded.by_actor("p1", "dr-a", "2026-03-01", "2026-03-05", limit, start), 2)
    assert [seq for page in pages for seq in page] == [9, 7, 5, 3, 1]
    assert all(len(page) <= 2 for page in pages)


def test_a_whole_time_bounds_a_range_as_well_as_a_day(seeded):
    listing = seeded.about_patient("p1", "ada", "2026-03-02T09:00:00.000Z", "2026-03-03T08", 10)
    assert [e.seq for e in listing.entries] == [3]


def test_the_seq_at_a_time_is_the_first_entry_written_then_or_after(seeded):
    assert seeded.seq_at("p1", "2026-03-01") == 1
    assert seeded.seq_at("p1", "2026-03-03") == 5
    assert seeded.seq_at("p1", "2026-03-03T09:00:00.001Z") == 7
    assert seeded.seq_at("p1", "2026-04-01") == 11
    assert seeded.seq_at("p3", "2026-03-01") == 1


def test_a_run_is_the_chain_between_two_seqs_as_stored(seeded):
    run = list(seeded.run("p1", 3, 5))
    assert [e["seq"] for e in run] == [3, 4, 5]
    assert all(entry_hash(e) == e["hash"] for e in run)
    assert run[1]["prev_hash"] == run[0]["hash"] and run[0]["route"] == "GET /patients/{patient_id}"
    assert run[1]["route"] is None and set(run[0]) == set(AuditDraft.model_fields) | {"seq", "prev_hash", "hash"}
    assert list(seeded.run("p1", 5, 4)) == [] and [e["seq"] for e in seeded.run("p1", 9, 20)] == [9, 10]
