"""The stale_account check on the fake sign-ins: active members with no sign-in for 90 days."""

from datetime import date

from functions.compliance.checks.base import Severity
from functions.compliance.checks.stale_account import StaleAccount
from tests.fakes.compliance import FakeSignIns

P = "practice-a"
TODAY = date(2026, 11, 30)  # 90 days before: 2026-09-01


def test_a_member_not_signed_in_for_90_days_is_raised_for_the_coordinators():
    sign_ins = FakeSignIns()
    sign_ins.add(P, "nurse-1", "2026-01-01T00:00:00.000Z")
    sign_ins.sign_in(P, "nurse-1", "2026-08-31T23:00:00.000Z")
    [raised] = StaleAccount(sign_ins).find(P, TODAY)
    assert (raised.check, raised.key, raised.severity, raised.owner) == ("stale_account", "user-nurse-1",
                                                                         Severity.MEDIUM, "role:coordinator")
    assert raised.due_on == date(2026, 11, 29) and "since 2026-08-31" in raised.title


def test_a_sign_in_on_the_90th_day_keeps_the_account_fresh():
    sign_ins = FakeSignIns()
    sign_ins.add(P, "nurse-1", "2026-01-01T00:00:00.000Z")
    sign_ins.sign_in(P, "nurse-1", "2026-09-01T08:00:00.000Z")
    assert list(StaleAccount(sign_ins).find(P, TODAY)) == []


def test_a_member_never_signed_in_counts_from_creation():
    sign_ins = FakeSignIns()
    sign_ins.add(P, "new-1", "2026-10-01T00:00:00.000Z")
    sign_ins.add(P, "old-1", "2026-05-01T00:00:00.000Z")
    [raised] = StaleAccount(sign_ins).find(P, TODAY)
    assert raised.key == "user-old-1" and "never signed in" in raised.title


def test_an_inactive_member_is_not_raised_and_deactivating_clears_it():
    sign_ins = FakeSignIns()
    sign_ins.add(P, "gone-1", "2026-01-01T00:00:00.000Z", active=False)
    sign_ins.add(P, "idle-1", "2026-01-01T00:00:00.000Z")
    check = StaleAccount(sign_ins)
    assert [r.key for r in check.find(P, TODAY)] == ["user-idle-1"]
    assert [r.key for r in check.find(P, date(2026, 12, 1))] == ["user-idle-1"]  # kept
    sign_ins.set_active(P, "idle-1", False)
    assert list(check.find(P, date(2026, 12, 1))) == []


def test_signing_in_clears_it():
    sign_ins = FakeSignIns()
    sign_ins.add(P, "idle-1", "2026-01-01T00:00:00.000Z")
    sign_ins.sign_in(P, "idle-1", "2026-11-30T07:00:00.000Z")
    assert list(StaleAccount(sign_ins).find(P, TODAY)) == []


def test_a_cognito_sub_too_long_for_a_readable_key_gets_a_digest():
    sign_ins = FakeSignIns()
    sub = "0f3c2a9e-1b7d-4c55-9a1e-7f6b2d8c4e10"
    sign_ins.add(P, sub, "2026-01-01T00:00:00.000Z")
    [raised] = StaleAccount(sign_ins).find(P, TODAY)
    assert raised.key.startswith("user-") and len(raised.key) == 40 and sub in raised.title
