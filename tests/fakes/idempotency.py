"""Idempotency-Key records as the adapters keep them (`core.idempotency`): the first request's fingerprint
and answer per (practice, key). A fake port holds one and calls `check` before its write, `keep` with it."""

from typing import Any

from functions.core.errors import Invalid
from functions.core.idempotency import HEADER, AlreadyDone, IdempotencyClaim, IdempotentRequest


class FakeIdempotencyKeys:
    def __init__(self) -> None:
        self.keys: dict[tuple[str, str], IdempotencyClaim] = {}

    def check(self, practice_id: str, claim: IdempotencyClaim | None) -> None:
        """The adapter's `attribute_not_exists` on the key's item: a second write under a key is refused."""
        if claim is not None and (practice_id, claim.key) in self.keys:
            raise AlreadyDone("already done")

    def keep(self, practice_id: str, claim: IdempotencyClaim | None) -> None:
        if claim is not None:
            self.keys[(practice_id, claim.key)] = claim

    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None:
        stored = self.keys.get((practice_id, request.key))
        if stored is None:
            return None
        if stored.fingerprint != request.fingerprint:
            raise Invalid(f"this {HEADER} was used for a different request", code="idempotency_key_reused")
        return stored.response
