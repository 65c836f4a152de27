import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.core.errors import Invalid
from functions.core.keys import belongs_to, collection_pk, entity_pk, is_segment, segment, tenant_prefix


def test_entity_key_starts_with_the_tenant():
    assert entity_pk("demo", "PATIENT", "01J") == "PRACTICE#demo#PATIENT#01J"


def test_collection_key_carries_its_parts():
    assert collection_pk("demo", "AUDIT_OF", "p1") == "PRACTICE#demo#AUDIT_OF#p1"


@pytest.mark.parametrize("bad", ["", "a#b", "a b", "x" * 65, "ü", "../x", None, 5])
def test_an_id_that_could_escape_its_key_is_refused(bad):
    with pytest.raises(Invalid):
        segment(bad)


@pytest.mark.parametrize("bad", ["", "a#b", "a b", "x" * 65, "ü", "../x", None, 5])
def test_is_segment_says_no_where_segment_refuses(bad):
    assert not is_segment(bad)


def test_is_segment_says_yes_to_an_id_segment_accepts():
    assert is_segment("01J0000000000000000000ABCD") and segment("01J0000000000000000000ABCD")


@given(st.text(min_size=1, max_size=64))
def test_no_accepted_id_contains_the_separator(text):
    try:
        accepted = segment(text)
    except Invalid:
        return
    assert "#" not in accepted


def test_a_practice_whose_id_prefixes_another_does_not_own_its_keys():
    assert not belongs_to("demo", entity_pk("demo2", "PATIENT", "x"))
    assert belongs_to("demo", entity_pk("demo", "PATIENT", "x"))
    assert tenant_prefix("demo").endswith("#")


def test_a_trailing_newline_does_not_slip_past_an_anchored_pattern():
    # `re.match` with `$` accepts "x\n"; every hand-written check uses fullmatch
    from functions.billing import codes
    from functions.core import types
    from functions.core.idempotency import validate_key

    assert not is_segment("01J0000000000000000000ABCD\n")
    with pytest.raises(Invalid):
        validate_key("a-good-key-123\n")
    for check, good in ((types._phone, "+14155550123"), (types._email, "ada@example.org"),
                        (types._language, "en"), (types._user_id, "user-1")):
        assert check(good) == good
        with pytest.raises(ValueError):
            check(good + "\n")
    assert codes.is_cpt("99213") and not codes.is_cpt("99213\n")
