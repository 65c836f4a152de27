"""Claim scrubbing: the rules a claim must pass before it leaves, as a table a practice (and, above it,
a payer) can switch off, downgrade to a warning or tune. Pure: a claim and what is known about it in,
issues out, each saying exactly what to fix."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from functions.billing import codes
from functions.billing.models.claims import Claim, Issue
from functions.billing.models.setup import RuleSetting

MEMBER_ID = re.compile(r"^[A-Za-z0-9-]{2,80}$")


@dataclass(frozen=True)
class ScrubContext:
    today: date
    duplicates: tuple[str, ...] = ()  # ids of other live claims for the same services
    billing_provider_set: bool = True


@dataclass(frozen=True)
class Found:
    field: str
    message: str


Rule = Callable[[Claim, ScrubContext, RuleSetting], Iterator[Found]]
RULES: dict[str, Rule] = {}


def rule(name: str) -> Callable[[Rule], Rule]:
    def register(check: Rule) -> Rule:
        RULES[name] = check
        return check
    return register


@rule("procedure_code")
def _procedure_codes(claim: Claim, _: ScrubContext, __: RuleSetting) -> Iterator[Found]:
    for n, line in enumerate(claim.lines, start=1):
        if not line.procedure_code:
            yield Found(f"lines[{n}].procedure_code", f"line {n} has no procedure code: add its CPT or HCPCS code")
        elif problem := codes.procedure_problem(line.procedure_code):
            yield Found(f"lines[{n}].procedure_code", f"line {n}: {problem}")


@rule("modifiers")
def _modifiers(claim: Claim, _: ScrubContext, __: RuleSetting) -> Iterator[Found]:
    for n, line in enumerate(claim.lines, start=1):
        if len(line.modifiers) > 4:
            yield Found(f"lines[{n}].modifiers", f"line {n} has {len(line.modifiers)} modifiers; keep at most 4")
        for modifier in line.modifiers:
            if not codes.is_modifier(modifier):
                yield Found(f"lines[{n}].modifiers",
                            f"line {n}: modifier {modifier!r} must be two letters or digits (e.g. 25); "
                            "fix or remove it")
        if len(set(line.modifiers)) != len(line.modifiers):
            yield Found(f"lines[{n}].modifiers", f"line {n} repeats a modifier; list each once")


@rule("diagnosis_codes")
def _diagnoses(claim: Claim, _: ScrubContext, __: RuleSetting) -> Iterator[Found]:
    if not claim.diagnoses:
        yield Found("diagnoses", "the claim has no diagnosis: add at least one ICD-10-CM code")
    if len(claim.diagnoses) > 12:
        yield Found("diagnoses", f"the claim has {len(claim.diagnoses)} diagnoses; an 837P carries at most 12")
    for n, diagnosis in enumerate(claim.diagnoses, start=1):
        if problem := codes.diagnosis_problem(diagnosis):
            yield Found(f"diagnoses[{n}]", f"diagnosis {n}: {problem}")
    if len(set(claim.diagnoses)) != len(claim.diagnoses):
        yield Found("diagnoses", "a diagnosis appears twice; list each once and point lines at it")


@rule("diagnosis_pointers")
def _pointers(claim: Claim, _: ScrubContext, __: RuleSetting) -> Iterator[Found]:
    count = len(claim.diagnoses)
    for n, line in enumerate(claim.lines, start=1):
        where = f"lines[{n}].diagnosis_pointers"
        if not line.diagnosis_pointers:
            yield Found(where, f"line {n} points at no diagnosis: point it at the diagnosis it treats (1-{count})")
        elif len(line.diagnosis_pointers) > 4:
            yield Found(where, f"line {n} has {len(line.diagnosis_pointers)} diagnosis pointers; keep at most 4")
        for pointer in line.diagnosis_pointers:
            if not 1 <= pointer <= min(count, 12):
                yield Found(where, f"line {n}: diagnosis pointer {pointer} points past the {count} diagnoses; "
                                   f"use 1-{count}")
        if len(set(line.diagnosis_pointers)) != len(line.diagnosis_pointers):
            yield Found(where, f"line {n} repeats a diagnosis pointer; list each once")


@rule("units")
def _units(claim: Claim, _: ScrubContext, setting: RuleSetting) -> Iterator[Found]:
    most = int(setting.params.get("max_units", 999))
    for n, line in enumerate(claim.lines, start=1):
        if line.units < 1:
            yield Found(f"lines[{n}].units", f"line {n} bills {line.units} units; bill at least 1")
        elif line.units > most:
            yield Found(f"lines[{n}].units", f"line {n} bills {line.units} units; this payer takes at most {most} "
                                             "per line: split the line or check the count")


@rule("charge_amount")
def _amounts(claim: Claim, _: ScrubContext, __: RuleSetting) -> Iterator[Found]:
    for n, line in enumerate(claim.lines, start=1):
        if line.charge_cents <= 0:
            yield Found(f"lines[{n}].charge_cents", f"line {n} has no charge: price it (or add the code to the "
                                                    "fee schedule)")
    if claim.total_cents != sum(line.charge_cents for line in claim.lines):
        yield Found("total_cents", "the claim total is not the sum of its lines: rebuild the claim from the charge")


@rule("member_id")
def _member(claim: Claim, _: ScrubContext, __: RuleSetting) -> Iterator[Found]:
    if not MEMBER_ID.fullmatch(claim.subscriber.member_id or ""):
        yield Found("subscriber.member_id", "the member id on the coverage is missing or has characters a payer "
                                            "will not accept: correct it in the patient's coverage")


@rule("coverage_active")
def _coverage(claim: Claim, _: ScrubContext, __: RuleSetting) -> Iterator[Found]:
    subscriber, day = claim.subscriber, claim.date_of_service
    if day < subscriber.coverage_start:
        yield Found("subscriber.coverage", f"the {claim.rank} coverage starts on {subscriber.coverage_start}, after "
                                           f"the date of service {day}: bill the coverage in force that day")
    elif subscriber.coverage_end is not None and day > subscriber.coverage_end:
        yield Found("subscriber.coverage", f"the {claim.rank} coverage ended on {subscriber.coverage_end}, before "
                                           f"the date of service {day}: bill the coverage in force that day")


@rule("date_of_service")
def _date(claim: Claim, context: ScrubContext, __: RuleSetting) -> Iterator[Found]:
    if claim.date_of_service > context.today:
        yield Found("date_of_service", f"the date of service {claim.date_of_service} is in the future: bill it "
                                       "once the visit has happened")


@rule("duplicate_claim")
def _duplicate(_: Claim, context: ScrubContext, __: RuleSetting) -> Iterator[Found]:
    for other in context.duplicates:
        yield Found("charge_id", f"claim {other} already bills the same services to this payer for this patient "
                                 "and date: void one of the two")


@rule("timely_filing")
def _timely(claim: Claim, context: ScrubContext, setting: RuleSetting) -> Iterator[Found]:
    deadline = claim.timely_filing_deadline
    if context.today > deadline:
        yield Found("timely_filing_deadline", f"the payer's filing deadline was {deadline}; it will deny this "
                                              "claim (CARC 29): bill the patient or appeal with proof of timely "
                                              "filing")


@rule("timely_filing_warning")
def _timely_warning(claim: Claim, context: ScrubContext, setting: RuleSetting) -> Iterator[Found]:
    days = int(setting.params.get("days", 14))
    deadline = claim.timely_filing_deadline
    if context.today <= deadline <= context.today + timedelta(days=days):
        yield Found("timely_filing_deadline", f"the payer's filing deadline is {deadline}, "
                                              f"{(deadline - context.today).days} days away: submit now")


@rule("billing_provider")
def _provider(_: Claim, context: ScrubContext, __: RuleSetting) -> Iterator[Found]:
    if not context.billing_provider_set:
        yield Found("billing_provider", "the practice has no billing provider (name, NPI, tax id, address): "
                                        "set it with PUT /claims/settings")


@rule("rendering_npi")
def _rendering(claim: Claim, _: ScrubContext, __: RuleSetting) -> Iterator[Found]:
    if claim.rendering_npi is not None and not codes.npi_valid(claim.rendering_npi):
        yield Found("rendering_npi", f"the rendering provider NPI {claim.rendering_npi!r} fails its check digit: "
                                     "correct it on the charge")


@rule("frequency_reference")
def _frequency(claim: Claim, _: ScrubContext, __: RuleSetting) -> Iterator[Found]:
    if claim.frequency_code in {"7", "8"} and not claim.payer_claim_control_number:
        kind = "replacement" if claim.frequency_code == "7" else "void"
        yield Found("payer_claim_control_number", f"a {kind} claim (frequency {claim.frequency_code}) must quote "
                                                  "the payer's claim control number from the 835")


DEFAULT_RULES: dict[str, RuleSetting] = {name: RuleSetting() for name in RULES}
DEFAULT_RULES["timely_filing_warning"] = RuleSetting(severity="warning", params={"days": 14})


def rule_table(practice: dict[str, RuleSetting] | None = None,
               payer: dict[str, RuleSetting] | None = None) -> dict[str, RuleSetting]:
    """The defaults, overridden by the practice's table, overridden by the payer's: per rule, last wins."""
    table = dict(DEFAULT_RULES)
    for overrides in (practice or {}, payer or {}):
        for name, setting in overrides.items():
            if name in RULES:
                table[name] = setting
    return table


@dataclass
class ScrubReport:
    issues: list[Issue] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not any(issue.severity == "error" for issue in self.issues)

    @property
    def summary(self) -> str:
        errors = [i.message for i in self.issues if i.severity == "error"]
        return "; ".join(errors)[:900] if errors else "clean"


def scrub(claim: Claim, context: ScrubContext, table: dict[str, RuleSetting] | None = None) -> ScrubReport:
    report = ScrubReport()
    for name, setting in (table or DEFAULT_RULES).items():
        if not setting.enabled:
            continue
        for found in RULES[name](claim, context, setting):
            report.issues.append(Issue(rule=name, severity=setting.severity, field=found.field, message=found.message))
    return report


def unknown_rules(table: dict[str, RuleSetting]) -> list[str]:
    return sorted(set(table) - set(RULES))
