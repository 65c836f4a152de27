"""Verifying the audit chains. The nightly run is incremental: it re-hashes the entries written since the
last verified checkpoint (and the checkpoint entry itself, which anchors them), so its cost grows with
the day's activity, not with the size of the trail. The weekly run re-hashes everything, which is what
catches an edit to an entry that was already verified."""

from dataclasses import dataclass

from functions.core import clock
from functions.core.audit import GENESIS, Verification, entry_hash, verify_chain
from functions.core.audit_store import AuditStore
from functions.core.registry import practice_ids
from functions.core.table import Table


def verify_practice(table: Table, practice_id: str, *, from_start: bool = False,
                    save_checkpoint: bool = False) -> Verification:
    store = AuditStore(table)
    start = (0, GENESIS) if from_start else store.checkpoint(practice_id)
    head = store.head(practice_id)
    result = verify_chain(store.entries(practice_id, after_seq=start[0]), head, start=start)
    if start[0]:
        anchor = store.entry(practice_id, start[0])
        if anchor is None or anchor.get("hash") != start[1] or entry_hash(anchor) != start[1]:
            result.problems.append(f"entry {start[0]} changed after it was verified")
    if save_checkpoint and result.intact and result.last_seq > start[0]:
        store.save_checkpoint(practice_id, result.last_seq, result.last_hash, clock.iso(clock.now()))
    return result


@dataclass
class ChainReport:
    practice_id: str
    checked: int
    intact: bool
    problems: list[str]


def verify_all(table: Table, full: bool = False) -> list[ChainReport]:
    reports = []
    for practice_id in practice_ids(table):
        result = verify_practice(table, practice_id, from_start=full, save_checkpoint=True)
        reports.append(ChainReport(practice_id, result.checked, result.intact, result.problems))
    return reports
