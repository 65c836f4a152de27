"""PatientIndex: the fake and the DynamoDB adapter find the same live patients, in the same order and pages."""

from datetime import date

import pytest

from functions.core.errors import Invalid
from tests.contract import records_world
from tests.contract.records_world import AT, OTHER, PRACTICE, audit, registered

world = records_world.world  # the suite runs on the fake and on the DynamoDB adapter


def names(patients) -> list[str]:
    return [f"{p.given_name} {p.family_name}" for p in patients]


def test_a_family_name_prefix_finds_live_patients_in_name_order_whatever_the_case_or_accents(world):
    registered(world, given_name="Eve", family_name="Lovelace")
    registered(world, given_name="Ada", family_name="Lövelace-King")
    registered(world, given_name="Bea", family_name="Lovelace")
    registered(world, given_name="Cal", family_name="Turing")
    registered(world, OTHER, given_name="Zed", family_name="Lovelace")
    found, last = world.index.search_by_name(PRACTICE, "LOVE", None, 10)
    assert names(found) == ["Bea Lovelace", "Eve Lovelace", "Ada Lövelace-King"] and last is None


def test_a_given_name_prefix_matches_the_whole_family_name(world):
    registered(world, given_name="Ada", family_name="Lovelace")
    registered(world, given_name="Ada", family_name="Lovelaceson")
    registered(world, given_name="Bea", family_name="Lovelace")
    found, _ = world.index.search_by_name(PRACTICE, "lovelace", "ad", 10)
    assert names(found) == ["Ada Lovelace"]


def test_a_name_without_letters_or_digits_is_refused(world):
    with pytest.raises(Invalid):
        world.index.search_by_name(PRACTICE, "--", None, 10)


def test_birth_date_and_phone_find_exactly_their_patients(world):
    ada = registered(world)
    registered(world, birth_date="1991-01-01", phone="+442079460001")
    registered(world, phone=None, birth_date="1992-02-02")
    assert [p.id for p in world.index.search_by_birth_date(PRACTICE, date(1990, 12, 10), 10)[0]] == [ada.id]
    assert [p.id for p in world.index.search_by_phone(PRACTICE, "+442079460000", 10)[0]] == [ada.id]
    assert world.index.search_by_phone(OTHER, "+442079460000", 10) == ([], None)


def test_pages_continue_after_the_last_patient_listed(world):
    for given in ("Ann", "Bea", "Cal", "Dee", "Eve"):
        registered(world, given_name=given)
    first, after = world.index.search_by_name(PRACTICE, "lovelace", None, 2)
    second, after2 = world.index.search_by_name(PRACTICE, "lovelace", None, 2, after)
    third, end = world.index.search_by_name(PRACTICE, "lovelace", None, 2, after2)
    assert [names(page) for page in (first, second, third)] == [
        ["Ann Lovelace", "Bea Lovelace"], ["Cal Lovelace", "Dee Lovelace"], ["Eve Lovelace"]]
    assert after == first[-1].id and end is None


def test_a_soft_deleted_patient_leaves_every_search_and_a_renamed_one_moves(world):
    ada = registered(world)
    bea = registered(world, given_name="Bea")
    world.records.soft_delete(PRACTICE, ada.id, AT, audit("patient.delete", ada.id), [])
    renamed = bea.model_copy(update={"family_name": "King", "phone": None, "version": 2})
    world.records.update(PRACTICE, renamed, 1, audit("patient.update", bea.id), [])
    assert world.index.search_by_name(PRACTICE, "lovelace", None, 10) == ([], None)
    assert [p.id for p in world.index.search_by_name(PRACTICE, "king", None, 10)[0]] == [bea.id]
    assert world.index.search_by_birth_date(PRACTICE, date(1990, 12, 10), 10)[0][0].id == bea.id
    assert world.index.search_by_phone(PRACTICE, "+442079460000", 10) == ([], None)
