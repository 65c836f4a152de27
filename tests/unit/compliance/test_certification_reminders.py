"""Reminders before expiry on the fakes: the holder and the coordinators, once per stage, afresh after renewal."""

from datetime import timedelta

from functions.compliance.models.certifications import CertificationChange
from tests.unit.compliance.monitoring_world import COORDINATOR, PRACTICE, TODAY, World


def test_each_stage_reminds_the_holder_and_coordinators_once():
    world = World()
    world.licence(61)
    assert world.reminders.remind(PRACTICE) == 0  # not yet
    world.advance(1)  # 60 days left
    assert world.reminders.remind(PRACTICE) == 3
    assert world.reminders.remind(PRACTICE) == 0  # the same stage: nothing again
    world.advance(10)  # 50 days: still the 60-day stage
    assert world.reminders.remind(PRACTICE) == 0
    world.advance(20)  # 30 days
    assert world.reminders.remind(PRACTICE) == 3
    world.advance(23)  # 7 days
    assert world.reminders.remind_all() == 3
    world.advance(8)  # expired
    assert world.reminders.remind(PRACTICE) == 3 and world.reminders.remind(PRACTICE) == 0
    assert sorted(set(world.notices_to())) == ["coord-1", "coord-2", "nurse-1"] and len(world.notices_to()) == 12


def test_created_inside_a_window_starts_at_that_stage():
    world = World()
    world.licence(20)
    assert world.reminders.remind(PRACTICE) == 3
    notice = world.audit.events[-1].data["request"]
    assert notice["idempotency_key"].endswith("-30d") and notice["template"] == "work.notice"
    world.advance(1)
    assert world.reminders.remind(PRACTICE) == 0


def test_a_renewal_starts_the_reminders_afresh_and_a_retired_one_has_none():
    world = World()
    licence, retired = world.licence(5), world.licence(6)
    assert world.reminders.remind(PRACTICE) == 6
    world.certifications.change(COORDINATOR, licence.id, CertificationChange(expires_on=TODAY + timedelta(days=3)),
                                lambda: 1)
    world.certifications.retire(COORDINATOR, retired.id, lambda: 1)
    assert world.reminders.remind(PRACTICE) == 3  # the new expiry date's 7-day stage
