import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.core.signed import MAX_TOKEN, SignedTokens, signature_matches

SECRET = b"s" * 32


def test_round_trip():
    tokens = SignedTokens(lambda: SECRET, "kind-a")
    assert tokens.open(tokens.sign(["demo", "PATIENT#1", "sms"])) == ["demo", "PATIENT#1", "sms"]


def test_a_token_of_one_kind_is_not_valid_as_another():
    token = SignedTokens(lambda: SECRET, "kind-a").sign(["demo", "x"])
    assert SignedTokens(lambda: SECRET, "kind-b").open(token) is None


def test_another_secret_does_not_open_it():
    token = SignedTokens(lambda: SECRET, "kind-a").sign(["demo", "x"])
    assert SignedTokens(lambda: b"t" * 32, "kind-a").open(token) is None


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-1], lambda t: "x" + t, lambda t: t.replace(".", ""), lambda t: t + "a" * MAX_TOKEN,
    lambda t: "eyJ9." + t.split(".")[1],
])
def test_edited_tokens_are_refused(mangle):
    tokens = SignedTokens(lambda: SECRET, "kind-a")
    assert tokens.open(mangle(tokens.sign(["demo", "PATIENT#1", "email"]))) is None


def _with_last_character(token: str, character: str) -> str:
    return token[:-1] + character


@pytest.mark.parametrize("character", ["é", "ÿ", "\u0100", "😀", "\x00", "+", "/"])
def test_a_signature_with_a_character_outside_base64url_is_refused_not_an_error(character):
    tokens = SignedTokens(lambda: SECRET, "kind-a")
    assert tokens.open(_with_last_character(tokens.sign(["demo", "x"]), character)) is None


def test_a_payload_with_a_character_outside_base64url_is_refused():
    tokens = SignedTokens(lambda: SECRET, "kind-a")
    assert tokens.open("é" + tokens.sign(["demo", "x"])) is None


@given(st.text(max_size=MAX_TOKEN + 20))
def test_any_text_opens_to_nothing_without_raising(text):
    assert SignedTokens(lambda: SECRET, "kind-a").open(text) is None


@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=8), st.integers(0, 60))
def test_any_edit_of_a_real_token_is_refused(insert, at):
    tokens = SignedTokens(lambda: SECRET, "kind-a")
    token = tokens.sign(["demo", "PATIENT#1", "email"])
    at = min(at, len(token))
    edited = token[:at] + insert + token[at:]
    assert tokens.open(edited) is None


def test_signature_matches_only_the_same_base64url_text():
    assert signature_matches("abc_-=", "abc_-=")
    assert not signature_matches("abc", "abd")
    assert not signature_matches("ab\u00e9", "abc")
    assert not signature_matches("", "")
