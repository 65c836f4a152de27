"""The audit trail's rules: every entry is hash-chained to the one before it in the same practice, so
an entry that is changed, removed or reordered breaks the chain and `verify_chain` says where."""

import hashlib
import json
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

from functions.core.auth import Caller

GENESIS = "0" * 64


class AuditDraft(BaseModel):
    """What happened, before it has a place in the chain. Ids and codes only: never health data."""

    # built on first use (core.models says why)
    model_config = ConfigDict(frozen=True, defer_build=True)

    practice_id: str
    actor: str
    role: str
    action: str  # e.g. "patient.read", "patient.update"
    entity: str  # e.g. "PATIENT"
    entity_id: str
    request_id: str
    at: str
    subject_patient_id: str | None = None  # whose health data this touched, for "who saw my record"
    route: str | None = None  # "GET /patients/{patient_id}": through which API route (None: a job or a step)


class AuditEntry(AuditDraft):
    seq: int
    prev_hash: str
    hash: str


_CHAINED_FIELDS = tuple(AuditEntry.model_fields)
# Fields added after entries were first written: hashed only when set, so every older entry still verifies.
_LATER_FIELDS = frozenset({"route"})


def draft(caller: Caller, action: str, entity: str, entity_id: str, at: str,
          subject_patient_id: str | None = None) -> AuditDraft:
    return AuditDraft(
        practice_id=caller.practice_id, actor=caller.user_id, role=caller.role, action=action,
        entity=entity, entity_id=entity_id, request_id=caller.request_id, at=at,
        subject_patient_id=subject_patient_id, route=caller.route,
    )


def entry_hash(fields: dict) -> str:
    """The hash of an entry's chained fields (a stored item's other attributes, keys and such, are not)."""
    body = {k: fields.get(k) for k in _CHAINED_FIELDS
            if k != "hash" and not (k in _LATER_FIELDS and fields.get(k) is None)}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def chain(previous_seq: int, previous_hash: str, entry: AuditDraft) -> AuditEntry:
    fields = {**entry.model_dump(), "seq": previous_seq + 1, "prev_hash": previous_hash}
    return AuditEntry(**fields, hash=entry_hash(fields))


@dataclass
class Verification:
    checked: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def verify_chain(entries, head: tuple[int, str] | None, start: tuple[int, str] = (0, GENESIS)) -> Verification:
    """Walk `entries` (dicts in seq order, from just after `start`) and compare with the chain head.

    Finds: an edited entry (its hash no longer matches), a removed or inserted entry (seq gap or a
    broken prev_hash link), and removed trailing entries (the head points past the last entry)."""
    result = Verification(last_seq=start[0], last_hash=start[1])
    for stored in entries:
        seq = stored.get("seq")
        if seq != result.last_seq + 1:
            result.problems.append(f"entry {result.last_seq + 1} is missing (found {seq} next)")
        elif stored.get("prev_hash") != result.last_hash:
            result.problems.append(f"entry {seq} does not link to entry {result.last_seq}")
        if entry_hash(stored) != stored.get("hash"):
            result.problems.append(f"entry {seq} was changed after it was written")
        result.checked += 1
        result.last_seq, result.last_hash = (seq if isinstance(seq, int) else result.last_seq), stored.get("hash")
    if head is not None and (head[0], head[1]) != (result.last_seq, result.last_hash):
        if head[0] > result.last_seq:
            result.problems.append(f"entries {result.last_seq + 1}..{head[0]} are missing from the end")
        else:
            result.problems.append("the chain head does not match the last entry")
    return result
