"""What the compliance checks need: the audit chains they verify (core.audit_store.AuditStore is the adapter)."""

from collections.abc import Iterator
from typing import Any, Protocol


class AuditChains(Protocol):
    """Each practice's hash-chained audit trail, and the checkpoint its last verification reached."""

    def head(self, practice_id: str) -> tuple[int, str]:
        """The chain's last (seq, hash); (0, GENESIS) for an empty trail."""

    def entries(self, practice_id: str, after_seq: int = 0) -> Iterator[dict[str, Any]]:
        """The stored entries after `after_seq`, in seq order."""

    def entry(self, practice_id: str, seq: int) -> dict[str, Any] | None: ...

    def checkpoint(self, practice_id: str) -> tuple[int, str]:
        """The last verified (seq, hash); (0, GENESIS) before the first verification."""

    def save_checkpoint(self, practice_id: str, seq: int, last_hash: str, at: str) -> None: ...
