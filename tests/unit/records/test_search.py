"""Finding patients by name, birth date or phone, a signed page at a time, on in-memory fakes."""

from datetime import date

import pytest

from functions.core.errors import Invalid, NotFound
from tests.unit.records.support import caller, patient_in


def test_soft_deleted_patient_reads_as_not_found_and_leaves_search(patients, search, audit):
    created = patients.register(caller(), patient_in())
    patients.delete(caller(), created.id)
    with pytest.raises(NotFound):
        patients.read(caller(), created.id)
    with pytest.raises(NotFound):
        patients.delete(caller(), created.id)
    assert search.search(caller(), family="love").patients == []
    assert audit.actions() == ["patient.create", "patient.delete", "patient.search"]


def test_search_needs_exactly_one_kind_of_criterion(search):
    for criteria in ({}, {"given": "Ada"}, {"family": "L", "phone": "+442079460000"},
                     {"birth_date": date(1990, 12, 10), "phone": "+442079460000"}):
        with pytest.raises(Invalid):
            search.search(caller(), **criteria)


def test_search_pages_with_signed_tokens_tied_to_the_search(patients, search, audit):
    for given in ("Ann", "Bea", "Cal", "Dee", "Eve"):
        patients.register(caller(), patient_in(given_name=given))
    first = search.search(caller(), family="LOVE", limit=2)
    assert [p.given_name for p in first.patients] == ["Ann", "Bea"] and first.next_page_token
    second = search.search(caller(), family="love", limit=2, page_token=first.next_page_token)
    assert [p.given_name for p in second.patients] == ["Cal", "Dee"]
    third = search.search(caller(), family="love", limit=2, page_token=second.next_page_token)
    assert [p.given_name for p in third.patients] == ["Eve"] and third.next_page_token is None
    assert audit.actions().count("patient.search") == 3
    with pytest.raises(Invalid):  # same token, another search
        search.search(caller(), family="lovel", limit=2, page_token=first.next_page_token)
    with pytest.raises(Invalid):  # same token, another practice
        search.search(caller(practice="p2"), family="love", limit=2, page_token=first.next_page_token)
    with pytest.raises(Invalid):  # edited
        search.search(caller(), family="love", limit=2, page_token="x" + first.next_page_token[1:])


def test_search_by_birth_date_and_phone(patients, search):
    created = patients.register(caller(), patient_in())
    patients.register(caller(), patient_in(birth_date="1991-01-01", phone="+442079460001"))
    assert [p.id for p in search.search(caller(), birth_date=date(1990, 12, 10)).patients] == [created.id]
    assert len(search.search(caller(), phone="+442079460000").patients) == 1


def test_given_name_search_matches_the_whole_family_name(patients, search):
    patients.register(caller(), patient_in(family_name="Lovelace", given_name="Ada"))
    patients.register(caller(), patient_in(family_name="Lovelaceson", given_name="Ada"))
    assert len(search.search(caller(), family="lovelace").patients) == 2
    assert len(search.search(caller(), family="Lovelace", given="ad").patients) == 1
