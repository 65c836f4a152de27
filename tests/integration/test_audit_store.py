"""The audit chain on DynamoDB: appends chain, races do not fork the chain, tampering is found."""

import threading

from functions.core.audit import AuditDraft, verify_chain
from functions.core.audit_store import AuditStore, entry_sk
from functions.core.keys import collection_pk
from functions.core.table import Put, Table


def _draft(n: int, practice: str = "p1") -> AuditDraft:
    return AuditDraft(practice_id=practice, actor=f"user-{n}", role="coordinator", action="patient.read",
                      entity="PATIENT", entity_id=f"pat-{n}", request_id=f"req-{n}", at="2026-11-26T10:00:00.000Z",
                      subject_patient_id=f"pat-{n}")


def test_entries_chain_in_order_and_verify(cloud):
    store = AuditStore(Table())
    for n in range(5):
        store.record(_draft(n))
    entries = list(store.entries("p1"))
    assert [e["seq"] for e in entries] == [1, 2, 3, 4, 5]
    assert verify_chain(entries, store.head("p1")).intact


def test_write_and_its_audit_entry_commit_together(cloud):
    table = Table()
    store = AuditStore(table)
    store.commit(_draft(1), writes=[Put({"pk": "PRACTICE#p1#THING#1", "sk": "THING", "v": 1})])
    assert table.get("PRACTICE#p1#THING#1", "THING")["v"] == 1
    assert store.head("p1")[0] == 1


def test_concurrent_appends_from_separate_containers_never_fork_the_chain(cloud):
    errors = []

    def container(worker: int) -> None:
        store = AuditStore(Table())  # each thread is its own Lambda container with its own cached head
        try:
            for n in range(5):
                store.record(_draft(worker * 100 + n))
        except Exception as error:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=container, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    store = AuditStore(Table())
    entries = list(store.entries("p1"))
    assert len(entries) == 20
    assert verify_chain(entries, store.head("p1")).intact


def test_an_edited_entry_is_detected(cloud):
    table = Table()
    store = AuditStore(table)
    for n in range(3):
        store.record(_draft(n))
    pk = collection_pk("p1", "AUDIT")
    tampered = table.get(pk, entry_sk(2))
    tampered["actor"] = "someone-else"
    table.put(tampered)
    result = verify_chain(list(store.entries("p1")), store.head("p1"))
    assert not result.intact
    assert any("entry 2 was changed" in p for p in result.problems)


def test_a_deleted_last_entry_is_detected(cloud):
    table = Table()
    store = AuditStore(table)
    for n in range(3):
        store.record(_draft(n))
    table.dynamodb.delete_item(TableName=table.name,
                               Key={"pk": {"S": collection_pk("p1", "AUDIT")}, "sk": {"S": entry_sk(3)}})
    result = verify_chain(list(store.entries("p1")), store.head("p1"))
    assert any("missing from the end" in p for p in result.problems)


def test_chains_are_per_practice(cloud):
    store = AuditStore(Table())
    store.record(_draft(1, "p1"))
    store.record(_draft(2, "p2"))
    assert store.head("p1")[0] == 1 and store.head("p2")[0] == 1


def test_entries_written_before_the_by_user_index_are_backfilled_with_their_hashes_unchanged(cloud):
    table = Table()
    store = AuditStore(table)
    for n in range(3):
        store.record(_draft(n))
    for item in store.entries("p1"):  # as written before gsi2 existed
        table.put({name: value for name, value in item.items() if not name.startswith("gsi2")})
    assert store.by_actor("p1", "user-1", "2026-11-26", "2026-11-26", 10).entries == []
    from functions.compliance.jobs import handler as compliance_jobs
    from tests.support import LambdaContext

    # the one-off job an operator invokes after the deploy (every practice in the registry)
    assert compliance_jobs({"job": "backfill_audit_indexes"}, LambdaContext()) == {
        "practices": 1, "entries_indexed": 3}
    assert [e.seq for e in store.by_actor("p1", "user-1", "2026-11-26", "2026-11-26", 10).entries] == [2]
    assert [e.seq for e in store.about_patient("p1", "pat-2", "2026-11-26", "2026-11-26", 10).entries] == [3]
    assert verify_chain(list(store.entries("p1")), store.head("p1")).intact
    assert store.backfill_indexes("p1") == 0
