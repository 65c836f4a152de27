"""The daily jobs send the dashboard's levels (functions/core/business.py) across every practice, on fakes:
days in A/R from billing's follow-up, open findings from the compliance run, leave waiting from staff's count."""

from datetime import date

from functions.billing import jobs as billing_jobs
from functions.billing.models.money import InvoiceIn
from functions.compliance import jobs as compliance_jobs
from functions.compliance.models.findings import RunSummary
from functions.staff import jobs as staff_jobs
from tests.unit.billing.world import BILLER, PATIENT, world
from tests.unit.billing.world import PRACTICE as PRACTICE_BILLED
from tests.unit.business_metrics import sent_metrics  # noqa: F401 (a fixture)
from tests.unit.staff.support import PRACTICE, Staff, coordinator, member_in, staff_user


def test_follow_up_sends_days_in_ar_over_every_practice(monkeypatch, sent_metrics):  # noqa: F811
    w = world()
    w.invoicing.issue(BILLER, InvoiceIn(patient_id=PATIENT, amount_cents=700, description="Copay"))  # today
    claim = w.a_claim()
    # unsent, so aged from when it was made: ten days before the world's today (2024-06-03)
    w.ledger.claims[(PRACTICE_BILLED, claim.id)] = claim.model_copy(update={"created_at": "2024-05-24T10:00:00.000Z"})
    monkeypatch.setattr(billing_jobs, "practice_ids", lambda table: [PRACTICE_BILLED, "empty-practice"])
    billing_jobs.follow_up_claims("table", w.follow_up, w.reports)
    owed = claim.total_cents + 700
    assert sent_metrics()[("DaysInAR", "billing")] == round(claim.total_cents * 10 / owed, 1)


def test_the_compliance_run_sends_the_findings_left_open(monkeypatch, sent_metrics):  # noqa: F811
    summaries = [RunSummary(practice_id=p, ran_at="2026-03-02T05:00:00Z", today=date(2026, 3, 2), checks=[],
                            failed=0, notices=0, open=n) for p, n in (("a", 3), ("b", 4))]

    class Run:
        def run_all(self):
            return summaries

    monkeypatch.setattr(compliance_jobs.wiring, "compliance_run", Run)
    assert compliance_jobs.run_compliance_checks("table")["open"] == 7
    assert sent_metrics()[("ComplianceFindingsOpen", "compliance")] == 7


def test_the_staff_count_sends_the_leave_waiting_for_a_decision(monkeypatch, sent_metrics):  # noqa: F811
    from functions.staff.models.leave import LeaveRequestIn

    staff = Staff()
    staff.members.add(coordinator(), member_in("fd"))
    staff.leave.submit(staff_user("fd"), LeaveRequestIn(kind="vacation", unit="days", first_day=date(2026, 3, 2),
                                                        last_day=date(2026, 3, 2)))
    monkeypatch.setattr(staff_jobs, "practice_ids", lambda table: [PRACTICE, "another-practice"])
    monkeypatch.setattr(staff_jobs.wiring, "leave_requests", lambda: staff.leave)
    assert staff_jobs.count_pending_leave("table") == {"practices": 2, "waiting": 1}
    assert sent_metrics()[("LeavePending", "staff")] == 1
