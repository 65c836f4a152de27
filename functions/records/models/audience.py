"""The outreach audience as records keeps it: one entry per (topic, patient) who consents to be contacted on it."""

from datetime import date

from pydantic import Field

from functions.core.models import Shape


class AudienceMember(Shape):
    """What audience selection filters on, copied from the profile and the communication consent so one
    index Query answers it (no read of each profile)."""

    patient_id: str
    birth_date: date
    language: str
    practitioner_id: str | None = None  # the primary practitioner: whose panel the patient is on
    channels: list[str] = Field(default_factory=list)


class AudienceChange(Shape):
    """What a write to a patient does to their audience entries: entries (re)written per topic, topics left."""

    members: dict[str, AudienceMember] = Field(default_factory=dict)
    dropped: list[str] = Field(default_factory=list)
