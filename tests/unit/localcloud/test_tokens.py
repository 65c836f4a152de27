"""The local server's bearer-token check: anything that is not a token we issued is InvalidToken (a 401),
never another exception (a 500)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from localcloud import tokens

KEY = b"k" * 32


@pytest.mark.parametrize("character", ["é", "ÿ", "\u0100", "😀", "\x00"])
def test_a_signature_with_a_non_ascii_character_is_an_invalid_token(character):
    token = tokens.mint(KEY, "coordinator", "demo")
    with pytest.raises(tokens.InvalidToken):
        tokens.verify(token[:-1] + character, KEY)


def test_a_header_or_payload_outside_base64url_is_an_invalid_token():
    header, payload, signature = tokens.mint(KEY, "coordinator", "demo").split(".")
    for edited in (f"é{header}.{payload}.{signature}", f"{header}.{payload}é.{signature}", f"..{signature}"):
        with pytest.raises(tokens.InvalidToken):
            tokens.verify(edited, KEY)


@given(st.text(max_size=300))
def test_any_text_is_an_invalid_token(text):
    with pytest.raises(tokens.InvalidToken):
        tokens.verify(text, KEY)


@given(st.lists(st.text(max_size=40), min_size=3, max_size=3))
def test_any_three_dotted_parts_are_an_invalid_token(parts):
    with pytest.raises(tokens.InvalidToken):
        tokens.verify(".".join(parts), KEY)
