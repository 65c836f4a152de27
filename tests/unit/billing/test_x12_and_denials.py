"""The 837P as pyx12 judges it (original, replacement, void), the 835 parsed back into paid / partial /
denied with CARC/RARC, and the denial-rules table."""

from datetime import UTC, datetime

import pytest

from functions.billing import denials, remit
from functions.billing.clearinghouse import claim_from_837
from functions.billing.models.setup import DenialRule
from functions.billing.x12_837 import Envelope, amount, build, segments_of
from tests.unit.billing.claims import PROVIDER, claim
from tests.unit.billing.x12check import pyx12_errors

AT = datetime(2024, 5, 2, 9, 30, tzinfo=UTC)


def envelope(control: int = 17) -> Envelope:
    return Envelope("PRACTICEFLOW", "CLEARINGHOUSE", control, AT)


def segment(document: str, tag: str, first: str | None = None) -> list[str]:
    return next(s for s in segments_of(document) if s[0] == tag and (first is None or s[1] == first))


@pytest.mark.parametrize("frequency", ["1", "7", "8"])
def test_pyx12_accepts_the_837p_with_each_frequency_code(frequency):
    icn = None if frequency == "1" else "ICN0000000017"
    document = build(claim(frequency_code=frequency, payer_claim_control_number=icn), PROVIDER, envelope())
    assert pyx12_errors(document) == []
    assert segment(document, "CLM")[5] == f"11:B:{frequency}"
    references = [s for s in segments_of(document) if s[0] == "REF" and s[1] == "F8"]
    assert references == ([] if frequency == "1" else [["REF", "F8", "ICN0000000017"]])


def test_the_837p_carries_the_loops_codes_and_a_right_segment_count():
    document = build(claim(), PROVIDER, envelope())
    rows = segments_of(document)
    body = rows[rows.index(segment(document, "ST")):rows.index(segment(document, "SE")) + 1]
    assert segment(document, "SE")[1] == str(len(body))
    assert segment(document, "NM1", "85")[-1] == "1234567893"
    assert segment(document, "NM1", "IL")[-1] == "XYZ123456"
    assert segment(document, "NM1", "PR")[-1] == "60054"
    assert segment(document, "HI") == ["HI", "ABK:J45909", "ABF:E119"]
    assert [s for s in rows if s[0] == "SV1"] == [["SV1", "HC:99213:25", "150", "UN", "1", "", "", "1:2"],
                                                  ["SV1", "HC:J3420", "30.5", "UN", "2", "", "", "2"]]
    assert segment(document, "ISA")[13] == "000000017" and segment(document, "GS")[6] == "17"


def test_pyx12_catches_a_wrong_segment_count_so_the_check_can_fail():
    document = build(claim(), PROVIDER, envelope())
    broken = document.replace(f"SE*{segment(document, 'SE')[1]}*", "SE*99*")
    assert any("SE count" in error for error in pyx12_errors(broken))


def test_separators_in_names_cannot_break_the_file():
    subscriber = claim().subscriber.model_copy(update={"family_name": "O'Hara*~:^", "given_name": "Zoë"})
    document = build(claim(subscriber=subscriber), PROVIDER, envelope())
    assert pyx12_errors(document) == []
    assert segment(document, "NM1", "IL")[3] == "O'HARA"


def test_amounts_are_x12_decimals_from_cents():
    assert [amount(c) for c in (15000, 15050, 15055, 5, 0)] == ["150", "150.5", "150.55", "0.05", "0"]


@pytest.mark.parametrize(("outcome", "paid", "patient", "codes"), [
    ("paid", 11552, 2888, []),
    ("partially_paid", 9600, 2400, ["16"]),
    ("denied", 0, 0, ["16"]),
])
def test_an_835_is_parsed_into_paid_partial_or_denied_with_its_codes(outcome, paid, patient, codes):
    document = remit.build(claim(), remit.Adjudication(outcome, carc="16", rarc="MA130"), "ICN000000009", 9, AT)
    assert pyx12_errors(document) == []
    answer = remit.remittance_for(document, claim().id)
    assert (answer.outcome, answer.paid_cents, answer.patient_responsibility_cents) == (outcome, paid, patient)
    assert answer.denial_codes == codes and answer.payer_claim_control_number == "ICN000000009"
    assert answer.remark_codes == ([] if outcome == "paid" else ["MA130"])
    if outcome == "paid":
        assert {(a.group, a.carc) for a in answer.adjustments} == {("CO", "45"), ("PR", "2")}


def test_the_simulated_payer_reads_the_claim_back_from_its_837():
    read = claim_from_837(build(claim(), PROVIDER, envelope()))
    assert (read.id, read.total_cents, [line.charge_cents for line in read.lines]) == (claim().id, 18050,
                                                                                       [15000, 3050])


def test_denial_rules_pick_the_most_specific_match():
    decision = denials.decide([("CO", "16")], ["MA130"], None, auto_resubmits=0, max_auto_resubmits=2)
    assert decision.action == "resubmit" and "resubmitted as a replacement" in decision.reason
    assert denials.decide([("CO", "16")], ["M76"], None, 0, 2).action == "work_item"
    assert denials.decide([("CO", "18")], [], None, 0, 2).action == "close"


def test_unknown_denials_go_to_a_person_and_automatic_resubmits_are_capped():
    unknown = denials.decide([("CO", "204")], ["N130"], None, 0, 2)
    assert unknown.action == "work_item" and "no rule handles it" in unknown.reason and "CO-204" in unknown.reason
    capped = denials.decide([("CO", "16")], ["MA130"], None, auto_resubmits=2, max_auto_resubmits=2)
    assert capped.action == "work_item" and "already resubmitted 2 times" in capped.reason


def test_a_practice_table_replaces_the_defaults_and_may_match_on_group():
    rules = [DenialRule(carc="16", group="PR", action="close", note="patient's problem"),
             DenialRule(carc="16", action="resubmit")]
    assert denials.decide([("CO", "16")], [], rules, 0, 2).action == "resubmit"
    assert denials.decide([("PR", "16")], [], rules, 0, 2).action == "close"
    assert denials.decide([("CO", "31")], [], rules, 0, 2).action == "work_item"
