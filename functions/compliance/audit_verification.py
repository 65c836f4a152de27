"""Verifying the audit chains. The nightly run is incremental: it re-hashes the entries written since the
last verified checkpoint (and the checkpoint entry itself, which anchors them), so its cost grows with
the day's activity, not with the size of the trail. The weekly run re-hashes everything, which is what
catches an edit to an entry that was already verified."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from functions.compliance.models.settings import ChainVerdict
from functions.compliance.ports.audit import AuditChains, ChainVerdicts
from functions.core import clock
from functions.core.audit import GENESIS, Verification, entry_hash, verify_chain


@dataclass
class ChainReport:
    practice_id: str
    checked: int
    intact: bool
    problems: list[str]


class AuditVerification:
    def __init__(self, chains: AuditChains, practices: Callable[[], Iterable[str]],
                 now: Callable[[], datetime] = clock.now, verdicts: ChainVerdicts | None = None) -> None:
        self.chains = chains
        self.verdicts = verdicts  # where each run's result is kept for the audit_chain check
        self.practices = practices  # every practice the system holds (core.registry)
        self.now = now

    def verify_practice(self, practice_id: str, *, from_start: bool = False,
                        save_checkpoint: bool = False) -> Verification:
        start = (0, GENESIS) if from_start else self.chains.checkpoint(practice_id)
        head = self.chains.head(practice_id)
        # An entry committed after the head was read belongs to the next run: compared with this head it would read
        # as a broken chain. Reading stops there, and the head, read again, must have reached it: an entry past
        # every head was not written by AuditStore.
        past_head: list[int] = []

        def up_to_head(entries: Iterable[dict]) -> Iterator[dict]:
            for entry in entries:
                seq = entry.get("seq")
                if isinstance(seq, int) and seq > head[0]:
                    past_head.append(seq)
                    return
                yield entry

        result = verify_chain(up_to_head(self.chains.entries(practice_id, after_seq=start[0])), head, start=start)
        if past_head and self.chains.head(practice_id)[0] < past_head[0]:
            result.problems.append(f"entry {past_head[0]} lies past the chain head")
        if start[0]:
            anchor = self.chains.entry(practice_id, start[0])
            if anchor is None or anchor.get("hash") != start[1] or entry_hash(anchor) != start[1]:
                result.problems.append(f"entry {start[0]} changed after it was verified")
        if save_checkpoint and result.intact and result.last_seq > start[0]:
            self.chains.save_checkpoint(practice_id, result.last_seq, result.last_hash, clock.iso(self.now()))
        return result

    def verify_all(self, full: bool = False) -> list[ChainReport]:
        """Every practice's chain, from its checkpoint (or, `full`, from the start); each intact one's
        checkpoint moves to its end; each practice's result is kept for the audit_chain check."""
        reports = []
        for practice_id in self.practices():
            result = self.verify_practice(practice_id, from_start=full, save_checkpoint=True)
            reports.append(ChainReport(practice_id, result.checked, result.intact, result.problems))
            if self.verdicts is not None:
                self._keep_verdict(practice_id, result, full)
        return reports

    def _keep_verdict(self, practice_id: str, result: Verification, full: bool) -> None:
        # An incremental run re-hashes only what is new, so it cannot clear a break an earlier run found in older
        # entries: a broken chain stays broken until a full run passes.
        previous = self.verdicts.last(practice_id)
        still_broken = result.intact and not full and previous is not None and not previous.intact
        problems = previous.problems if still_broken else len(result.problems)
        self.verdicts.record(practice_id, ChainVerdict(at=clock.iso(self.now()), intact=result.intact and not
                                                       still_broken, checked=result.checked, problems=problems,
                                                       full=full))
