"""Verifying the audit chains, on an in-memory trail: what the nightly and weekly runs find, and what they
leave for the next run."""

from datetime import UTC, datetime

import pytest

from functions.compliance.audit_verification import AuditVerification
from functions.core.audit import GENESIS, AuditDraft
from tests.fakes.compliance import FakeAuditChains

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def draft(practice: str, n: int) -> AuditDraft:
    return AuditDraft(practice_id=practice, actor="u1", role="coordinator", action="patient.read", entity="PATIENT",
                      entity_id=f"patient-{n}", request_id="r", at="2026-11-25T10:00:00.000Z")


@pytest.fixture
def trail() -> FakeAuditChains:
    return FakeAuditChains()


@pytest.fixture
def verification(trail) -> AuditVerification:
    return AuditVerification(trail, trail.practice_ids, now=lambda: NOW)


def written(trail: FakeAuditChains, practice: str, count: int) -> None:
    for n in range(count):
        trail.record(draft(practice, n))


def test_an_intact_chain_is_intact_and_the_nightly_run_moves_its_checkpoint_to_the_end(trail, verification):
    written(trail, "p1", 3)
    [report] = verification.verify_all()
    assert (report.practice_id, report.checked, report.intact, report.problems) == ("p1", 3, True, [])
    assert trail.checkpoint("p1") == trail.head("p1")


def test_the_nightly_run_reads_only_what_was_written_since_its_checkpoint(trail, verification):
    written(trail, "p1", 3)
    verification.verify_all()
    written(trail, "p1", 2)
    [report] = verification.verify_all()
    assert report.checked == 2 and report.intact


def test_an_edited_entry_is_found(trail, verification):
    written(trail, "p1", 3)
    trail.edit("p1", 2, actor="someone-else")
    [report] = verification.verify_all()
    assert not report.intact and report.problems == ["entry 2 was changed after it was written"]
    assert trail.checkpoint("p1") == (0, GENESIS)  # a broken chain moves no checkpoint: the next run looks again


def test_a_removed_entry_and_removed_trailing_entries_are_found(trail, verification):
    written(trail, "p1", 4)
    trail.remove("p1", 2)
    result = verification.verify_practice("p1")
    assert "entry 2 is missing (found 3 next)" in result.problems
    trail.remove("p1", 4)
    assert "entries 4..4 are missing from the end" in verification.verify_practice("p1").problems


def test_an_edit_to_a_verified_entry_escapes_the_nightly_run_and_is_caught_by_the_weekly_one(trail, verification):
    written(trail, "p1", 4)
    verification.verify_all()
    trail.edit("p1", 2, action="patient.delete")
    written(trail, "p1", 1)
    assert verification.verify_all()[0].intact  # nightly: entry 2 was verified already, not re-read
    [weekly] = verification.verify_all(full=True)
    assert not weekly.intact and weekly.checked == 5


def test_a_change_to_the_checkpoint_entry_itself_is_found_by_the_nightly_run(trail, verification):
    written(trail, "p1", 3)
    verification.verify_all()
    trail.edit("p1", 3, action="patient.delete")
    result = verification.verify_practice("p1")
    assert "entry 3 changed after it was verified" in result.problems


def test_verifying_without_saving_leaves_the_checkpoint_alone(trail, verification):
    written(trail, "p1", 2)
    assert verification.verify_practice("p1").intact
    assert trail.checkpoint_saves == 0
    verification.verify_all()
    verification.verify_all()  # nothing new: the checkpoint is where it was, not saved again
    assert trail.checkpoint_saves == 1


def test_each_practice_is_verified_on_its_own(trail, verification):
    written(trail, "p1", 2)
    written(trail, "p2", 3)
    trail.edit("p2", 1, entity_id="other")
    reports = {r.practice_id: r for r in verification.verify_all()}
    assert reports["p1"].intact and not reports["p2"].intact
    assert trail.checkpoint("p1") == trail.head("p1") and trail.checkpoint("p2") == (0, GENESIS)


def test_an_entry_written_while_the_run_reads_is_left_for_the_next_run_not_reported_broken(trail, verification):
    written(trail, "p1", 3)
    head = trail.head

    def head_then_a_write(practice_id: str):
        seen = head(practice_id)
        trail.head = head
        trail.record(draft(practice_id, 99))  # a request commits between the head read and the entries read
        return seen

    trail.head = head_then_a_write
    result = verification.verify_practice("p1", save_checkpoint=True)
    assert (result.intact, result.checked, result.problems) == (True, 3, [])
    assert trail.checkpoint("p1")[0] == 3
    [report] = verification.verify_all()  # the next run takes the new entry from the checkpoint
    assert (report.checked, report.intact) == (1, True)


def test_an_entry_slipped_in_past_the_head_is_reported(trail, verification):
    written(trail, "p1", 3)
    seq, last_hash = trail.head("p1")
    trail.record(draft("p1", 99))
    trail.heads["p1"] = (seq, last_hash)  # an intruder's entry: the head never moved to it
    [report] = verification.verify_all()
    assert not report.intact and report.problems == ["entry 4 lies past the chain head"]


def test_each_run_keeps_its_verdict_and_a_break_stays_until_a_full_run_passes(trail):
    from tests.fakes.compliance import FakeChainVerdicts

    verdicts = FakeChainVerdicts()
    verification = AuditVerification(trail, trail.practice_ids, now=lambda: NOW, verdicts=verdicts)
    written(trail, "p1", 3)
    verification.verify_all()
    assert verdicts.last("p1").intact and verdicts.last("p1").checked == 3
    written(trail, "p1", 2)
    verification.verify_all()
    original = trail.entry("p1", 2)["actor"]
    trail.edit("p1", 2, actor="someone-else")  # already verified: only a full run sees it
    verification.verify_all(full=True)
    assert not verdicts.last("p1").intact and verdicts.last("p1").problems == 1
    verification.verify_all()  # the nightly run passes what is new, but cannot clear the old break
    assert not verdicts.last("p1").intact
    trail.edit("p1", 2, actor=original)
    verification.verify_all(full=True)
    assert verdicts.last("p1").intact and verdicts.last("p1").full
