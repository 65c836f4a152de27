import pytest

from functions.core.signed import MAX_TOKEN, SignedTokens

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
