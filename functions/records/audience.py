"""Which outreach audiences a patient is in: the rule that derives a patient's audience entries from their
profile and consents, and the change a write makes to them (the adapters write it in the same transaction)."""

from collections.abc import Iterable

from functions.records.models.audience import AudienceChange, AudienceMember
from functions.records.models.consent import Consent
from functions.records.models.patients import Patient


def entries(patient: Patient | None, consents: Iterable[Consent]) -> dict[str, AudienceMember]:
    """Topic -> entry, for a live patient with an active communication consent naming topics; else none
    (a soft-deleted patient, a revoked consent, a consent with no channel left reach nobody)."""
    if patient is None or patient.deleted_at is not None:
        return {}
    consent = next((c for c in consents if c.kind == "communication" and c.status == "active"), None)
    if consent is None or not consent.channels:
        return {}
    practitioner = next((m.user_id for m in patient.care_team if m.role == "primary_practitioner"), None)
    member = AudienceMember(patient_id=patient.id, birth_date=patient.birth_date, language=patient.language,
                            practitioner_id=practitioner, channels=list(consent.channels))
    return {topic: member for topic in consent.topics}


def change(before: dict[str, AudienceMember], after: dict[str, AudienceMember]) -> AudienceChange | None:
    """The entries to write and the topics to drop going from `before` to `after`; None when nothing moves,
    so a write that does not touch the audience costs no extra item."""
    members = {topic: member for topic, member in after.items() if before.get(topic) != member}
    dropped = sorted(topic for topic in before if topic not in after)
    if not members and not dropped:
        return None
    return AudienceChange(members=members, dropped=dropped)


def with_consent(consents: Iterable[Consent], consent: Consent) -> list[Consent]:
    """The patient's consents once `consent` is stored (added, or replacing the one with its id)."""
    return [c for c in consents if c.id != consent.id] + [consent]
