"""FindingStore: the fake and DynamoFindingStore on moto version, index and list findings alike."""

from datetime import date

import pytest

from functions.compliance.models.findings import Finding
from functions.core.errors import PreconditionFailed

PRACTICE = "practice-contract"
AT = "2026-11-30T05:00:00.000Z"


@pytest.fixture(params=["fake", "dynamo"])
def store(request):
    if request.param == "fake":
        from tests.fakes.compliance import FakeFindingStore

        return FakeFindingStore()
    request.getfixturevalue("cloud")
    from functions.compliance.dynamo.findings import DynamoFindingStore
    from functions.core.table import Table

    return DynamoFindingStore(Table())


def finding(check: str, key: str, severity: str = "medium", owner: str = "user:nurse-1", due: int = 10,
            **more) -> Finding:
    return Finding(**{"id": f"{check}-{key}", "practice_id": PRACTICE, "check": check, "key": key,
                      "severity": severity, "owner": owner, "due_on": date(2026, 12, due), "title": f"{key} late",
                      "link": f"/things/{key}", "opened_at": AT, "updated_at": AT, "version": 1, **more})


def test_a_new_finding_reads_back_and_a_second_open_or_stale_write_is_refused(store):
    store.save(finding("c1", "a"))
    assert store.finding(PRACTICE, "c1-a") == finding("c1", "a")
    with pytest.raises(PreconditionFailed):
        store.save(finding("c1", "a"))
    store.save(finding("c1", "a", severity="high", version=2))
    with pytest.raises(PreconditionFailed):
        store.save(finding("c1", "a", severity="low", version=2))
    assert store.finding(PRACTICE, "c1-a").severity == "high"


def test_open_for_check_holds_only_that_checks_open_findings(store):
    store.save(finding("c1", "a"))
    store.save(finding("c1", "b"))
    store.save(finding("c2", "a"))
    store.save(finding("c1", "b", status="closed", closed_at=AT, closed_by="check", version=2))
    assert [f.id for f in store.open_for_check(PRACTICE, "c1")] == ["c1-a"]
    assert sorted(f.id for f in store.all_open(PRACTICE)) == ["c1-a", "c2-a"]


def test_search_filters_by_status_severity_owner_and_check_most_severe_first(store):
    store.save(finding("c1", "a", severity="low", due=1))
    store.save(finding("c1", "b", severity="critical", owner="role:billing"))
    store.save(finding("c2", "c", severity="high", due=2))
    store.save(finding("c2", "d", severity="high", due=1))
    store.save(finding("c2", "e", status="closed", version=1))

    def ids(**criteria):
        query = {"status": "open", "severity": None, "owner": None, "check": None, **criteria}
        return [f.key for f in store.search(PRACTICE, limit=50, start=None, **query).items]

    assert ids() == ["b", "d", "c", "a"]
    assert ids(severity="high") == ["d", "c"]
    assert ids(owner="user:nurse-1") == ["d", "c", "a"]
    assert ids(owner="user:nurse-1", severity="low") == ["a"]
    assert ids(check="c1") == ["b", "a"]
    assert ids(status="closed") == ["e"]


def test_search_pages(store):
    for key in "abc":
        store.save(finding("c1", key))
    first = store.search(PRACTICE, status="open", severity=None, owner=None, check=None, limit=2, start=None)
    rest = store.search(PRACTICE, status="open", severity=None, owner=None, check=None, limit=2,
                        start=first.next_start)
    assert [f.key for f in first.items + rest.items] == ["a", "b", "c"]


def test_the_events_of_a_save_ride_with_it(store):
    from functions.compliance.notices import OutboxWorkNotices

    event = OutboxWorkNotices().to_staff(PRACTICE, "nurse-1", "t", "d", "finding-c1-a-1", ("finding", "c1-a"))
    store.save(finding("c1", "a"), [event])
    with pytest.raises(PreconditionFailed):
        store.save(finding("c1", "a"), [event])
    if hasattr(store, "events"):
        assert len(store.events) == 1
    else:
        from functions.core.keys import collection_pk
        from functions.core.table import Table

        assert len(Table().query_all(collection_pk(PRACTICE, "OUTBOX"))) == 1
