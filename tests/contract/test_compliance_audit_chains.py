"""AuditChains: the fake trail and core.audit_store.AuditStore on moto chain, list and checkpoint alike."""

import pytest

from functions.core.audit import GENESIS, AuditDraft, entry_hash


@pytest.fixture(params=["fake", "dynamo"])
def trail(request):
    if request.param == "fake":
        from tests.fakes.compliance import FakeAuditChains

        return FakeAuditChains()
    request.getfixturevalue("cloud")
    from functions.core.audit_store import AuditStore
    from functions.core.table import Table

    return AuditStore(Table())


def draft(practice: str, n: int) -> AuditDraft:
    return AuditDraft(practice_id=practice, actor="u1", role="coordinator", action="patient.read", entity="PATIENT",
                      entity_id=f"patient-{n}", request_id="r", at="2026-11-25T10:00:00.000Z")


def test_an_empty_trail_starts_at_genesis(trail):
    assert trail.head("p1") == (0, GENESIS) and trail.checkpoint("p1") == (0, GENESIS)
    assert list(trail.entries("p1")) == [] and trail.entry("p1", 1) is None


def test_entries_are_chained_in_order_and_listed_after_a_seq(trail):
    for n in range(3):
        trail.record(draft("p1", n))
    trail.record(draft("p2", 9))
    entries = list(trail.entries("p1"))
    assert [e["seq"] for e in entries] == [1, 2, 3]
    assert entries[0]["prev_hash"] == GENESIS and entries[1]["prev_hash"] == entries[0]["hash"]
    assert all(entry_hash(e) == e["hash"] for e in entries)
    assert trail.head("p1") == (3, entries[-1]["hash"])
    assert [e["seq"] for e in trail.entries("p1", after_seq=2)] == [3]
    assert trail.entry("p1", 2)["entity_id"] == "patient-1"
    assert [e["entity_id"] for e in trail.entries("p2")] == ["patient-9"]


def test_a_saved_checkpoint_reads_back(trail):
    trail.record(draft("p1", 0))
    seq, last_hash = trail.head("p1")
    trail.save_checkpoint("p1", seq, last_hash, "2026-11-26T02:00:00.000Z")
    assert trail.checkpoint("p1") == (1, last_hash) and trail.checkpoint("p2") == (0, GENESIS)
