"""licence_expiry: licences and certifications that have expired (critical for a licence, high for a
certification) or expire within the practice's warning window (high within a week, else medium). The owner is
the holder; the coordinators hear of it through the certification reminders."""

from collections.abc import Iterator
from datetime import date, timedelta

from functions.compliance.checks.base import Raised, Severity
from functions.compliance.models.certifications import Certification
from functions.compliance.ports.monitoring import CertificationBook, ComplianceSettingsStore

NAME = "licence_expiry"
SOON = 7  # days: within this, expiring is high


def severity(certification: Certification, today: date) -> Severity:
    days_left = (certification.expires_on - today).days
    if days_left < 0:
        return Severity.CRITICAL if certification.kind == "licence" else Severity.HIGH
    return Severity.HIGH if days_left <= SOON else Severity.MEDIUM


class LicenceExpiry:
    name = NAME

    def __init__(self, book: CertificationBook, settings: ComplianceSettingsStore) -> None:
        self.book, self.settings = book, settings

    def find(self, practice_id: str, today: date) -> Iterator[Raised]:
        """One Query of the sparse expiry index up to the window's end."""
        window = self.settings.settings(practice_id).licence_warning_days
        for certification in self.book.expiring(practice_id, today + timedelta(days=window)):
            c, when = certification, certification.expires_on.isoformat()
            who = f" of practitioner {c.practitioner_id}" if c.practitioner_id else f" held by {c.holder_id}"
            verb = "expired on" if c.expires_on < today else "expires on"
            yield Raised(check=NAME, key=f"cert-{c.id}"[:40], severity=severity(c, today), owner=f"user:{c.holder_id}",
                         due_on=c.expires_on, title=f"{c.ref}{who} {verb} {when}", link=f"/certifications/{c.id}")
