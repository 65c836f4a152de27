"""The daily run on the fakes: opens the new with one notice to the owner, keeps, updates, closes the cleared,
survives a failing check, resolves role owners, and makes one finding and one notice under a retry or a race."""

import threading
from datetime import timedelta

from functions.compliance.checks.base import Raised, Severity
from functions.compliance.models.certifications import CertificationChange
from functions.compliance.models.settings import ChainVerdict, ComplianceSettingsIn
from tests.unit.compliance.monitoring_world import COORDINATOR, PRACTICE, TODAY, World


class Scripted:
    """A check that raises what the test says, or fails."""

    name = "scripted"

    def __init__(self, *raised: Raised, fails: bool = False) -> None:
        self.raised, self.fails = list(raised), fails

    def find(self, practice_id, today):
        if self.fails:
            raise RuntimeError("the source is down")
        return list(self.raised)


def scripted(key: str = "thing-1", owner: str = "user:nurse-1", severity=Severity.MEDIUM, title="Thing 1 is late"):
    return Raised(check="scripted", key=key, severity=severity, owner=owner, due_on=TODAY, title=title,
                  link="/things/1")


def test_a_new_finding_is_opened_and_its_owner_told_once():
    world = World()
    licence = world.licence(-1)
    summary = world.run.run(PRACTICE)
    finding = world.findings.finding(PRACTICE, f"licence_expiry-cert-{licence.id}")
    assert finding.status == "open" and finding.severity == Severity.CRITICAL and finding.episode == 1
    assert summary.checks[0].opened == 1 and summary.notices == 1 and summary.open == 1
    assert world.notices_to() == ["nurse-1"]
    world.run.run(PRACTICE)  # the next day's run: kept, nobody told again
    assert world.notices_to() == ["nurse-1"]


def test_a_finding_still_raised_is_kept_and_brought_up_to_date():
    world = World()
    licence = world.licence(20)
    world.run.run(PRACTICE)
    kept = world.run.run(PRACTICE).checks[0]
    assert (kept.kept, kept.updated, kept.opened) == (1, 0, 0)
    world.advance(15)  # five days left: medium becomes high
    moved = world.run.run(PRACTICE).checks[0]
    assert (moved.updated, moved.opened) == (1, 0)
    finding = world.findings.finding(PRACTICE, f"licence_expiry-cert-{licence.id}")
    assert finding.severity == Severity.HIGH and finding.version == 2 and world.notices_to() == ["nurse-1"]


def test_a_cleared_finding_is_closed_by_the_check_and_reopens_as_a_new_episode():
    world = World()
    licence = world.licence(-1)
    world.run.run(PRACTICE)
    world.certifications.change(COORDINATOR, licence.id, CertificationChange(expires_on=TODAY + timedelta(days=400)),
                                lambda: 1)
    summary = world.run.run(PRACTICE)
    finding = world.findings.finding(PRACTICE, f"licence_expiry-cert-{licence.id}")
    assert summary.checks[0].closed == 1 and summary.open == 0
    assert finding.status == "closed" and finding.closed_by == "check" and finding.closed_at
    world.certifications.change(COORDINATOR, licence.id, CertificationChange(expires_on=TODAY - timedelta(days=1)),
                                lambda: 2)
    world.run.run(PRACTICE)
    reopened = world.findings.finding(PRACTICE, finding.id)
    assert reopened.status == "open" and reopened.episode == 2 and reopened.closed_at is None
    assert world.notices_to() == ["nurse-1", "nurse-1"]  # told again: a new episode


def test_one_failing_check_does_not_stop_the_others_and_its_findings_are_left_open():
    world = World()
    flaky = Scripted(scripted())
    world.extra_checks.append(flaky)
    world.licence(-1)
    world.run.run(PRACTICE)
    flaky.fails = True
    summary = world.run.run(PRACTICE)
    assert summary.failed == 1 and [c.name for c in summary.checks if c.failed] == ["scripted"]
    assert summary.checks[0].kept == 1  # licence_expiry ran
    assert world.findings.finding(PRACTICE, "scripted-thing-1").status == "open"
    assert summary.open == 2


def test_a_check_raising_a_key_that_is_not_a_segment_fails_alone():
    world = World()
    world.extra_checks.append(Scripted(scripted(key="no#hash")))
    summary = world.run.run(PRACTICE)
    assert summary.failed == 1 and world.findings.stored == {}


def test_role_owners_resolve_to_people():
    world = World()
    world.directory.add(PRACTICE, "biller-1", "billing")
    world.directory.add(PRACTICE, "biller-2", "billing", active=False)
    world.extra_checks.append(Scripted(scripted("a", "role:billing"), scripted("b", "role:privacy_officer")))
    world.run.run(PRACTICE)
    # no privacy officer named in the settings: the coordinators hear of it
    assert sorted(world.notices_to()) == ["biller-1", "coord-1", "coord-2"]


def test_the_privacy_officers_named_in_the_settings_own_role_privacy_officer():
    world = World()
    world.settings.update(COORDINATOR, ComplianceSettingsIn(privacy_officer_ids=["po-1", "po-2"]), lambda: 0)
    world.verdicts.record(PRACTICE, ChainVerdict(at=f"{TODAY.isoformat()}T03:15:00.000Z", intact=False, checked=3,
                                                 problems=1))
    world.run.run(PRACTICE)
    assert sorted(world.notices_to()) == ["po-1", "po-2"]
    assert world.findings.finding(PRACTICE, "audit_chain-broken").owner == "role:privacy_officer"


def test_a_retried_run_opens_nothing_twice_and_tells_nobody_twice():
    world = World()
    world.licence(-1)
    world.extra_checks.append(Scripted(scripted()))
    world.run.run(PRACTICE)
    again = world.run.run(PRACTICE)
    assert sum(c.opened for c in again.checks) == 0 and len(world.findings.stored) == 2
    assert sorted(world.notices_to()) == ["nurse-1", "nurse-1"]  # one per finding


def test_two_runs_at_once_make_one_finding_per_key_and_one_notice():
    world = World()
    for n in range(10):
        world.licence(-1 - n)
    barrier = threading.Barrier(2)
    real_open = world.findings.open_for_check

    def open_together(practice_id, check):
        seen = real_open(practice_id, check)
        if check == "licence_expiry":
            barrier.wait(timeout=5)  # both runs read "nothing open" before either writes
        return seen

    world.findings.open_for_check = open_together
    summaries = []
    threads = [threading.Thread(target=lambda: summaries.append(world.run.run(PRACTICE))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(summaries) == 2 and all(s.failed == 0 for s in summaries)
    assert sum(s.checks[0].opened for s in summaries) == 10
    assert sum(s.checks[0].kept for s in summaries) == 10
    assert len(world.findings.stored) == 10 and len(world.notices_to()) == 10


def test_the_run_leaves_this_weeks_snapshot():
    world = World()
    world.licence(-1)
    world.licence(10)
    world.run.run(PRACTICE)
    (snapshot,) = world.trend.weeks(PRACTICE, TODAY - timedelta(days=7))
    assert snapshot.open == 2 and snapshot.by_severity["critical"] == 1 and snapshot.by_severity["medium"] == 1
    assert snapshot.opened == 2 and snapshot.week_of.weekday() == 0


def test_a_practice_whose_run_fails_does_not_stop_the_next_practices():
    world = World()
    world.run.practices = lambda: ["broken-practice", PRACTICE]
    real = world.trend.record_week

    def record_week(practice_id, snapshot):
        if practice_id == "broken-practice":
            raise ConnectionError("throttled")
        real(practice_id, snapshot)

    world.trend.record_week = record_week
    world.licence(-1)
    assert [s.practice_id for s in world.run.run_all()] == [PRACTICE]
