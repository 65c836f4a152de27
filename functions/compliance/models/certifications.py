"""Licences and certifications a member of staff holds: what a request may carry and what is stored."""

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from functions.core.dates import CalendarDate
from functions.core.models import Shape, Stored, Strict
from functions.core.types import Text, UserId

Kind = Literal["licence", "certification"]


class CertificationIn(Strict):
    holder_id: UserId = Field(description="the member of staff who holds it (their sign-in id)")
    kind: Kind = Field(description="licence (to practise) or certification (BLS, a course)")
    name: Text(100) = Field(description='what it is, e.g. "Registered nurse licence"')
    number: Text(64) = Field(description="the licence or certificate number")
    issuing_body: Text(200) = Field(description="who issued it, e.g. the state board of nursing")
    issued_on: CalendarDate | None = None
    expires_on: CalendarDate

    @model_validator(mode="after")
    def _issued_before_expiry(self) -> "CertificationIn":
        if self.issued_on is not None and self.issued_on > self.expires_on:
            raise ValueError("issued_on must not be after expires_on")
        return self


class CertificationChange(Strict):
    """A renewal or a correction: the fields given replace the stored ones."""

    name: Text(100) | None = None
    number: Text(64) | None = None
    issuing_body: Text(200) | None = None
    issued_on: CalendarDate | None = None
    expires_on: CalendarDate | None = None


class Certification(Stored):
    id: str
    practice_id: str
    holder_id: str
    practitioner_id: str | None = Field(None, description="the holder's practitioner in scheduling, if any")
    kind: Kind
    name: str
    number: str
    issuing_body: str
    issued_on: date | None = None
    expires_on: date
    status: Literal["active", "retired"] = "active"
    reminded: str | None = Field(None, description="the last reminder stage sent: <expires_on>:<stage>")
    version: int
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str

    @property
    def ref(self) -> str:
        """How titles and notices name it: the kind, number and issuer (ids and plain words only)."""
        return f"{self.kind.capitalize()} {self.number} ({self.issuing_body})"


class CertificationPage(Shape):
    certifications: list[Certification]
    next_page_token: str | None = None
