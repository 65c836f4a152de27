"""Smoke test of localcloud/moto_patches' partition queries: a table Query reads only its partition (moto would
sort the whole table for each one) and still answers in key order; an index Query still spans partitions in
its index order."""

from functions.core.table import Put, Table


def test_queries_answer_as_dynamodb_does_from_the_partition_or_the_index(cloud):
    from moto.dynamodb.models.table import Table as MotoTable

    assert hasattr(MotoTable.query, "__wrapped__"), "the partition-query patch is installed"
    table = Table()
    for pk in ("PRACTICE#q#A", "PRACTICE#q#B", "PRACTICE#q#C"):
        for n in (3, 1, 2):
            table.transact([Put({"pk": pk, "sk": f"ITEM#{n}", "kind": "PROBE",
                                 "gsi1pk": "PRACTICE#q#ALL", "gsi1sk": f"{n}#{pk}"})])
    page = table.query("PRACTICE#q#B")
    assert [(i["pk"], i["sk"]) for i in page.items] == [("PRACTICE#q#B", f"ITEM#{n}") for n in (1, 2, 3)]
    newest = table.query("PRACTICE#q#B", forward=False, limit=2)
    assert [i["sk"] for i in newest.items] == ["ITEM#3", "ITEM#2"] and newest.last_key is not None
    rest = table.query("PRACTICE#q#B", forward=False, limit=2, start_key=newest.last_key)
    assert [i["sk"] for i in rest.items] == ["ITEM#1"]
    across = table.query("PRACTICE#q#ALL", index="gsi1")
    assert [i["gsi1sk"] for i in across.items] == sorted(i["gsi1sk"] for i in across.items)
    assert len(across.items) == 9
