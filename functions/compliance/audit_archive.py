"""The audit trail archived day by day: each practice's entries of one UTC day, in the export's CSV format and
parts (audit_export.py), written once to a bucket whose Object Lock keeps them unchangeable for six years (HIPAA's
documentation period), each part carrying its chain's ends so tools/verify_audit_export.py re-verifies it alone.

A day is a contiguous run of the chain (found by seq, as the export finds it), so the days of a practice follow one
another: the first part of a day links to the last of the day before. A run is idempotent: a part already there is
left alone (Object Lock would keep it anyway); one there that holds other ends than the trail now says is reported,
since either the trail or the archive changed after it was written."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from functions.compliance.audit_export import ROWS, to_csv
from functions.compliance.ports.audit import ArchivePart, AuditArchive, AuditLog, ChainEnds
from functions.core import clock


@dataclass
class DayArchive:
    """What one practice's day came to: its entries, its parts, and what became of each."""

    practice_id: str
    day: date
    entries: int = 0
    parts: int = 0
    written: list[int] = field(default_factory=list)  # part numbers put by this run
    already: list[int] = field(default_factory=list)  # there before, holding the same ends
    differing: list[int] = field(default_factory=list)  # there before, holding other ends: investigate


class AuditArchiving:
    def __init__(self, log: AuditLog, archive: AuditArchive, practices: Callable[[], Iterable[str]],
                 now: Callable[[], datetime] = clock.now, rows: int = ROWS) -> None:
        self.log = log
        self.archive = archive
        self.practices = practices  # every practice the system holds (core.registry)
        self.now = now
        self.rows = rows

    def days_to_archive(self, day: date | None = None, days: int = 1) -> list[date]:
        """`days` days ending with `day` (default: yesterday, UTC), oldest first. Only a day that is over: entries of
        today are still being written."""
        today = self.now().date()
        last = day or today - timedelta(days=1)
        if last >= today:
            raise ValueError(f"{last.isoformat()} is not over yet: only a past day (UTC) is archived")
        if not 1 <= days <= 31:
            raise ValueError("days must be 1..31")
        return [last - timedelta(days=back) for back in range(days - 1, -1, -1)]

    def archive_all(self, day: date | None = None, days: int = 1) -> list[DayArchive]:
        """Every practice's days (see days_to_archive); a day with no entries writes nothing."""
        wanted = self.days_to_archive(day, days)
        return [done for practice_id in self.practices() for done in self._archive_days(practice_id, wanted)]

    def archive_day(self, practice_id: str, day: date) -> DayArchive:
        return self._archive_days(practice_id, [day])[0]

    def _archive_days(self, practice_id: str, days: list[date]) -> list[DayArchive]:
        # consecutive days share their bounds: one seq_at (a binary search of the trail) per midnight
        midnights = [self.log.seq_at(practice_id, each.isoformat())
                     for each in (*days, days[-1] + timedelta(days=1))]
        return [self._archive(practice_id, each, midnights[n], midnights[n + 1] - 1) for n, each in enumerate(days)]

    def _archive(self, practice_id: str, day: date, first: int, last: int) -> DayArchive:
        result = DayArchive(practice_id, day)
        if last < first:
            return result
        starts = range(first, last + 1, self.rows)
        result.parts = len(starts)
        for number, start in enumerate(starts, start=1):
            entries = list(self.log.run(practice_id, start, min(last, start + self.rows - 1)))
            if not entries:  # every entry of the range is missing from the trail: the chain check reports it
                continue
            result.entries += len(entries)
            ends = ChainEnds(first_seq=int(entries[0]["seq"]), last_seq=int(entries[-1]["seq"]),
                             prev_hash=str(entries[0]["prev_hash"]), last_hash=str(entries[-1]["hash"]))
            part = ArchivePart(practice_id=practice_id, day=day, number=number, parts=result.parts, ends=ends,
                               rows=len(entries), text=to_csv(entries))
            there = self.archive.keep(part)
            if there is None:
                result.written.append(number)
            elif there == ends:
                result.already.append(number)
            else:
                result.differing.append(number)
        return result
