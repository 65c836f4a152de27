"""What the compliance area's use cases need: the audit chains they verify (core.audit_store.AuditStore is the
adapter), the staff they work with, and (below, by concern) the stores of training, policies, certifications,
findings and disclosures."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
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


# --- the staff the compliance area works with (training, policies, findings' owners) ----------------------


@dataclass(frozen=True)
class Colleague:
    """What compliance reads of a staff member: who they are, their job role, their manager, the practitioner
    they are in scheduling (for a licence), and whether they still work here."""

    user_id: str
    name: str
    role: str  # the staff area's JobRole value: "coordinator", "nurse", ...
    manager_id: str | None
    practitioner_id: str | None
    active: bool


class StaffDirectory(Protocol):
    """The staff area's members, read through its own adapter (compliance/staff_directory.py)."""

    def colleague(self, practice_id: str, user_id: str) -> Colleague | None: ...

    def with_roles(self, practice_id: str, roles: Iterable[str]) -> list[Colleague]:
        """The active members whose job role is one of `roles`."""

    def reports_of(self, practice_id: str, manager_id: str) -> list[Colleague]:
        """The active members whose manager is `manager_id`."""
