"""The authorization table's rules: staff roles, "self" for patients and staff, and how a refusal reads."""

import pytest

from functions.core import authz
from functions.core.auth import Caller, Role
from functions.core.authz import Rule, authorize, may, patient, staff, staff_member, staff_or_self
from functions.core.errors import Forbidden


@pytest.fixture(autouse=True)
def actions(monkeypatch):
    monkeypatch.setattr(authz, "POLICY", {
        "test.record.read": staff_or_self(Role.COORDINATOR, Role.PRACTITIONER),
        "test.record.delete": staff(Role.COORDINATOR),
        "test.slots.search": Rule(frozenset({Role.COORDINATOR, Role.PATIENT})),
    })


def person(*roles: Role, patient_id: str | None = None, user_id: str = "u1") -> Caller:
    return Caller(user_id=user_id, practice_id="p1", roles=frozenset(roles), patient_id=patient_id)


ALICE = person(Role.PATIENT, patient_id="alice")


def test_a_patient_may_reach_their_own_data_where_the_rule_allows_self():
    assert authorize(ALICE, "test.record.read", patient("alice")) is ALICE


def test_a_patient_never_reaches_another_patients_data_and_the_refusal_names_whose_it_was():
    with pytest.raises(Forbidden) as refused:
        authorize(ALICE, "test.record.read", patient("bob"))
    assert refused.value.subject_patient_id == "bob"
    assert "bob" not in refused.value.message


def test_a_rule_open_to_patients_still_keeps_a_patient_to_their_own_subject():
    assert may(ALICE, "test.slots.search")
    assert not may(ALICE, "test.slots.search", patient("bob"))


def test_staff_in_the_rule_reach_any_patient_and_others_are_told_which_roles_may():
    assert may(person(Role.PRACTITIONER), "test.record.read", patient("bob"))
    with pytest.raises(Forbidden) as refused:
        authorize(person(Role.FRONT_DESK), "test.record.delete", patient("bob"))
    assert refused.value.details == {"allowed_roles": ["coordinator"]}


def test_self_lets_a_staff_member_reach_their_own_data_only():
    nurse = person(Role.STAFF, user_id="nurse-1")
    assert may(nurse, "test.record.read", staff_member("nurse-1"))
    assert not may(nurse, "test.record.read", staff_member("nurse-2"))
    assert not may(nurse, "test.record.delete", staff_member("nurse-1"))


def test_an_action_missing_from_the_table_is_a_programming_error_not_a_refusal():
    with pytest.raises(LookupError):
        may(ALICE, "test.unknown")


def test_every_action_the_code_asks_about_has_a_rule_in_the_table(monkeypatch):
    """A misspelt action would be a 500 at run time; this reads every literal the areas pass to authorize/may."""
    import re
    from pathlib import Path

    monkeypatch.undo()  # the real table, not the fixture's
    asked = set()
    for module in Path("functions").rglob("*.py"):
        asked |= set(re.findall(r"""(?:authorize|may)\([^"']*?["']([a-z_]+\.[a-z_]+\.[a-z_]+)["']""",
                                module.read_text(encoding="utf-8")))
    assert asked, "found no actions: the pattern no longer matches how the areas ask"
    assert sorted(asked - authz.POLICY.keys()) == []
