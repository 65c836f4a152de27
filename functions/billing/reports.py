"""Billing reports: A/R aging, what is owed and for how long, by payer (open claims) and by patient (open
invoices), in 0-30, 31-60, 61-90 and 90+ day buckets."""

from collections.abc import Callable
from datetime import date, datetime

from functions.billing.models.money import AgingReport, AgingRow
from functions.billing.ports import ClaimLedger, InvoiceBook
from functions.core import authz, clock
from functions.core.auth import Caller
from functions.core.service import AreaService, AuditTrail

BUCKETS = ("0-30", "31-60", "61-90", "90+")


def bucket(age_days: int) -> str:
    if age_days <= 30:
        return "0-30"
    if age_days <= 60:
        return "31-60"
    if age_days <= 90:
        return "61-90"
    return "90+"


class Reports(AreaService):
    def __init__(self, claims: ClaimLedger, invoices: InvoiceBook, audit: AuditTrail,
                 now: Callable[[], datetime] = clock.now) -> None:
        self.claims = claims
        self.invoices = invoices
        self.audit = audit
        self.now = now

    def ar_aging(self, caller: Caller) -> AgingReport:
        """What is owed, by how long: payers by claim (from submission, or creation if unsent) and patients
        by invoice (from issue). Only open items are read."""
        authz.authorize(caller, "billing.report.ar_aging")
        today = self.now().date()
        by_payer: dict[str, dict[str, int]] = {}
        by_patient: dict[str, dict[str, int]] = {}
        for claim in self.claims.owed_by_payers(caller.practice_id):
            since = date.fromisoformat((claim.submitted_at or claim.created_at)[:10])
            row = by_payer.setdefault(claim.payer_id, dict.fromkeys(BUCKETS, 0))
            row[bucket((today - since).days)] += claim.outstanding_cents
        for invoice in self.invoices.with_balance(caller.practice_id):
            row = by_patient.setdefault(invoice.patient_id, dict.fromkeys(BUCKETS, 0))
            row[bucket((today - invoice.issued_on).days)] += invoice.balance_cents
        payer_rows, patient_rows = _rows(by_payer), _rows(by_patient)
        # one entry for the report (amounts owed by patient id), as for other reads across many patients
        self._audit_read(caller, "billing.report.ar_aging", "REPORT", today.isoformat(), None)
        return AgingReport(as_of=today, by_payer=payer_rows, by_patient=patient_rows,
                           total_cents=sum(r.total_cents for r in payer_rows + patient_rows))


def _rows(table: dict[str, dict[str, int]]) -> list[AgingRow]:
    return [AgingRow(key=key, buckets=b, total_cents=sum(b.values())) for key, b in sorted(table.items())]
