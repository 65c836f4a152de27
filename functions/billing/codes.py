"""Code formats a claim carries: CPT/HCPCS procedures, modifiers, ICD-10-CM diagnoses, CARC/RARC.

These check the shape of a code, not that it is in this year's code set (that needs the licensed CPT
file); a wrong shape is what gets a claim rejected at the clearinghouse's front door."""

import re

# CPT Category I: five digits; Category II: four digits and F; Category III: four digits and T.
_CPT = re.compile(r"^(\d{5}|\d{4}[FT])$")
# HCPCS Level II: a letter (A-V, not I/O... the letters in use) and four digits, e.g. J3420, G0439.
_HCPCS = re.compile(r"^[A-CEGHJ-MP-V]\d{4}$")
_MODIFIER = re.compile(r"^[0-9A-Z]{2}$")
# ICD-10-CM: letter, digit, letter-or-digit, then up to four more after the dot (stored without it).
_ICD10CM = re.compile(r"^[A-Z]\d[0-9A-Z]([0-9A-Z]{1,4})?$")
_CARC = re.compile(r"^([1-9]\d{0,2}|[A-DPWY]\d{1,2})$")
_RARC = re.compile(r"^(M\d{1,3}|MA\d{1,3}|N\d{1,3})$")
GROUP_CODES = frozenset({"CO", "PR", "OA", "PI", "CR"})
# Claim frequency (CLM05-3): 1 original, 7 replacement of a prior claim, 8 void of a prior claim.
FREQUENCY_CODES = frozenset({"1", "7", "8"})
PLACES_OF_SERVICE = re.compile(r"^\d{2}$")


def icd10_plain(code: str) -> str:
    """ICD-10-CM as X12 carries it: upper case, no dot (J45.909 -> J45909)."""
    return code.strip().upper().replace(".", "")


def is_cpt(code: str) -> bool:
    return bool(_CPT.fullmatch(code))


def is_hcpcs(code: str) -> bool:
    return bool(_HCPCS.fullmatch(code))


def is_procedure(code: str) -> bool:
    return is_cpt(code) or is_hcpcs(code)


def is_modifier(code: str) -> bool:
    return bool(_MODIFIER.fullmatch(code))


def is_icd10cm(code: str) -> bool:
    return bool(_ICD10CM.fullmatch(icd10_plain(code))) and code.count(".") <= 1 and (
        "." not in code or code.index(".") == 3)


def is_carc(code: str) -> bool:
    return bool(_CARC.fullmatch(code))


def is_rarc(code: str) -> bool:
    return bool(_RARC.fullmatch(code))


def procedure_problem(code: str) -> str | None:
    """None when the code has a procedure code's shape, otherwise what is wrong with it."""
    if is_procedure(code):
        return None
    if code.isdigit():
        return f"procedure code {code!r} has {len(code)} digits; a CPT code has 5 (e.g. 99213)"
    return (f"procedure code {code!r} is neither CPT (5 digits, e.g. 99213) nor HCPCS (a letter and 4 digits, "
            "e.g. J3420)")


def diagnosis_problem(code: str) -> str | None:
    if is_icd10cm(code):
        return None
    return (f"diagnosis code {code!r} is not ICD-10-CM (a letter, two characters, then up to 4 more after "
            "the dot, e.g. J45.909)")


def npi_valid(npi: str) -> bool:
    """An NPI is 10 digits whose last is a Luhn check digit over '80840' + the first nine."""
    if not re.fullmatch(r"\d{10}", npi):
        return False
    digits = [int(c) for c in "80840" + npi]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return total % 10 == 0
