"""The staff the compliance area works with (training, policies, findings' owners), read from staff's directory."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol


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
