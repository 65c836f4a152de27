"""The daily compliance run: per practice, per check, what the check raises today against what is open. The new
are opened (a work notice to their owner, in the same transaction), the still raised kept (severity, due date
and title brought up to date), the no longer raised closed by "check". Each check's cost grows with its open
findings (a sparse index) and what it finds, never with the practice. A check that fails is logged and counted,
and its findings are left as they were; the others run. Two runs at once, or a run retried, write one finding
per (check, key) and one notice: every write is conditional on the version read, and a lost race reads again."""

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta

from functions.compliance.checks.base import Check, Raised, Severity
from functions.compliance.models.findings import CheckOutcome, Finding, RunSummary, WeekSnapshot
from functions.compliance.owners import Owners
from functions.compliance.ports.monitoring import ComplianceSettingsStore, FindingStore, TrendSnapshots, WorkNotices
from functions.compliance.ports.staff import StaffDirectory
from functions.core import authz, clock
from functions.core.auth import Caller
from functions.core.errors import PreconditionFailed
from functions.core.observability import logger
from functions.core.service import AreaService, AuditTrail

KEY = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
ATTEMPTS = 4  # a finding another run moved is read again; more than a few races on one finding is a bug


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


class ComplianceRun(AreaService):
    def __init__(self, checks: Callable[[], Sequence[Check]], findings: FindingStore, trend: TrendSnapshots,
                 directory: StaffDirectory, settings: ComplianceSettingsStore, notices: WorkNotices,
                 audit: AuditTrail, now: Callable[[], datetime], practices: Callable[[], Iterable[str]]) -> None:
        self.checks, self.findings, self.trend, self.notices = checks, findings, trend, notices
        self.directory, self.settings, self.audit, self.now, self.practices = directory, settings, audit, now, practices

    def run_now(self, caller: Caller) -> RunSummary:
        """POST /compliance/runs: the caller's practice, now (audited as the caller's action)."""
        authz.authorize(caller, "compliance.check.run")
        summary = self.run(caller.practice_id)
        self.audit.record(self._draft(caller, "compliance.check.run", "COMPLIANCE_RUN", summary.today.isoformat()))
        return summary

    def run_all(self) -> list[RunSummary]:
        """Every practice's run; one that fails (its store, not a check) is logged and the next one runs."""
        summaries = []
        for practice_id in self.practices():
            try:
                summaries.append(self.run(practice_id))
            except Exception as error:  # noqa: BLE001 - one practice must not stop the others' checks
                logger.error("compliance run failed", extra={"practice_id": practice_id,
                                                             "error": type(error).__name__})
        return summaries

    def run(self, practice_id: str) -> RunSummary:
        now = self.now()
        today, at = now.date(), clock.iso(now)
        owners = Owners(practice_id, self.directory, self.settings)
        outcomes: list[CheckOutcome] = []
        still_open: list[Finding] = []
        notices = 0
        for check in self.checks():
            outcome = CheckOutcome(name=check.name)
            open_before: list[Finding] = []
            try:
                open_before = self.findings.open_for_check(practice_id, check.name)
                raised = self._raised(check, practice_id, today)
                kept, sent = self._settle(practice_id, check.name, raised, open_before, owners, outcome, at)
                still_open += kept
                notices += sent
            except Exception as error:  # noqa: BLE001 - one check failing must not stop the others
                logger.error("compliance check failed", extra={"practice_id": practice_id, "check": check.name,
                                                               "error": type(error).__name__})
                outcome = CheckOutcome(name=check.name, failed=True)
                still_open += open_before
            outcomes.append(outcome)
        by_severity = {s.value: 0 for s in Severity}
        for finding in still_open:
            by_severity[finding.severity] += 1
        self.trend.record_week(practice_id, WeekSnapshot(
            week_of=week_of(today), at=at, open=len(still_open), by_severity=by_severity,
            opened=sum(o.opened for o in outcomes), closed=sum(o.closed for o in outcomes)))
        return RunSummary(practice_id=practice_id, ran_at=at, today=today, checks=outcomes,
                          failed=sum(o.failed for o in outcomes), notices=notices, open=len(still_open))

    @staticmethod
    def _raised(check: Check, practice_id: str, today: date) -> dict[str, Raised]:
        raised: dict[str, Raised] = {}
        for found in check.find(practice_id, today):
            if found.check != check.name or not KEY.fullmatch(found.key):
                raise ValueError("a check raised a finding that is not its own, or a key that is not a segment")
            raised.setdefault(f"{found.check}-{found.key}", found)
        return raised

    def _settle(self, practice_id: str, check: str, raised: dict[str, Raised], open_before: list[Finding],
                owners: Owners, outcome: CheckOutcome, at: str) -> tuple[list[Finding], int]:
        known = {f.id: f for f in open_before}
        still_open: list[Finding] = []
        sent = 0
        outcome.raised = len(raised)
        for finding_id, found in raised.items():
            finding, notices = self._raise(practice_id, finding_id, found, known.get(finding_id), owners, outcome, at)
            still_open.append(finding)
            sent += notices
        for finding_id, finding in known.items():
            if finding_id not in raised:
                self._close(practice_id, finding, outcome, at)
        return still_open, sent

    def _raise(self, practice_id: str, finding_id: str, found: Raised, current: Finding | None, owners: Owners,
               outcome: CheckOutcome, at: str) -> tuple[Finding, int]:
        if current is None:  # not open in the index (which may lag): what is stored decides
            current = self.findings.finding(practice_id, finding_id)
        for _ in range(ATTEMPTS):
            try:
                if current is None or current.status == "closed":
                    opened = self._opened(practice_id, finding_id, found, current, at)
                    events = [self.notices.to_staff(
                        practice_id, user_id, f"Compliance: {found.title}"[:200],
                        f"A {found.severity} finding, due {found.due_on.isoformat()}. See GET /compliance/findings/"
                        f"{finding_id}.", f"finding-{finding_id}-{opened.episode}", ("finding", finding_id))
                        for user_id in owners.people(found.owner)]
                    self.findings.save(opened, events)
                    outcome.opened += 1
                    return opened, len(events)
                changes = {"severity": found.severity, "owner": found.owner, "due_on": found.due_on,
                           "title": found.title, "link": found.link}
                if all(getattr(current, name) == value for name, value in changes.items()):
                    outcome.kept += 1
                    return current, 0
                updated = current.model_copy(update={**changes, "updated_at": at, "version": current.version + 1})
                self.findings.save(updated)
                outcome.updated += 1
                return updated, 0
            except PreconditionFailed:  # another run moved it first: read it again and decide again
                current = self.findings.finding(practice_id, finding_id)
        raise RuntimeError(f"finding {finding_id} kept moving")

    @staticmethod
    def _opened(practice_id: str, finding_id: str, found: Raised, before: Finding | None, at: str) -> Finding:
        return Finding(id=finding_id, practice_id=practice_id, check=found.check, key=found.key,
                       severity=found.severity, owner=found.owner, due_on=found.due_on, title=found.title,
                       link=found.link, status="open", opened_at=at, updated_at=at,
                       episode=before.episode + 1 if before else 1, version=before.version + 1 if before else 1)

    def _close(self, practice_id: str, finding: Finding | None, outcome: CheckOutcome, at: str) -> None:
        for _ in range(ATTEMPTS):
            if finding is None or finding.status != "open":
                return  # closed by another run already
            try:
                self.findings.save(finding.model_copy(update={
                    "status": "closed", "closed_at": at, "closed_by": "check", "updated_at": at,
                    "version": finding.version + 1}))
                outcome.closed += 1
                return
            except PreconditionFailed:
                finding = self.findings.finding(practice_id, finding.id)
        raise RuntimeError(f"finding {finding.id if finding else '?'} kept moving")
