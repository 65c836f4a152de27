"""Idempotency-Key: the first request with a key does the work and stores its response in the same
transaction; a retry with the same key and body gets that response back, and nothing happens twice."""

import hashlib
import json
import re
from datetime import timedelta
from typing import Any

from pydantic import BaseModel

from functions.core import clock
from functions.core.errors import DomainError, Invalid
from functions.core.keys import collection_pk
from functions.core.table import Put, Table

HEADER = "Idempotency-Key"
RETENTION = timedelta(hours=24)
_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,128}$")


class AlreadyDone(DomainError):
    """Raised inside a transaction when the key was used before; carries nothing until replayed."""

    status = 200
    code = "replayed"


def validate_key(key: str | None) -> str | None:
    if key is None:
        return None
    if not _KEY.match(key):
        raise Invalid(f"{HEADER} must be 8-128 characters of letters, digits, '_', '-', '.', ':'")
    return key


def fingerprint(operation: str, body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{operation}\x00{canonical}".encode()).hexdigest()


def _pk(practice_id: str, key: str) -> str:
    return collection_pk(practice_id, "IDEMPOTENCY", hashlib.sha256(key.encode()).hexdigest()[:40])


class IdempotencyClaim(BaseModel):
    """A create that honours Idempotency-Key: the key, what the request was, and what to answer a retry."""

    key: str
    fingerprint: str
    response: dict


def claim_put(practice_id: str, claim: IdempotencyClaim) -> Put:
    """The operation to add to the transaction that does the work: the key's record, with the answer."""
    return Put(
        item={
            "pk": _pk(practice_id, claim.key),
            "sk": "IDEMPOTENCY",
            "kind": "IDEMPOTENCY",
            "fingerprint": claim.fingerprint,
            "response": claim.response,
            "ttl": int((clock.now() + RETENTION).timestamp()),
        },
        condition="attribute_not_exists(pk)",
        on_conflict=AlreadyDone("already done"),
    )


def stored_response(table: Table, practice_id: str, claim: IdempotencyClaim) -> dict[str, Any] | None:
    """Access pattern: GetItem (consistent) of the key's record. The first request's answer; None when no
    request holds the key (never used, or expired); Invalid when it was used for a different request."""
    stored = table.get(_pk(practice_id, claim.key), "IDEMPOTENCY", consistent=True)
    if stored is None:
        return None
    if stored["fingerprint"] != claim.fingerprint:
        raise Invalid(f"this {HEADER} was used for a different request", code="idempotency_key_reused")
    return stored["response"]
