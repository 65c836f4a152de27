"""Idempotency-Key: the first request with a key does the work and stores its response in the same
transaction; a retry with the same key and body gets that response back, and nothing happens twice."""

import hashlib
import json
import re
from datetime import timedelta
from typing import Any

from functions.core import clock
from functions.core.errors import Conflict, DomainError, Invalid
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


def claim(practice_id: str, key: str, request_fingerprint: str, response: dict[str, Any]) -> Put:
    """The operation to add to the transaction that does the work."""
    return Put(
        item={
            "pk": _pk(practice_id, key),
            "sk": "IDEMPOTENCY",
            "kind": "IDEMPOTENCY",
            "fingerprint": request_fingerprint,
            "response": response,
            "ttl": int((clock.now() + RETENTION).timestamp()),
        },
        condition="attribute_not_exists(pk)",
        on_conflict=AlreadyDone("already done"),
    )


def replay(table: Table, practice_id: str, key: str, request_fingerprint: str) -> dict[str, Any]:
    stored = table.get(_pk(practice_id, key), "IDEMPOTENCY", consistent=True)
    if stored is None:  # expired between the conflict and this read: treat as a conflict, not a redo
        raise Conflict("this Idempotency-Key was just used; retry", code="idempotency_in_flux")
    if stored["fingerprint"] != request_fingerprint:
        raise Invalid(f"this {HEADER} was used for a different request", code="idempotency_key_reused")
    return stored["response"]
