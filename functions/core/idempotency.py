"""Idempotency-Key, one way for every area: the first request with a key does the work and stores its
response in the same transaction; a retry with the same key and body gets that response back, and nothing
happens twice. Keys are per practice (the key's record lives in the practice's partition).

A use case calls `run_once`; its port's write takes the `IdempotencyClaim` and the DynamoDB adapter adds
`claim_put` to the transaction, which raises AlreadyDone when another request holds the key."""

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from functions.core import clock
from functions.core.errors import Conflict, DomainError, Invalid
from functions.core.keys import collection_pk
from functions.core.models import Shape
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
    if not _KEY.fullmatch(key):
        raise Invalid(f"{HEADER} must be 8-128 characters of letters, digits, '_', '-', '.', ':'")
    return key


def fingerprint(operation: str, body: Any) -> str:
    if isinstance(body, BaseModel):
        body = body.model_dump(mode="json")
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{operation}\x00{canonical}".encode()).hexdigest()


def _pk(practice_id: str, key: str) -> str:
    return collection_pk(practice_id, "IDEMPOTENCY", hashlib.sha256(key.encode()).hexdigest()[:40])


@dataclass(frozen=True)
class IdempotentRequest:
    """A create that carries an Idempotency-Key: the key and what the request asked for."""

    key: str
    fingerprint: str

    def answered(self, response: BaseModel) -> "IdempotencyClaim":
        """The key's record, to write with the work: the request and the answer a retry gets back."""
        return IdempotencyClaim(key=self.key, fingerprint=self.fingerprint, response=response.model_dump(mode="json"))


class IdempotencyClaim(Shape):
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


def stored_response(table: Table, practice_id: str,
                    claim: "IdempotentRequest | IdempotencyClaim") -> dict[str, Any] | None:
    """Access pattern: GetItem (consistent) of the key's record. The first request's answer; None when no
    request holds the key (never used, or expired); Invalid when it was used for a different request."""
    stored = table.get(_pk(practice_id, claim.key), "IDEMPOTENCY", consistent=True)
    if stored is None:
        return None
    if stored["fingerprint"] != claim.fingerprint:
        raise Invalid(f"this {HEADER} was used for a different request", code="idempotency_key_reused")
    return stored["response"]


class Replays(Protocol):
    """The port a use case's store offers for `run_once`: the first answer to a key (see stored_response)."""

    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None: ...


Answer = TypeVar("Answer")


def run_once(replays: Replays, practice_id: str, key: str | None, operation: str, body: Any,
             work: Callable[[IdempotentRequest | None], Answer],
             replayed: Callable[[dict[str, Any]], Answer]) -> Answer:
    """Do `work` once per (practice, key). `work` gets the request (None without a key) and passes
    `request.answered(response)` to the write that does the work. A retry, or a race lost to a request with the
    same key, gets `replayed(first answer)`; the same key with a different body is a 422."""
    if key is None:
        return work(None)
    request = IdempotentRequest(key=key, fingerprint=fingerprint(operation, body))
    if (stored := replays.replay(practice_id, request)) is not None:
        return replayed(stored)
    try:
        return work(request)
    except AlreadyDone:
        stored = replays.replay(practice_id, request)
        if stored is None:  # the winner's record expired in between: vanishingly rare, and safe to retry
            raise Conflict(f"this {HEADER} was just used; retry", code="idempotency_in_flux") from None
        return replayed(stored)
