"""A patient's insurance coverage: no overlapping plans of a rank, retried while the record settles."""


import pytest

from functions.core.errors import Conflict, Invalid, PreconditionFailed
from functions.records.models.coverage import CoveragePatch
from tests.unit.records.support import caller, coverage_in, patient_in


def test_two_primary_coverages_may_not_overlap(patients, coverages):
    created = patients.register(caller(), patient_in())
    coverages.add(caller(), created.id, coverage_in(period_end="2026-06-30"))
    with pytest.raises(Conflict) as raised:
        coverages.add(caller(), created.id, coverage_in(period_start="2026-06-01"))
    assert raised.value.code == "coverage_overlap"
    coverages.add(caller(), created.id, coverage_in(period_start="2026-07-01"))
    coverages.add(caller(), created.id, coverage_in(rank="secondary", period_start="2026-02-01"))
    assert len(coverages.list_coverages(caller(), created.id).coverages) == 3


def test_coverage_update_checks_version_and_overlap(patients, coverages):
    created = patients.register(caller(), patient_in())
    first = coverages.add(caller(), created.id, coverage_in(period_end="2026-06-30"))
    second = coverages.add(caller(), created.id, coverage_in(period_start="2026-07-01"))
    with pytest.raises(Conflict):
        coverages.update(caller(), created.id, first.id, CoveragePatch(period_end=None), lambda: 1)
    with pytest.raises(PreconditionFailed):
        coverages.update(caller(), created.id, second.id, CoveragePatch(member_id="X1"), lambda: 7)
    updated = coverages.update(caller(), created.id, second.id, CoveragePatch(member_id="X1"), lambda: 1)
    assert updated.version == 2 and updated.member_id == "X1"
    with pytest.raises(Invalid):
        coverages.update(caller(), created.id, second.id,
                                CoveragePatch(period_end="2025-01-01"), lambda: 2)


def test_a_coverage_write_retries_when_another_write_got_in_first(patients, coverages, store):
    created = patients.register(caller(), patient_in())
    store.before_write = lambda: store.bump_related("p1", created.id)
    coverage = coverages.add(caller(), created.id, coverage_in())
    assert coverages.list_coverages(caller(), created.id).coverages == [coverage]


def test_a_retried_add_with_the_same_key_answers_the_first_coverage_and_audits_the_replay(patients, coverages,
                                                                                          store, audit):
    created = patients.register(caller(), patient_in())
    first = coverages.add(caller(), created.id, coverage_in(), idempotency_key="add-coverage-01")
    again = coverages.add(caller(), created.id, coverage_in(), idempotency_key="add-coverage-01")
    assert again == first and len(coverages.list_coverages(caller(), created.id).coverages) == 1
    assert "coverage.create.replayed" in audit.actions()


def test_a_retry_racing_its_own_first_add_is_answered_as_a_retry_not_as_an_overlap(patients, coverages):
    created = patients.register(caller(), patient_in())
    first = coverages.add(caller(), created.id, coverage_in(), idempotency_key="add-coverage-02")
    # the retry looked for a stored answer just before the first request stored it, then read the record
    # with the first request's coverage on it: an overlap, which is its own first attempt
    answered, looks = coverages.book.replay, []

    def replay(practice_id, request):
        looks.append(request.key)
        return None if len(looks) == 1 else answered(practice_id, request)

    coverages.book.replay = replay
    retry = coverages.add(caller(), created.id, coverage_in(), idempotency_key="add-coverage-02")
    assert retry == first and len(coverages.list_coverages(caller(), created.id).coverages) == 1
