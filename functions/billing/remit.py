"""Remittance advice, X12 835 (005010X221A1): a parser that turns a payer's answer about one claim into
paid / partially paid / denied with its CARC/RARC codes, and a small builder the simulated
clearinghouse uses to answer like a payer would. Pure."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from functions.billing.models.claims import Adjustment, Claim
from functions.billing.x12_837 import COMPONENT, ELEMENT, SEGMENT, amount, text

VERSION = "005010X221A1"
Outcome = Literal["paid", "partially_paid", "denied"]
DENIED_STATUS = "4"


def cents(value: str) -> int:
    """X12 decimal text to integer cents, without a float in between."""
    value = value.strip() or "0"
    negative = value.startswith("-")
    whole, _, part = value.lstrip("-").partition(".")
    result = int(whole or "0") * 100 + int((part + "00")[:2])
    return -result if negative else result


@dataclass
class LineRemit:
    line: int
    procedure_code: str
    charge_cents: int
    paid_cents: int
    adjustments: list[Adjustment] = field(default_factory=list)
    remark_codes: list[str] = field(default_factory=list)


@dataclass
class Remittance:
    claim_id: str
    status_code: str  # CLP02: 1 processed as primary, 2 as secondary, 4 denied, 22 reversal
    charge_cents: int
    paid_cents: int
    patient_responsibility_cents: int
    payer_claim_control_number: str
    adjustments: list[Adjustment] = field(default_factory=list)  # claim and line level
    remark_codes: list[str] = field(default_factory=list)  # RARCs, claim and line level
    lines: list[LineRemit] = field(default_factory=list)
    trace_number: str = ""
    paid_on: date | None = None

    @property
    def outcome(self) -> Outcome:
        if self.status_code == DENIED_STATUS or (self.paid_cents == 0 and self.patient_responsibility_cents == 0):
            return "denied"
        denied_lines = [line for line in self.lines if line.paid_cents == 0 and any(
            a.group != "PR" for a in line.adjustments)]
        return "partially_paid" if denied_lines else "paid"

    @property
    def denial_codes(self) -> list[str]:
        """The CARCs that explain what was not paid (contractual 45 and patient share are not denials)."""
        return [a.carc for a in self.adjustments if a.group != "PR" and a.carc != "45"]


def _cas(elements: list[str], line: int | None) -> list[Adjustment]:
    group = elements[1]
    found = []
    for start in range(2, len(elements), 3):  # up to six (reason, amount, quantity) triplets
        reason = elements[start] if start < len(elements) else ""
        value = elements[start + 1] if start + 1 < len(elements) else ""
        if reason:
            found.append(Adjustment(group=group, carc=reason, amount_cents=cents(value), line=line))
    return found


def parse(document: str) -> list[Remittance]:
    """Every claim payment (CLP loop) in an 835, with its adjustments and remarks."""
    remits: list[Remittance] = []
    trace, paid_on = "", None
    current: Remittance | None = None
    line: LineRemit | None = None
    for raw in document.split(SEGMENT):
        elements = raw.strip().split(ELEMENT)
        tag = elements[0]
        if tag == "BPR" and len(elements) > 16 and elements[16]:
            paid_on = datetime.strptime(elements[16], "%Y%m%d").date()
        elif tag == "TRN":
            trace = elements[2]
        elif tag == "CLP":
            current = Remittance(claim_id=elements[1], status_code=elements[2], charge_cents=cents(elements[3]),
                                 paid_cents=cents(elements[4]), patient_responsibility_cents=cents(elements[5] or "0"),
                                 payer_claim_control_number=elements[7], trace_number=trace, paid_on=paid_on)
            remits.append(current)
            line = None
        elif current is None:
            continue
        elif tag == "CAS":
            adjustments = _cas(elements, line.line if line else None)
            current.adjustments += adjustments
            if line:
                line.adjustments += adjustments
        elif tag == "MOA":
            current.remark_codes += [code for code in elements[3:8] if code]
        elif tag == "SVC":
            procedure = elements[1].split(COMPONENT)
            line = LineRemit(line=len(current.lines) + 1, procedure_code=procedure[1] if len(procedure) > 1 else "",
                             charge_cents=cents(elements[2]), paid_cents=cents(elements[3]))
            current.lines.append(line)
        elif tag == "LQ" and elements[1] == "HE":
            current.remark_codes.append(elements[2])
            if line:
                line.remark_codes.append(elements[2])
    return remits


def remittance_for(document: str, claim_id: str) -> Remittance | None:
    return next((r for r in parse(document) if r.claim_id == claim_id), None)


# --- the builder (what a simulated payer answers) -------------------------------------------------------

def _segment(*elements: str) -> str:
    while len(elements) > 1 and elements[-1] == "":
        elements = elements[:-1]
    return ELEMENT.join(elements) + SEGMENT


@dataclass(frozen=True)
class Adjudication:
    outcome: Outcome
    carc: str = "16"
    rarc: str | None = None
    allowed_percent: int = 80  # of the charge
    coinsurance_percent: int = 20  # of the allowed amount, the patient's share


def build(claim: Claim, adjudication: Adjudication, icn: str, control_number: int, paid_at: datetime,
          payer_tax_id: str = "999999999", provider_npi: str = "1234567893") -> str:
    """An 835 paying, partially paying or denying `claim` (allowed and coinsurance by percentages)."""
    lines, total_paid, total_pr = [], 0, 0
    claim_level: list[str] = []
    outcome = adjudication.outcome
    if outcome == "denied":
        claim_level.append(_segment("CAS", "CO", adjudication.carc, amount(claim.total_cents)))
    for n, charge_line in enumerate(claim.lines, start=1):
        procedure = COMPONENT.join(["HC", charge_line.procedure_code, *charge_line.modifiers])
        charge = charge_line.charge_cents
        denied_line = outcome == "denied" or (outcome == "partially_paid" and n > 1)
        if denied_line:
            segs = [_segment("SVC", procedure, amount(charge), "0", "", str(charge_line.units)),
                    _segment("DTM", "472", claim.date_of_service.strftime("%Y%m%d"))]
            if outcome == "partially_paid":
                segs.append(_segment("CAS", "CO", adjudication.carc, amount(charge)))
                if adjudication.rarc:
                    segs.append(_segment("LQ", "HE", adjudication.rarc))
            lines += segs
            continue
        allowed = charge * adjudication.allowed_percent // 100
        patient = allowed * adjudication.coinsurance_percent // 100
        paid = allowed - patient
        total_paid += paid
        total_pr += patient
        lines += [_segment("SVC", procedure, amount(charge), amount(paid), "", str(charge_line.units)),
                  _segment("DTM", "472", claim.date_of_service.strftime("%Y%m%d"))]
        if charge > allowed:
            lines.append(_segment("CAS", "CO", "45", amount(charge - allowed)))
        if patient:
            lines.append(_segment("CAS", "PR", "2", amount(patient)))
    status = DENIED_STATUS if outcome == "denied" else ("1" if claim.rank == "primary" else "2")
    day = paid_at.strftime("%Y%m%d")
    trace = f"{control_number:09d}"
    body = [
        _segment("ST", "835", f"{control_number % 10**9:04d}"),
        _segment("BPR", "I" if total_paid else "H", amount(total_paid), "C", "ACH" if total_paid else "NON",
                 "CCP" if total_paid else "", "01" if total_paid else "", "999999999" if total_paid else "",
                 "DA" if total_paid else "", "123456" if total_paid else "", "1" + payer_tax_id, "",
                 "01" if total_paid else "", "999999999" if total_paid else "", "DA" if total_paid else "",
                 "654321" if total_paid else "", day),
        _segment("TRN", "1", trace, "1" + payer_tax_id),
        _segment("DTM", "405", day),
        _segment("N1", "PR", text(claim.payer_name, 60)),
        _segment("N3", "1 PAYER PLAZA"),
        _segment("N4", "HARTFORD", "CT", "06101"),
        _segment("PER", "BL", "PROVIDER SERVICES", "TE", "8005550199"),
        _segment("N1", "PE", "BILLING PROVIDER", "XX", provider_npi),
        _segment("LX", "1"),
        _segment("CLP", text(claim.id, 38), status, amount(claim.total_cents), amount(total_paid), amount(total_pr),
                 "12", icn, claim.place_of_service, claim.frequency_code),
        *claim_level,
        _segment("NM1", "QC", "1", text(claim.subscriber.family_name, 60), text(claim.subscriber.given_name, 35), "",
                 "", "", "MI", text(claim.subscriber.member_id, 80)),
    ]
    if outcome == "denied" and adjudication.rarc:
        body.append(_segment("MOA", "", "", adjudication.rarc))
    body += lines
    body.append(_segment("SE", str(len(body) + 1), f"{control_number % 10**9:04d}"))
    isa = _segment("ISA", "00", " " * 10, "00", " " * 10, "ZZ", "CLEARINGHOUSE".ljust(15), "ZZ",
                   "PRACTICEFLOW".ljust(15), paid_at.strftime("%y%m%d"), paid_at.strftime("%H%M"), "^", "00501",
                   f"{control_number:09d}", "0", "T", COMPONENT)
    gs = _segment("GS", "HP", "CLEARINGHOUSE", "PRACTICEFLOW", day, paid_at.strftime("%H%M"), str(control_number), "X",
                  VERSION)
    return "".join([isa, gs, *body, _segment("GE", "1", str(control_number)),
                    _segment("IEA", "1", f"{control_number:09d}")])
