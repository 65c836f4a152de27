"""Request validation: the shapes a caller may send, refused loudly when wrong."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from functions.records.models.consent import ConsentIn
from functions.records.models.coverage import CoverageIn
from functions.records.models.patients import PatientIn, PatientPatch, name_key

BASE = {"given_name": "Ada", "family_name": "Lovelace", "birth_date": "1990-12-10", "gender": "female"}


def errors(model, **fields) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        model(**fields)
    return [e["type"] for e in raised.value.errors()]


@pytest.mark.parametrize("phone", ["+14155550123", "+442079460000", "+8613800138000"])
def test_e164_phone_numbers_are_accepted(phone):
    assert PatientIn(**BASE, phone=phone).phone == phone


@pytest.mark.parametrize("phone", ["4155550123", "+0155550123", "+1 415 555 0123", "+1415555012345678", "+1-415",
                                   "", "+"])
def test_phone_numbers_not_in_e164_are_refused(phone):
    assert errors(PatientIn, **BASE, phone=phone)


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/London", "UTC", "Asia/Kolkata"])
def test_iana_time_zones_are_accepted(zone):
    assert PatientIn(**BASE, time_zone=zone).time_zone == zone


@pytest.mark.parametrize("zone", ["EST5", "Mars/Olympus", "america/new_york", "+05:00", "../etc/passwd"])
def test_unknown_time_zones_are_refused(zone):
    assert errors(PatientIn, **BASE, time_zone=zone)


def test_unknown_fields_are_refused_at_every_level():
    assert "extra_forbidden" in errors(PatientIn, **BASE, ssn="123-45-6789")
    assert "extra_forbidden" in errors(PatientIn, **BASE, contacts=[
        {"name": "X", "relationship": "friend", "phone": "+14155550123", "nickname": "x"}])
    assert "extra_forbidden" in errors(PatientPatch, nickname="x")


def test_wrong_types_and_missing_fields_are_refused():
    assert errors(PatientIn, **{**BASE, "birth_date": "10/12/1990"})
    assert errors(PatientIn, **{**BASE, "gender": "f"})
    assert errors(PatientIn, given_name="Ada")
    assert errors(PatientIn, **{**BASE, "given_name": ""})
    assert errors(PatientIn, **{**BASE, "given_name": "x" * 101})


def test_a_birth_date_in_the_future_is_refused():
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    assert errors(PatientIn, **{**BASE, "birth_date": tomorrow})


def test_emails_are_checked_and_lowercased():
    assert PatientIn(**BASE, email="Ada@Example.ORG").email == "ada@example.org"
    assert errors(PatientIn, **BASE, email="ada@")
    assert errors(PatientIn, **BASE, email="ada example.org")


def test_care_team_has_at_most_one_primary_practitioner():
    two = [{"user_id": "u1", "role": "primary_practitioner"}, {"user_id": "u2", "role": "primary_practitioner"}]
    assert errors(PatientIn, **BASE, care_team=two)


def test_a_patch_cannot_clear_a_required_field_but_can_clear_an_optional_one():
    assert errors(PatientPatch, family_name=None)
    assert PatientPatch(phone=None).changes() == {"phone": None}


def test_coverage_period_must_not_end_before_it_starts():
    base = {"payer_id": "60054", "payer_name": "Aetna", "member_id": "W1", "rank": "primary"}
    assert errors(CoverageIn, **base, period_start="2026-02-01", period_end="2026-01-31")
    assert errors(CoverageIn, **{**base, "rank": "tertiary"}, period_start="2026-02-01")


def test_consent_shape_follows_its_kind():
    assert ConsentIn(kind="communication", channels=["sms", "email"]).channels == ["sms", "email"]
    assert errors(ConsentIn, kind="communication")
    assert errors(ConsentIn, kind="communication", channels=["fax"])
    assert errors(ConsentIn, kind="communication", channels=["sms", "sms"])
    assert errors(ConsentIn, kind="treatment", channels=["sms"])
    assert errors(ConsentIn, kind="data_sharing")
    assert errors(ConsentIn, kind="data_sharing", shares_with=["not-an-id"])


@given(st.text(max_size=60))
def test_a_name_key_never_holds_the_key_separator_and_is_stable(text):
    key = name_key(text)
    assert "#" not in key
    assert name_key(key) == key
    assert key == key.strip() and " " not in key


def test_name_keys_ignore_case_accents_and_punctuation():
    assert name_key("  O'Brien-Núñez ") == name_key("obrien nunez") == "obrien_nunez"
    assert name_key("Lovelace King") > name_key("Lovelace") + "#"  # a longer family name sorts after
