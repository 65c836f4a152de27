"""Who a finding's owner is in people: "user:<id>" is that member; "role:privacy_officer" the practice's privacy
officers from the compliance settings, else its coordinators; "role:<job role>" every active member with it."""

from functions.compliance.ports.monitoring import ComplianceSettingsStore
from functions.compliance.ports.staff import StaffDirectory

PRIVACY_OFFICER = "role:privacy_officer"


class Owners:
    """Resolves owners for one practice, remembering each answer (one run asks about many findings)."""

    def __init__(self, practice_id: str, directory: StaffDirectory, settings: ComplianceSettingsStore) -> None:
        self.practice_id, self.directory, self.settings = practice_id, directory, settings
        self._known: dict[str, list[str]] = {}

    def people(self, owner: str) -> list[str]:
        """The sign-in ids behind `owner`, in a stable order; [] when nobody holds it."""
        if owner not in self._known:
            self._known[owner] = self._resolve(owner)
        return self._known[owner]

    def _resolve(self, owner: str) -> list[str]:
        kind, _, name = owner.partition(":")
        if kind == "user" and name:
            return [name]
        if owner == PRIVACY_OFFICER:
            officers = self.settings.settings(self.practice_id).privacy_officer_ids
            return list(officers) or self._with_role("coordinator")
        if kind == "role" and name:
            return self._with_role(name)
        return []

    def _with_role(self, role: str) -> list[str]:
        return sorted(c.user_id for c in self.directory.with_roles(self.practice_id, [role]))
