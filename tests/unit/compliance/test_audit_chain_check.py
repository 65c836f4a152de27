"""audit_chain on the fakes: a broken chain, a verification gone stale, and nothing when all is well."""

from datetime import timedelta

from functions.compliance.checks.base import Severity
from functions.compliance.models.settings import ChainVerdict
from functions.core.audit import AuditDraft
from tests.unit.compliance.monitoring_world import PRACTICE, TODAY, World


def verdict(days_ago: int, intact: bool = True) -> ChainVerdict:
    return ChainVerdict(at=f"{(TODAY - timedelta(days=days_ago)).isoformat()}T03:15:00.000Z", intact=intact,
                        checked=10, problems=0 if intact else 2)


def keys(world: World) -> dict:
    return {r.key: r for r in world.chain_check.find(PRACTICE, TODAY)}


def test_a_broken_chain_is_critical_for_the_privacy_officer():
    world = World()
    world.verdicts.record(PRACTICE, verdict(0, intact=False))
    found = keys(world)
    assert set(found) == {"broken"}
    assert found["broken"].severity == Severity.CRITICAL and found["broken"].owner == "role:privacy_officer"
    assert "2 problem(s)" in found["broken"].title


def test_no_verification_for_two_days_is_high():
    world = World()
    world.verdicts.record(PRACTICE, verdict(2))
    found = keys(world)
    assert set(found) == {"unverified"} and found["unverified"].severity == Severity.HIGH


def test_last_nights_intact_verification_raises_nothing():
    world = World()
    world.verdicts.record(PRACTICE, verdict(1))
    assert keys(world) == {}


def test_a_trail_never_verified_is_raised_once_its_first_entry_is_two_days_old():
    world = World()
    assert keys(world) == {}  # nothing written: nothing to verify
    world.chains.record(AuditDraft(practice_id=PRACTICE, actor="u", role="coordinator", action="x", entity="E",
                                   entity_id="1", request_id="r",
                                   at=f"{(TODAY - timedelta(days=1)).isoformat()}T10:00:00.000Z"))
    assert keys(world) == {}
    world.chains.chains[PRACTICE][0]["at"] = f"{(TODAY - timedelta(days=3)).isoformat()}T10:00:00.000Z"
    assert "never verified" in keys(world)["unverified"].title
