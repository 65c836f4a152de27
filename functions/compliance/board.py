"""The compliance board: findings a page at a time with their filters, one finding, and the board itself (open
findings by severity and by owner, and the 12-week trend the daily runs leave). The coordinator and the privacy
officer see every finding; any other member of staff the findings they own themselves."""

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta

from functions.compliance.checks.base import SEVERITY_RANK, Severity
from functions.compliance.models.findings import Board, Finding, FindingPage, OwnerCount, TrendPoint
from functions.compliance.monitoring import week_of
from functions.compliance.ports.monitoring import FindingStore, TrendSnapshots
from functions.core import authz, pagination
from functions.core.auth import Caller
from functions.core.errors import NotFound
from functions.core.service import AreaService, AuditTrail

READ = "compliance.finding.read"
WEEKS = 12


class ComplianceBoard(AreaService):
    def __init__(self, findings: FindingStore, trend: TrendSnapshots, audit: AuditTrail,
                 now: Callable[[], datetime], page_key: Callable[[], bytes]) -> None:
        self.findings, self.trend, self.audit, self.now, self.page_key = findings, trend, audit, now, page_key

    def list(self, caller: Caller, *, status: str = "open", severity: str | None = None, owner: str | None = None,
             check: str | None = None, limit: int = 50, page_token: str | None = None) -> FindingPage:
        if not authz.may(caller, READ):  # not one who sees all: their own findings, and only those
            mine = f"user:{caller.user_id}"
            authz.authorize(caller, READ, authz.staff_member(_user_of(owner or mine)))
            owner = mine
        criteria = f"{status}|{severity or ''}|{owner or ''}|{check or ''}"
        query = f"compliance.findings.{hashlib.sha256(criteria.encode()).hexdigest()[:24]}"
        start = pagination.decode(page_token, practice_id=caller.practice_id, query=query, key=self.page_key)
        page = self.findings.search(caller.practice_id, status=status, severity=severity, owner=owner, check=check,
                                    limit=limit, start=start)
        return FindingPage(findings=page.items, next_page_token=pagination.encode(
            page.next_start, practice_id=caller.practice_id, query=query, key=self.page_key()))

    def read(self, caller: Caller, finding_id: str) -> Finding:
        if caller.is_patient:
            authz.authorize(caller, READ)  # never a patient's: refused before anything is read
        finding = self.findings.finding(caller.practice_id, finding_id)
        if finding is None:
            raise NotFound("no such finding", code="finding_not_found")
        authz.authorize(caller, READ, authz.staff_member(finding.owner_user))
        return finding

    def board(self, caller: Caller) -> Board:
        authz.authorize(caller, "compliance.board.read")
        today = self.now().date()
        open_findings = self.findings.all_open(caller.practice_id)
        by_severity = {s.value: 0 for s in sorted(Severity, key=SEVERITY_RANK.__getitem__)}
        by_owner: dict[str, int] = {}
        for finding in open_findings:
            by_severity[finding.severity] += 1
            by_owner[finding.owner] = by_owner.get(finding.owner, 0) + 1
        first = week_of(today) - timedelta(weeks=WEEKS - 1)
        snapshots = {s.week_of: s for s in self.trend.weeks(caller.practice_id, first)}
        trend = []
        for n in range(WEEKS):
            week = first + timedelta(weeks=n)
            snapshot = snapshots.get(week)
            trend.append(TrendPoint(week_of=week, open=snapshot.open, by_severity=snapshot.by_severity,
                                    opened=snapshot.opened, closed=snapshot.closed) if snapshot
                         else TrendPoint(week_of=week, open=None))
        last = max(snapshots.values(), key=lambda s: s.at, default=None)
        return Board(as_of=today, open=len(open_findings), by_severity=by_severity,
                     by_owner=[OwnerCount(owner=o, open=n) for o, n in sorted(by_owner.items(),
                                                                              key=lambda kv: (-kv[1], kv[0]))],
                     trend=trend, last_run_at=last.at if last else None)


def _user_of(owner: str) -> str | None:
    return owner.removeprefix("user:") if owner.startswith("user:") else None
