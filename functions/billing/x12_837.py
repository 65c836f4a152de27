"""The claim as an X12 5010 837P (005010X222A1) interchange. Pure: a claim, the billing provider and
the envelope ids in; the file's text out. One interchange, one group, one transaction, one claim.

Loops: 1000A submitter, 1000B receiver, 2000A/2010AA billing provider, 2000B/2010BA subscriber (the
patient), 2010BB payer, 2300 claim (CLM with frequency code 1/7/8, REF*F8 on 7 and 8, HI diagnoses),
2400 service lines (LX, SV1, DTP*472)."""

import re
from dataclasses import dataclass
from datetime import datetime

from functions.billing.models.claims import Claim
from functions.billing.models.setup import BillingProvider

ELEMENT, COMPONENT, REPETITION, SEGMENT = "*", ":", "^", "~"
VERSION = "005010X222A1"
_UNSAFE = re.compile(r"[^A-Z0-9 .,&'()/-]")
# SBR09, the claim filing indicator. The practice sets the payer's kind; commercial when it does not.
RELATIONSHIP = {"self": "18"}


@dataclass(frozen=True)
class Envelope:
    sender_id: str  # ISA06 / GS02: the practice's id at the clearinghouse
    receiver_id: str  # ISA08 / GS03: the clearinghouse's id
    control_number: int  # ISA13, GS06 and ST02: unique per submission
    created: datetime
    production: bool = False  # ISA15: P or T


def text(value: str | None, length: int | None = None) -> str:
    """A value safe inside an element: upper case, no separators, trimmed to length."""
    cleaned = _UNSAFE.sub("", (value or "").upper()).strip()
    return cleaned[:length] if length else cleaned


def amount(cents: int) -> str:
    """X12 decimal (R): 15000 -> 150, 15050 -> 150.5, 15055 -> 150.55."""
    whole, part = divmod(cents, 100)
    return str(whole) if not part else f"{whole}.{part:02d}".rstrip("0")


def _segment(*elements: str) -> str:
    while len(elements) > 1 and elements[-1] == "":
        elements = elements[:-1]
    return ELEMENT.join(elements) + SEGMENT


def _pad(value: str, width: int) -> str:
    return text(value, width).ljust(width)


def build(claim: Claim, provider: BillingProvider, envelope: Envelope) -> str:
    created = envelope.created
    control = envelope.control_number
    isa = _segment("ISA", "00", " " * 10, "00", " " * 10, "ZZ", _pad(envelope.sender_id, 15), "ZZ",
                   _pad(envelope.receiver_id, 15), created.strftime("%y%m%d"), created.strftime("%H%M"), REPETITION,
                   "00501", f"{control:09d}", "0", "P" if envelope.production else "T", COMPONENT)
    gs = _segment("GS", "HC", text(envelope.sender_id, 15), text(envelope.receiver_id, 15), created.strftime("%Y%m%d"),
                  created.strftime("%H%M"), str(control), "X", VERSION)
    body = transaction(claim, provider, envelope)
    return "".join([isa, gs, *body, _segment("GE", "1", str(control)), _segment("IEA", "1", f"{control:09d}")])


def transaction(claim: Claim, provider: BillingProvider, envelope: Envelope) -> list[str]:
    """ST..SE: the segments of the one transaction set, the SE count included."""
    st_control = f"{envelope.control_number % 10**9:04d}"
    created = envelope.created
    subscriber = claim.subscriber
    address = provider.address
    segments = [
        _segment("ST", "837", st_control, VERSION),
        _segment("BHT", "0019", "00", text(claim.id, 30), created.strftime("%Y%m%d"), created.strftime("%H%M"), "CH"),
        # 1000A submitter, 1000B receiver
        _segment("NM1", "41", "2", text(provider.name, 60), "", "", "", "", "46", text(envelope.sender_id, 80)),
        _segment("PER", "IC", text(provider.contact_name, 60), "TE", provider.contact_phone),
        _segment("NM1", "40", "2", "CLEARINGHOUSE", "", "", "", "", "46", text(envelope.receiver_id, 80)),
        # 2000A billing provider
        _segment("HL", "1", "", "20", "1"),
    ]
    if provider.taxonomy:
        segments.append(_segment("PRV", "BI", "PXC", provider.taxonomy))
    segments += [
        _segment("NM1", "85", "2", text(provider.name, 60), "", "", "", "", "XX", provider.npi),
        _segment("N3", text(address.line, 55)),
        _segment("N4", text(address.city, 30), address.state, address.postal_code),
        _segment("REF", "EI", provider.tax_id),
        # 2000B subscriber: the patient is the subscriber, so no 2000C loop
        _segment("HL", "2", "1", "22", "0"),
        _segment("SBR", "P" if claim.rank == "primary" else "S", RELATIONSHIP.get(subscriber.relationship, "18"),
                 text(subscriber.group_number, 50), "", "", "", "", "", "CI"),
        _segment("NM1", "IL", "1", text(subscriber.family_name, 60), text(subscriber.given_name, 35), "", "", "",
                 "MI", text(subscriber.member_id, 80)),
    ]
    if subscriber.address_line and subscriber.city and subscriber.state and subscriber.postal_code:
        segments += [_segment("N3", text(subscriber.address_line, 55)),
                     _segment("N4", text(subscriber.city, 30), subscriber.state, subscriber.postal_code)]
    segments += [
        _segment("DMG", "D8", subscriber.birth_date.strftime("%Y%m%d"),
                 {"male": "M", "female": "F"}.get(subscriber.gender, "U")),
        # 2010BB payer
        _segment("NM1", "PR", "2", text(claim.payer_name, 60), "", "", "", "", "PI",
                 text(claim.payer_electronic_id, 80)),
        # 2300 claim
        _segment("CLM", text(claim.id, 38), amount(claim.total_cents), "", "",
                 COMPONENT.join((claim.place_of_service, "B", claim.frequency_code)), "Y", "A", "Y", "Y"),
    ]
    if claim.frequency_code in {"7", "8"} and claim.payer_claim_control_number:
        segments.append(_segment("REF", "F8", text(claim.payer_claim_control_number, 50)))
    diagnoses = [f"{'ABK' if n == 0 else 'ABF'}{COMPONENT}{code}" for n, code in enumerate(claim.diagnoses[:12])]
    segments.append(_segment("HI", *diagnoses))
    for n, line in enumerate(claim.lines, start=1):
        procedure = COMPONENT.join(["HC", line.procedure_code, *line.modifiers[:4]])
        pointers = COMPONENT.join(str(p) for p in line.diagnosis_pointers[:4])
        segments += [
            _segment("LX", str(n)),
            _segment("SV1", procedure, amount(line.charge_cents), "UN", str(line.units), "", "", pointers),
            _segment("DTP", "472", "D8", claim.date_of_service.strftime("%Y%m%d")),
        ]
    segments.append(_segment("SE", str(len(segments) + 1), st_control))
    return segments


def segments_of(document: str) -> list[list[str]]:
    """The file split back into segments and elements (for tests and for the simulated clearinghouse)."""
    return [segment.split(ELEMENT) for segment in document.split(SEGMENT) if segment.strip()]
