"""Billing reports: A/R aging, what is owed and for how long, by payer (open claims) and by patient (open
invoices), in 0-30, 31-60, 61-90 and 90+ day buckets; and days in A/R for the stage's dashboard."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
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
        tables: dict[str, dict[str, dict[str, int]]] = {"payer": {}, "patient": {}}
        for owed in self._owed(caller.practice_id, today):
            row = tables[owed.by].setdefault(owed.key, dict.fromkeys(BUCKETS, 0))
            row[bucket(owed.age_days)] += owed.cents
        by_payer, by_patient = tables["payer"], tables["patient"]
        payer_rows, patient_rows = _rows(by_payer), _rows(by_patient)
        # one entry for the report (amounts owed by patient id), as for other reads across many patients
        self._audit_read(caller, "billing.report.ar_aging", "REPORT", today.isoformat(), None)
        return AgingReport(as_of=today, by_payer=payer_rows, by_patient=patient_rows,
                           total_cents=sum(r.total_cents for r in payer_rows + patient_rows))


    def outstanding(self, practice_id: str) -> "Outstanding":
        """What one practice is owed, and for how long, as amounts only (no patient): the daily job's input to
        days in A/R. No caller: a system read, not audited (it names nobody)."""
        owed = list(self._owed(practice_id, self.now().date()))
        return Outstanding(cents=sum(o.cents for o in owed), cent_days=sum(o.cents * o.age_days for o in owed))

    def _owed(self, practice_id: str, today: date) -> Iterator["Owed"]:
        """Every open amount: payers by claim (from submission, or creation if unsent), patients by invoice (from
        issue)."""
        for claim in self.claims.owed_by_payers(practice_id):
            since = date.fromisoformat((claim.submitted_at or claim.created_at)[:10])
            yield Owed("payer", claim.payer_id, (today - since).days, claim.outstanding_cents)
        for invoice in self.invoices.with_balance(practice_id):
            yield Owed("patient", invoice.patient_id, (today - invoice.issued_on).days, invoice.balance_cents)


@dataclass(frozen=True)
class Owed:
    by: str  # "payer" or "patient"
    key: str  # the payer's or the patient's id
    age_days: int
    cents: int


@dataclass(frozen=True)
class Outstanding:
    cents: int
    cent_days: int  # each cent owed times the days it has been owed


def days_in_ar(practices: Iterable[Outstanding]) -> float:
    """The dollar-weighted age of everything owed, in days (0 when nothing is): how long the average dollar of A/R
    has waited. Not the charges-based ratio (A/R over average daily charges), which needs a period's charges."""
    cents = cent_days = 0
    for owed in practices:
        cents += owed.cents
        cent_days += owed.cent_days
    return round(cent_days / cents, 1) if cents else 0.0


def _rows(table: dict[str, dict[str, int]]) -> list[AgingRow]:
    return [AgingRow(key=key, buckets=b, total_cents=sum(b.values())) for key, b in sorted(table.items())]
