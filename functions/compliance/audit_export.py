"""The audit trail of a range of days as CSV, with every chained field, `prev_hash` and `hash`, so a third party
can re-verify it without us (tools/verify_audit_export.py re-hashes each row and re-links the rows).

An export is a contiguous run of the chain: from the first entry written on the first day to the last written on
the last day (found by seq, a binary search of the trail; entries are appended in time order). It is bounded twice:
a range of at most 31 days, and at most 5,000 rows a response (1.3 MB measured, well inside Lambda's 6 MB answer); a
longer run comes in parts, each with a page token for the next, each verifiable alone and chained to the one
before by its first row's `prev_hash`. Exporting is itself audited."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from functions.compliance.ports.audit import AuditLog
from functions.core import authz, clock, pagination
from functions.core.audit import AuditEntry
from functions.core.auth import Caller
from functions.core.dates import check_range
from functions.core.errors import Invalid
from functions.core.service import AreaService, AuditTrail

EXPORT = "compliance.audit.export"
MAX_DAYS = 31
ROWS = 5000
# Every chained field, in the model's order (a field added to the chain is exported with it): an empty cell is
# null. `hash` is over the others; `route` is left out of it when empty (core.audit's later fields).
COLUMNS = tuple(AuditEntry.model_fields)


@dataclass(frozen=True)
class ExportPart:
    """One response of an export: the CSV text and the run of the chain it holds."""

    text: str
    first_seq: int
    last_seq: int  # first_seq - 1 when the part is empty
    rows: int  # last_seq - first_seq + 1, unless entries are missing from the trail (the verifier says which)
    last_hash: str | None
    next_page_token: str | None


def to_csv(entries: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for entry in entries:
        writer.writerow(["" if entry.get(name) is None else entry.get(name) for name in COLUMNS])
    return out.getvalue()


class AuditExport(AreaService):
    def __init__(self, log: AuditLog, audit: AuditTrail, page_key: Callable[[], bytes],
                 now: Callable[[], datetime] = clock.now, rows: int = ROWS) -> None:
        self.log = log
        self.audit = audit
        self.page_key = page_key
        self.now = now
        self.rows = rows

    def export(self, caller: Caller, first: date, last: date, page_token: str | None) -> ExportPart:
        authz.authorize(caller, EXPORT)
        check_range(first, last, MAX_DAYS, "an export")
        practice_id = caller.practice_id
        query = f"audit.export.{first.isoformat()}.{last.isoformat()}"
        resume = pagination.decode(page_token, practice_id=practice_id, query=query, key=self.page_key)
        start = self.log.seq_at(practice_id, first.isoformat())
        end = self.log.seq_at(practice_id, (last + timedelta(days=1)).isoformat()) - 1
        if resume is not None:
            after = resume.get("after_seq")
            if not isinstance(after, int) or not start - 1 <= after <= end:
                raise Invalid("the page token is not valid here", code="invalid_page_token")
            start = after + 1
        stop = min(end, start + self.rows - 1)
        entries = list(self.log.run(practice_id, start, stop))
        token = pagination.encode({"after_seq": stop} if stop < end else None, practice_id=practice_id, query=query,
                                  key=self.page_key())
        self._audit_read(caller, "audit.export", "AUDIT", f"{start}-{stop}", None)
        last_hash = entries[-1].get("hash") if entries else None
        return ExportPart(to_csv(entries), start, stop, len(entries), last_hash, token)
