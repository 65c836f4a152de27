"""Code formats and the scrubbing rules table: each rule finds what it should and says what to fix."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from functions.billing import codes
from functions.billing.models.charges import ChargeIn, ChargeLine
from functions.billing.models.claims import Subscriber
from functions.billing.models.setup import RuleSetting
from functions.billing.scrub import ScrubContext, rule_table, scrub
from tests.unit.billing.claims import TODAY, claim

CLEAN = ScrubContext(today=TODAY)


@pytest.mark.parametrize("code", ["99213", "0001F", "0042T", "J3420", "G0439", "A0425"])
def test_procedure_codes_of_cpt_and_hcpcs_shape_pass(code):
    assert codes.is_procedure(code)


@pytest.mark.parametrize("code", ["9921", "992134", "J342", "I1234", "99.21", "", "ABCDE"])
def test_malformed_procedure_codes_fail(code):
    assert not codes.is_procedure(code)


@pytest.mark.parametrize("code", ["J45.909", "J45909", "E11.9", "Z00.00", "S72.001A", "U07.1", "R51"])
def test_icd10cm_codes_pass(code):
    assert codes.is_icd10cm(code)


@pytest.mark.parametrize("code", ["J4", "45.909", "J45.90912", "J4.5909", "JJ5.9", "J45..9"])
def test_malformed_icd10cm_codes_fail(code):
    assert not codes.is_icd10cm(code)


def test_carc_rarc_and_npi_formats():
    assert all(codes.is_carc(c) for c in ("16", "45", "197", "B7", "P1"))
    assert not any(codes.is_carc(c) for c in ("0", "1234", "MA130"))
    assert all(codes.is_rarc(c) for c in ("MA130", "M76", "N382"))
    assert not codes.is_rarc("16")
    assert codes.npi_valid("1234567893") and not codes.npi_valid("1234567890")


@given(st.from_regex(r"^\d{5}$", fullmatch=True))
def test_every_five_digit_code_has_cpt_shape(code):
    assert codes.procedure_problem(code) is None


def test_a_charge_request_refuses_bad_codes_and_pointers_with_the_reason():
    with pytest.raises(ValidationError) as error:
        ChargeIn(patient_id="p1", date_of_service=date(2024, 5, 1), diagnoses=["J45.909"],
                 lines=[{"procedure_code": "9921", "diagnosis_pointers": [1]}])
    assert "has 4 digits; a CPT code has 5" in str(error.value)
    with pytest.raises(ValidationError, match="points past the 1 diagnoses"):
        ChargeIn(patient_id="p1", date_of_service=date(2024, 5, 1), diagnoses=["J45.909"],
                 lines=[{"procedure_code": "99213", "diagnosis_pointers": [2]}])
    charge = ChargeIn(patient_id="p1", date_of_service=date(2024, 5, 1), diagnoses=["j45.909"],
                      lines=[{"procedure_code": "99213", "modifiers": ["25"], "diagnosis_pointers": [1]}])
    assert charge.diagnoses == ["J45909"]


def test_a_clean_claim_has_no_issues():
    report = scrub(claim(), CLEAN, rule_table())
    assert report.clean and report.issues == []


def issues(report):
    return {(i.rule, i.field): i.message for i in report.issues}


def test_malformed_codes_are_found_and_the_fix_named():
    bad = claim(diagnoses=["J45909", "45.9"], lines=[
        ChargeLine(procedure_code="9921", modifiers=["2"], units=1, diagnosis_pointers=[1], charge_cents=15000)],
        total_cents=15000)
    found = issues(scrub(bad, CLEAN))
    assert "a CPT code has 5" in found[("procedure_code", "lines[1].procedure_code")]
    assert "must be two letters or digits" in found[("modifiers", "lines[1].modifiers")]
    assert "is not ICD-10-CM" in found[("diagnosis_codes", "diagnoses[2]")]


def test_diagnosis_pointers_past_the_diagnoses_or_missing_are_found():
    bad = claim(lines=[ChargeLine(procedure_code="99213", units=1, diagnosis_pointers=[3], charge_cents=15000),
                       ChargeLine(procedure_code="99214", units=1, diagnosis_pointers=[], charge_cents=3050)])
    found = issues(scrub(bad, CLEAN))
    assert found[("diagnosis_pointers", "lines[1].diagnosis_pointers")] == \
        "line 1: diagnosis pointer 3 points past the 2 diagnoses; use 1-2"
    assert "points at no diagnosis" in found[("diagnosis_pointers", "lines[2].diagnosis_pointers")]


def test_coverage_not_active_on_the_date_of_service_is_found():
    ended = claim().subscriber.model_copy(update={"coverage_end": date(2024, 4, 30)})
    found = issues(scrub(claim(subscriber=ended), CLEAN))
    assert "ended on 2024-04-30, before the date of service 2024-05-01" in found[("coverage_active",
                                                                                 "subscriber.coverage")]
    later = claim().subscriber.model_copy(update={"coverage_start": date(2024, 5, 2)})
    assert ("coverage_active", "subscriber.coverage") in issues(scrub(claim(subscriber=later), CLEAN))


def test_a_duplicate_claim_is_found():
    found = issues(scrub(claim(), ScrubContext(today=TODAY, duplicates=("01OTHERCLAIM",))))
    assert "claim 01OTHERCLAIM already bills the same services" in found[("duplicate_claim", "charge_id")]


def test_timely_filing_is_an_error_past_the_deadline_and_a_warning_near_it():
    past = scrub(claim(timely_filing_deadline=TODAY - timedelta(days=1)), CLEAN)
    assert not past.clean and "deadline was 2024-05-31" in issues(past)[("timely_filing", "timely_filing_deadline")]
    near = scrub(claim(timely_filing_deadline=TODAY + timedelta(days=5)), CLEAN)
    assert near.clean and [i.severity for i in near.issues] == ["warning"]
    assert "5 days away: submit now" in near.issues[0].message


def test_a_replacement_without_the_payer_claim_number_is_found():
    found = issues(scrub(claim(frequency_code="7"), CLEAN))
    assert "must quote the payer's claim control number" in found[("frequency_reference",
                                                                   "payer_claim_control_number")]
    assert scrub(claim(frequency_code="7", payer_claim_control_number="ICN1"), CLEAN).clean


def test_missing_billing_provider_member_id_and_future_service_are_found():
    subscriber: Subscriber = claim().subscriber.model_copy(update={"member_id": ""})
    found = issues(scrub(claim(subscriber=subscriber, date_of_service=TODAY + timedelta(days=1)),
                         ScrubContext(today=TODAY, billing_provider_set=False)))
    assert {"member_id", "billing_provider", "date_of_service"} <= {rule for rule, _ in found}


def test_practice_and_payer_tables_switch_rules_off_downgrade_and_tune_them():
    wide = claim(lines=[ChargeLine(procedure_code="J3420", units=6, diagnosis_pointers=[1], charge_cents=9150)],
                 total_cents=9150)
    assert scrub(wide, CLEAN, rule_table()).clean
    payer = {"units": RuleSetting(params={"max_units": 4})}
    report = scrub(wide, CLEAN, rule_table(payer=payer))
    assert not report.clean and "this payer takes at most 4" in report.issues[0].message
    practice = {"units": RuleSetting(severity="warning", params={"max_units": 2})}
    assert scrub(wide, CLEAN, rule_table(practice=practice)).clean  # downgraded by the practice...
    assert not scrub(wide, CLEAN, rule_table(practice=practice, payer=payer)).clean  # ...the payer's wins
    off = {"duplicate_claim": RuleSetting(enabled=False)}
    assert scrub(claim(), ScrubContext(today=TODAY, duplicates=("x",)), rule_table(practice=off)).clean
