"""licence_expiry on the fakes: what it raises, keeps and clears."""

from functions.compliance.checks.base import Severity
from tests.unit.compliance.monitoring_world import COORDINATOR, PRACTICE, TODAY, World


def raised(world: World, today=TODAY):
    return {r.key: r for r in world.licence_check.find(PRACTICE, today)}


def test_an_expired_licence_is_critical_and_owned_by_its_holder():
    world = World()
    licence = world.licence(-3)
    found = raised(world)[f"cert-{licence.id}"]
    assert found.severity == Severity.CRITICAL and found.owner == "user:nurse-1"
    assert found.link == f"/certifications/{licence.id}" and "expired on" in found.title
    assert "practitioner dr-nurse" in found.title and found.check == "licence_expiry"


def test_expiring_within_a_week_is_high_within_the_window_medium_beyond_it_nothing():
    world = World()
    soon, later, far = world.licence(5), world.licence(20), world.licence(45)
    found = raised(world)
    assert found[f"cert-{soon.id}"].severity == Severity.HIGH
    assert found[f"cert-{later.id}"].severity == Severity.MEDIUM
    assert f"cert-{far.id}" not in found


def test_an_expired_certification_is_high_not_critical():
    world = World()
    course = world.licence(-1, kind="certification")
    assert raised(world)[f"cert-{course.id}"].severity == Severity.HIGH


def test_the_same_licence_raises_the_same_key_each_day():
    world = World()
    licence = world.licence(10)
    first = raised(world)
    later = raised(world, world.advance(1))
    assert first.keys() == later.keys() == {f"cert-{licence.id}"}


def test_a_renewed_or_retired_licence_is_no_longer_raised():
    world = World()
    renewed, retired = world.licence(-2), world.licence(3)
    from functions.compliance.models.certifications import CertificationChange

    world.certifications.change(COORDINATOR, renewed.id, CertificationChange(expires_on=TODAY.replace(
        year=TODAY.year + 2)), lambda: 1)
    world.certifications.retire(COORDINATOR, retired.id, lambda: 1)
    assert raised(world) == {}


def test_the_practices_warning_window_decides_how_early():
    world = World()
    licence = world.licence(50)
    assert raised(world) == {}
    from functions.compliance.models.settings import ComplianceSettingsIn

    world.settings.update(COORDINATOR, ComplianceSettingsIn(licence_warning_days=60), lambda: 0)
    assert raised(world)[f"cert-{licence.id}"].severity == Severity.MEDIUM
