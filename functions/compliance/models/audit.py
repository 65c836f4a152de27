"""The privacy officer's views of the audit trail: entries by patient or by user, and disclosures to account for
(HIPAA §164.528). Entries are ids, codes and times; a disclosure's words are the practice's own record of it."""

from datetime import date
from typing import Annotated

from pydantic import Field

from functions.core.audit import AuditEntry
from functions.core.dates import CalendarDate
from functions.core.models import Shape, Stored, Strict
from functions.core.types import Text


class AuditLine(Shape):
    """One entry as the views show it: who (and in which role), what, to which thing, whose, through which
    route, when, and the request it was part of."""

    seq: int
    at: str
    actor: str
    role: str
    action: str
    entity: str
    entity_id: str
    subject_patient_id: str | None = None
    route: str | None = None
    request_id: str

    @classmethod
    def of(cls, entry: AuditEntry) -> "AuditLine":
        return cls.model_validate(entry.model_dump(exclude={"practice_id", "prev_hash", "hash"}))


class AuditPage(Shape):
    entries: list[AuditLine]
    next_page_token: str | None = None


PatientId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


class DisclosureIn(Strict):
    """A disclosure the accounting must list: when, to whom (their address if known), what, and why."""

    patient_id: PatientId
    disclosed_on: CalendarDate = Field(description="the date of the disclosure")
    recipient_name: Text(200) = Field(description="the person or organisation that received it")
    recipient_address: Text(500) | None = Field(default=None, description="their address, if known")
    description: Text(1000) = Field(description="a brief description of what was disclosed")
    purpose: Text(1000) = Field(description="a brief statement of the purpose (or a copy of the written request)")


class Disclosure(Stored):
    id: str
    practice_id: str
    patient_id: str
    disclosed_on: date
    recipient_name: str
    recipient_address: str | None = None
    description: str
    purpose: str
    recorded_by: str
    recorded_at: str


class DisclosureAccounting(Shape):
    """The accounting one patient may ask for: the disclosures of the six years before the request, newest first."""

    patient_id: str
    requested_on: date
    period_start: date
    disclosures: list[Disclosure]
