"""Certifications on the fakes: who records and changes them, versions, and the practitioner copied from staff."""

from datetime import timedelta

import pytest
from pydantic import ValidationError

from functions.compliance.models.certifications import CertificationChange, CertificationIn
from functions.compliance.models.settings import ComplianceSettingsIn
from functions.core.auth import Role
from functions.core.errors import Conflict, Forbidden, Invalid, NotFound, PreconditionFailed
from tests.unit.compliance.monitoring_world import COORDINATOR, OFFICER, TODAY, World, caller

NURSE = caller(Role.STAFF, "nurse-1")


def body(holder="nurse-1", **more) -> CertificationIn:
    return CertificationIn(**{"holder_id": holder, "kind": "licence", "name": "RN licence", "number": "RN-1",
                              "issuing_body": "Board", "expires_on": TODAY + timedelta(days=300), **more})


def test_a_holder_records_their_own_licence_with_their_practitioner_copied():
    world = World()
    made = world.certifications.create(NURSE, body())
    assert made.practitioner_id == "dr-nurse" and made.version == 1 and made.created_by == "nurse-1"
    assert world.audit.actions() == ["compliance.certification.create"]


def test_a_member_may_not_record_anothers_and_the_holder_must_be_staff():
    world = World()
    with pytest.raises(Forbidden):
        world.certifications.create(caller(Role.FRONT_DESK, "desk-1"), body())
    with pytest.raises(Invalid):
        world.certifications.create(COORDINATOR, body(holder="nobody"))
    assert world.book.stored == {}


def test_issued_after_expiry_is_refused():
    with pytest.raises(ValidationError):
        body(issued_on=TODAY + timedelta(days=400))


def test_a_renewal_moves_the_version_and_a_stale_one_is_412():
    world = World()
    made = world.certifications.create(COORDINATOR, body())
    renewed = world.certifications.change(NURSE, made.id, CertificationChange(expires_on=TODAY + timedelta(days=700)),
                                          lambda: 1)
    assert renewed.version == 2 and renewed.updated_by == "nurse-1"
    with pytest.raises(PreconditionFailed):
        world.certifications.change(COORDINATOR, made.id, CertificationChange(number="RN-2"), lambda: 1)
    with pytest.raises(Invalid):
        world.certifications.change(COORDINATOR, made.id, CertificationChange(), lambda: 2)


def test_a_retired_certification_is_kept_but_not_changed():
    world = World()
    made = world.certifications.create(COORDINATOR, body())
    retired = world.certifications.retire(OFFICER, made.id, lambda: 1)
    assert retired.status == "retired" and world.certifications.read(COORDINATOR, made.id).status == "retired"
    with pytest.raises(Conflict):
        world.certifications.change(COORDINATOR, made.id, CertificationChange(number="X"), lambda: 2)


def test_who_reads_what():
    world = World()
    world.directory.add("practice-1", "desk-1", "front_desk")
    mine = world.certifications.create(NURSE, body())
    theirs = world.certifications.create(COORDINATOR, body(holder="desk-1"))
    assert [c.id for c in world.certifications.list(COORDINATOR, None).certifications] == [theirs.id, mine.id]
    assert [c.id for c in world.certifications.list(NURSE, None).certifications] == [mine.id]
    with pytest.raises(Forbidden):
        world.certifications.list(NURSE, "desk-1")
    with pytest.raises(Forbidden):
        world.certifications.read(NURSE, theirs.id)
    with pytest.raises(Forbidden):
        world.certifications.read(caller(Role.PATIENT, "p"), mine.id)
    with pytest.raises(NotFound):
        world.certifications.read(COORDINATOR, "missing")


def test_settings_start_at_version_0_and_move_on_if_match():
    world = World()
    assert world.settings.read(OFFICER).version == 0
    saved = world.settings.update(COORDINATOR, ComplianceSettingsIn(privacy_officer_ids=["po-1", "po-1"],
                                                                    licence_reminder_days=[7, 60, 30, 30]), lambda: 0)
    assert saved.version == 1 and saved.privacy_officer_ids == ["po-1"] and saved.licence_reminder_days == [60, 30, 7]
    with pytest.raises(PreconditionFailed):
        world.settings.update(COORDINATOR, ComplianceSettingsIn(), lambda: 0)
    with pytest.raises(Forbidden):
        world.settings.update(NURSE, ComplianceSettingsIn(), lambda: 1)
