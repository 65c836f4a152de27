import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.core.errors import Invalid
from functions.core.pagination import decode, encode

KEY = b"k" * 32
LAST = {"pk": "PRACTICE#demo#PATIENT#1", "sk": "PATIENT", "gsi1pk": "PRACTICE#demo#PATIENT_NAME"}


def test_round_trip():
    token = encode(LAST, practice_id="demo", query="patients.by_name", key=KEY)
    assert decode(token, practice_id="demo", query="patients.by_name", key=KEY) == LAST


def test_no_more_pages_is_no_token():
    assert encode(None, practice_id="demo", query="q", key=KEY) is None
    assert decode(None, practice_id="demo", query="q", key=KEY) is None


def test_token_from_another_practice_is_refused():
    token = encode(LAST, practice_id="demo", query="q", key=KEY)
    with pytest.raises(Invalid):
        decode(token, practice_id="other", query="q", key=KEY)


def test_token_from_another_list_is_refused():
    token = encode(LAST, practice_id="demo", query="a", key=KEY)
    with pytest.raises(Invalid):
        decode(token, practice_id="demo", query="b", key=KEY)


def test_edited_token_is_refused():
    forged = encode({**LAST, "pk": "PRACTICE#other#PATIENT#1"}, practice_id="demo", query="q", key=b"x" * 32)
    with pytest.raises(Invalid):
        decode(forged, practice_id="demo", query="q", key=KEY)


def test_signed_key_outside_the_practice_is_refused_even_with_the_right_secret():
    leaked = encode({**LAST, "pk": "PRACTICE#other#PATIENT#1"}, practice_id="demo", query="q", key=KEY)
    with pytest.raises(Invalid):
        decode(leaked, practice_id="demo", query="q", key=KEY)


@pytest.mark.parametrize("garbage", ["x", ".", "abc.def", "!!!.###", "a" * 5000])
def test_garbage_is_refused(garbage):
    with pytest.raises(Invalid):
        decode(garbage, practice_id="demo", query="q", key=KEY)


@pytest.mark.parametrize("character", ["é", "\u0100", "😀", "\x00"])
def test_a_page_token_with_a_character_outside_base64url_is_refused_not_an_error(character):
    token = encode(LAST, practice_id="demo", query="q", key=KEY)
    for edited in (token[:-1] + character, character + token, token.replace(".", f".{character}")):
        with pytest.raises(Invalid):
            decode(edited, practice_id="demo", query="q", key=KEY)


@given(st.text(min_size=1, max_size=2100))
def test_any_text_as_a_page_token_is_refused_as_invalid(text):
    with pytest.raises(Invalid) as refused:
        decode(text, practice_id="demo", query="q", key=KEY)
    assert refused.value.code == "invalid_page_token"
