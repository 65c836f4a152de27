"""ComplianceSettingsStore, ChainVerdicts and TrendSnapshots: the fakes and compliance's partition on moto."""

from datetime import date

import pytest

from functions.compliance.models.findings import WeekSnapshot
from functions.compliance.models.settings import ChainVerdict, ComplianceSettings
from functions.core.audit import draft
from functions.core.auth import Caller, Role
from functions.core.errors import PreconditionFailed

PRACTICE = "practice-contract"
AT = "2026-11-30T05:00:00.000Z"
CALLER = Caller(user_id="coord-1", practice_id=PRACTICE, roles=frozenset({Role.COORDINATOR}), request_id="t")


@pytest.fixture(params=["fake", "dynamo"])
def stores(request):
    if request.param == "fake":
        from tests.fakes.compliance import FakeChainVerdicts, FakeComplianceSettings, FakeTrendSnapshots

        return FakeComplianceSettings(), FakeChainVerdicts(), FakeTrendSnapshots()
    request.getfixturevalue("cloud")
    from functions.compliance.dynamo.settings import (
        DynamoChainVerdicts,
        DynamoComplianceSettings,
        DynamoTrendSnapshots,
    )
    from functions.core.audit_store import AuditStore
    from functions.core.table import Table

    return DynamoComplianceSettings(Table(), AuditStore(Table())), DynamoChainVerdicts(Table()), \
        DynamoTrendSnapshots(Table())


def test_settings_are_the_defaults_until_saved_then_move_by_version(stores):
    settings, _, _ = stores
    assert settings.settings(PRACTICE) == ComplianceSettings()
    audit = draft(CALLER, "compliance.settings.update", "COMPLIANCE_SETTINGS", "settings", AT)
    first = ComplianceSettings(privacy_officer_ids=["po-1"], version=1, updated_at=AT, updated_by="coord-1")
    settings.save(PRACTICE, first, audit)
    assert settings.settings(PRACTICE) == first
    with pytest.raises(PreconditionFailed):
        settings.save(PRACTICE, first, audit)
    settings.save(PRACTICE, first.model_copy(update={"licence_warning_days": 45, "version": 2}), audit)
    assert settings.settings(PRACTICE).licence_warning_days == 45


def test_the_last_chain_verdict_is_kept_per_practice(stores):
    _, verdicts, _ = stores
    assert verdicts.last(PRACTICE) is None
    verdicts.record(PRACTICE, ChainVerdict(at=AT, intact=True, checked=3))
    verdicts.record(PRACTICE, ChainVerdict(at=AT, intact=False, checked=4, problems=1, full=True))
    assert verdicts.last(PRACTICE) == ChainVerdict(at=AT, intact=False, checked=4, problems=1, full=True)
    assert verdicts.last("other") is None


def test_a_weeks_snapshot_replaces_its_open_counts_and_adds_its_opened_and_closed(stores):
    _, _, trend = stores
    week = date(2026, 11, 30)
    trend.record_week(PRACTICE, WeekSnapshot(week_of=week, at=AT, open=3, by_severity={"high": 3}, opened=3))
    trend.record_week(PRACTICE, WeekSnapshot(week_of=week, at="2026-12-01T05:00:00.000Z", open=2,
                                             by_severity={"high": 2}, opened=0, closed=1))
    trend.record_week(PRACTICE, WeekSnapshot(week_of=date(2026, 11, 23), at=AT, open=1, by_severity={}, opened=1))
    assert [(s.week_of, s.open, s.opened, s.closed) for s in trend.weeks(PRACTICE, date(2026, 11, 1))] == [
        (date(2026, 11, 23), 1, 1, 0), (week, 2, 3, 1)]
    assert [s.week_of for s in trend.weeks(PRACTICE, week)] == [week]
