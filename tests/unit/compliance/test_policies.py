"""Policies on the fakes: versions, who must sign, acknowledgement of the current version only, tracking."""

from datetime import timedelta

import pytest

from functions.compliance.models.policies import AcknowledgementIn, PolicyIn
from functions.core.errors import Conflict, Forbidden, Invalid, NotFound
from tests.unit.compliance.training_support import (
    COORDINATOR,
    DESK,
    MANAGER,
    NURSE,
    NURSE_2,
    PATIENT,
    PRACTICE,
    PRIVACY_OFFICER,
    TODAY,
    World,
)


@pytest.fixture
def world() -> World:
    return World()


def test_publishing_asks_every_active_member_of_the_roles_and_the_people_named(world):
    policy = world.policies.create(COORDINATOR, PolicyIn(title="Acceptable use"))
    published = world.publish(policy.id, roles=["nurse"], user_ids=["desk-1"], days=10)
    assert published.version.number == 1 and published.policy.current_version == 1 and published.signers == 3
    tracking = world.policies.tracking(COORDINATOR, policy.id, None)
    assert [r.user_id for r in tracking.unsigned] == ["desk-1", "nurse-1", "nurse-2"]
    assert tracking.sign_by == TODAY + timedelta(days=10) and tracking.signed == []
    read = world.policies.read(NURSE, policy.id)
    assert read.current.text == "Lock screens." and read.current.number == 1


def test_a_signer_acknowledges_the_current_version_once(world):
    policy = world.policy()
    signed = world.policies.acknowledge(NURSE, policy.id, AcknowledgementIn(number=1))
    assert signed.status == "signed" and signed.signed_at
    with pytest.raises(Conflict) as again:
        world.policies.acknowledge(NURSE, policy.id, AcknowledgementIn(number=1))
    assert again.value.code == "already_acknowledged"
    tracking = world.policies.tracking(PRIVACY_OFFICER, policy.id, 1)
    assert [r.user_id for r in tracking.signed] == ["nurse-1"]
    assert [r.user_id for r in tracking.unsigned] == ["nurse-2"]


def test_only_the_current_version_can_be_acknowledged(world):
    policy = world.policy()
    world.publish(policy.id, text="Lock screens and log out.")
    with pytest.raises(Conflict) as old:
        world.policies.acknowledge(NURSE, policy.id, AcknowledgementIn(number=1))
    assert old.value.code == "not_current_version" and old.value.details == {"current_version": 2}
    with pytest.raises(Conflict):
        world.policies.acknowledge(NURSE, policy.id, AcknowledgementIn(number=3))
    assert world.policies.acknowledge(NURSE, policy.id, AcknowledgementIn(number=2)).number == 2


def test_a_new_version_supersedes_the_old_ones_unsigned_requests_and_keeps_signatures(world):
    policy = world.policy()
    world.policies.acknowledge(NURSE, policy.id, AcknowledgementIn(number=1))
    world.publish(policy.id, roles=["nurse"], days=20)
    first = world.policies.tracking(COORDINATOR, policy.id, 1)
    assert [r.user_id for r in first.signed] == ["nurse-1"]
    assert [r.user_id for r in first.superseded] == ["nurse-2"] and first.unsigned == []
    second = world.policies.tracking(COORDINATOR, policy.id, 2)
    assert [r.user_id for r in second.unsigned] == ["nurse-1", "nurse-2"]  # everyone signs the new text again
    assert [(r.number, r.user_id) for r in world.acknowledgement_book.due_by(PRACTICE, TODAY + timedelta(days=30))
            ] == [(2, "nurse-1"), (2, "nurse-2")]


def test_someone_the_version_does_not_name_cannot_acknowledge_it(world):
    policy = world.policy(roles=["nurse"])
    with pytest.raises(Invalid) as refused:
        world.policies.acknowledge(DESK, policy.id, AcknowledgementIn(number=1))
    assert refused.value.code == "not_a_signer"


def test_before_any_version_there_is_nothing_to_acknowledge(world):
    policy = world.policies.create(COORDINATOR, PolicyIn(title="Draft"))
    with pytest.raises(Conflict, match="not the current version"):
        world.policies.acknowledge(NURSE, policy.id, AcknowledgementIn(number=1))
    with pytest.raises(NotFound):
        world.policies.tracking(COORDINATOR, policy.id, None)
    assert world.policies.read(NURSE, policy.id).current is None


def test_publishing_to_no_one_or_a_stranger_is_refused_and_changes_nothing(world):
    policy = world.policies.create(COORDINATOR, PolicyIn(title="Acceptable use"))
    with pytest.raises(Invalid) as nobody:
        world.publish(policy.id, roles=["billing"])
    assert nobody.value.code == "no_signers"
    with pytest.raises(Invalid) as stranger:
        world.publish(policy.id, roles=["nurse"], user_ids=["stranger"])
    assert stranger.value.code == "unknown_staff"
    assert world.policies.read(COORDINATOR, policy.id).policy.current_version == 0
    assert world.acknowledgement_book.stored == {}


def test_who_may_do_what_with_policies(world):
    policy = world.policy()
    for refused in (lambda: world.policies.create(NURSE, PolicyIn(title="x")),
                    lambda: world.policies.publish(MANAGER, policy.id, None),
                    lambda: world.policies.tracking(NURSE, policy.id, None),
                    lambda: world.policies.acknowledgement(NURSE_2, policy.id, "nurse-1"),
                    lambda: world.policies.everything(PATIENT),
                    lambda: world.policies.acknowledge(PATIENT, policy.id, AcknowledgementIn(number=1))):
        with pytest.raises(Forbidden):
            refused()
    assert world.policies.acknowledgement(NURSE, policy.id, "nurse-1").status == "unsigned"
    assert world.policies.acknowledgement(COORDINATOR, policy.id, "nurse-2").user_id == "nurse-2"
    assert [p.title for p in world.policies.everything(DESK).policies] == ["Acceptable use"]
