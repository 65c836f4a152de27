"""The timely_filing check on the fake claims: raised inside the warning window, kept while the claim waits,
cleared once the payer accepts it."""

from datetime import date

from functions.compliance.checks.base import Severity
from functions.compliance.checks.timely_filing import TimelyFiling
from tests.fakes.compliance import FakeClaimsToFile

P = "practice-a"
TODAY = date(2026, 11, 30)


def check(claims: FakeClaimsToFile) -> TimelyFiling:
    return TimelyFiling(claims, warn_days=14, urgent_days=3)


def test_a_claim_due_inside_the_window_is_raised_for_billing():
    claims = FakeClaimsToFile()
    claims.put(P, "C1", "scrubbed", date(2026, 12, 10))
    [raised] = check(claims).find(P, TODAY)
    assert (raised.check, raised.key, raised.severity, raised.owner) == ("timely_filing", "claim-C1", Severity.MEDIUM,
                                                                         "role:billing")
    assert raised.due_on == date(2026, 12, 10) and raised.link == "/claims/C1"


def test_the_warning_window_is_inclusive_and_ends_there():
    claims = FakeClaimsToFile()
    claims.put(P, "EDGE", "draft", date(2026, 12, 14))
    claims.put(P, "LATER", "draft", date(2026, 12, 15))
    assert [r.key for r in check(claims).find(P, TODAY)] == ["claim-EDGE"]


def test_severity_grows_as_the_deadline_nears_and_passes():
    claims = FakeClaimsToFile()
    claims.put(P, "SOON", "needs_review", date(2026, 12, 3))
    claims.put(P, "TODAY", "rejected", TODAY)
    claims.put(P, "GONE", "draft", date(2026, 11, 29))
    found = {r.key: r.severity for r in check(claims).find(P, TODAY)}
    assert found == {"claim-SOON": Severity.HIGH, "claim-TODAY": Severity.HIGH, "claim-GONE": Severity.CRITICAL}


def test_a_claim_already_accepted_or_paid_is_never_raised():
    claims = FakeClaimsToFile()
    for state in ("accepted", "paid", "partially_paid", "closed", "void", "timely_filing_missed"):
        claims.put(P, state, state, date(2026, 12, 1))
    assert list(check(claims).find(P, TODAY)) == []


def test_raised_is_kept_while_waiting_and_cleared_when_the_payer_accepts():
    claims = FakeClaimsToFile()
    claims.put(P, "C1", "submitted", date(2026, 12, 10))
    first = list(check(claims).find(P, TODAY))
    assert list(check(claims).find(P, date(2026, 12, 1))) == first  # the same finding, same key and due date
    claims.put(P, "C1", "accepted", date(2026, 12, 10))
    assert list(check(claims).find(P, date(2026, 12, 2))) == []


def test_other_practices_claims_are_not_seen():
    claims = FakeClaimsToFile()
    claims.put("practice-b", "C1", "draft", date(2026, 12, 1))
    assert list(check(claims).find(P, TODAY)) == []
