"""Reminders before a licence or certification expires (by default 60, 30 and 7 days before) and once it has
expired: a work notice to the holder and to each coordinator, once per stage and expiry date (a renewal starts
them afresh). Reads the sparse expiry index up to the widest window, so its cost grows with what is expiring."""

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

from functions.compliance.models.certifications import Certification
from functions.compliance.ports.monitoring import CertificationBook, ComplianceSettingsStore, WorkNotices
from functions.compliance.ports.staff import StaffDirectory
from functions.core.auth import Caller
from functions.core.service import AreaService, AuditTrail

ACTOR = "system:compliance-jobs"


def stage(certification: Certification, today: date, windows: Iterable[int]) -> str | None:
    """"expired", or the narrowest window (in days) the expiry now lies within, e.g. "30d"; None: not yet."""
    days_left = (certification.expires_on - today).days
    if days_left < 0:
        return "expired"
    within = [days for days in windows if days_left <= days]
    return f"{min(within)}d" if within else None


class CertificationReminders(AreaService):
    def __init__(self, book: CertificationBook, directory: StaffDirectory, settings: ComplianceSettingsStore,
                 notices: WorkNotices, audit: AuditTrail, now: Callable[[], datetime],
                 practices: Callable[[], Iterable[str]]) -> None:
        self.book, self.directory, self.settings, self.notices = book, directory, settings, notices
        self.audit, self.now, self.practices = audit, now, practices

    def remind_all(self) -> int:
        return sum(self.remind(practice_id) for practice_id in self.practices())

    def remind(self, practice_id: str) -> int:
        """The notices asked for in this practice today."""
        today = self.now().date()
        windows = self.settings.settings(practice_id).licence_reminder_days
        due = [(c, s) for c in self.book.expiring(practice_id, today + timedelta(days=max(windows)))
               if (s := stage(c, today, windows)) is not None and c.reminded != f"{c.expires_on.isoformat()}:{s}"]
        if not due:
            return 0
        coordinators = sorted(c.user_id for c in self.directory.with_roles(practice_id, ["coordinator"]))
        system = Caller(user_id=ACTOR, practice_id=practice_id, roles=frozenset(), request_id="certification-reminders")
        sent = 0
        for certification, reached in due:
            when = certification.expires_on.isoformat()
            title = (f"{certification.ref} expired on {when}" if reached == "expired"
                     else f"{certification.ref} expires on {when}")
            details = (f"Held by {certification.holder_id}. Renew it, then update it at "
                       f"/certifications/{certification.id}.")
            events = [self.notices.to_staff(practice_id, user_id, title, details,
                                            f"cert-{certification.id}-{when}-{reached}",
                                            ("certification", certification.id))
                      for user_id in dict.fromkeys([certification.holder_id, *coordinators])]
            draft = self._draft(system, "compliance.certification.remind", "CERTIFICATION", certification.id)
            if self.book.mark_reminded(certification, reached, draft, events):
                sent += len(events)
        return sent
