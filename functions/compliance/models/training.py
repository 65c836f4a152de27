"""Training: programmes, the assignments that name who must do them by when, and the evidence a completion
carries (a note, a score, a certificate in the evidence bucket)."""

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, model_validator

from functions.core.dates import CalendarDate
from functions.core.models import Shape, Stored, Strict
from functions.core.types import Text, UserId, Version

JobRole = Literal["coordinator", "practitioner", "nurse", "assistant", "front_desk", "billing", "manager"]
UploadId = Annotated[str, Field(pattern=r"^[A-Za-z0-9]{26}$", description="the id the upload was handed")]
CERTIFICATE_TYPES = ("application/pdf", "image/png", "image/jpeg")
CertificateType = Literal["application/pdf", "image/png", "image/jpeg"]
MAX_CERTIFICATE_BYTES = 10 * 1024 * 1024


class Category(StrEnum):
    PRIVACY = "privacy"
    SECURITY = "security"
    INFECTION_CONTROL = "infection_control"
    FIRE_SAFETY = "fire_safety"
    CLINICAL = "clinical"
    SYSTEMS = "systems"
    OTHER = "other"


class Recurrence(StrEnum):
    NONE = "none"
    ANNUAL = "annual"
    MONTHS = "months"  # every `every_months` months


class EvidenceKind(StrEnum):
    NONE = "none"
    NOTE = "note"
    SCORE = "score"  # with a pass mark
    CERTIFICATE = "certificate"  # a file uploaded to the evidence bucket


class ProgrammeRules(Strict):
    """How often a programme recurs and what its completion needs; fixed once assigned (a new programme
    changes them), so nobody's half-done assignment changes its rules under them."""

    recurrence: Recurrence = Recurrence.NONE
    every_months: int | None = Field(default=None, ge=1, le=60)
    evidence: EvidenceKind = EvidenceKind.NONE
    pass_mark: int | None = Field(default=None, ge=0, le=100, description="the lowest passing score, in percent")

    @model_validator(mode="after")
    def _consistent(self):
        if (self.recurrence == Recurrence.MONTHS) != (self.every_months is not None):
            raise ValueError("every_months goes with recurrence 'months', and only with it")
        if (self.evidence == EvidenceKind.SCORE) != (self.pass_mark is not None):
            raise ValueError("pass_mark goes with evidence 'score', and only with it")
        return self

    def months(self) -> int | None:
        """The months between one completion and the next due date; None when it does not recur."""
        return {Recurrence.NONE: None, Recurrence.ANNUAL: 12}.get(self.recurrence, self.every_months)


class ProgrammeIn(ProgrammeRules):
    title: Text(200) = Field(min_length=1)
    description: Text(2000) | None = None
    category: Category = Category.OTHER


class ProgrammePatch(Strict):
    title: Text(200) | None = Field(default=None, min_length=1)
    description: Text(2000) | None = None
    category: Category | None = None
    active: bool | None = None  # an inactive programme takes no new assignments


class Programme(Stored):
    id: str
    practice_id: str
    title: str
    description: str | None = None
    category: Category
    recurrence: Recurrence
    every_months: int | None = None
    evidence: EvidenceKind
    pass_mark: int | None = None
    active: bool = True
    version: int
    created_at: str
    updated_at: str

    def rules(self) -> ProgrammeRules:
        return ProgrammeRules(recurrence=self.recurrence, every_months=self.every_months, evidence=self.evidence,
                              pass_mark=self.pass_mark)


class ProgrammeList(Shape):
    programmes: list[Programme]


class AssignmentIn(Strict):
    """Who must do a programme by when: job roles (every active member with one, now) and people."""

    roles: list[JobRole] = Field(default_factory=list, max_length=7)
    user_ids: list[UserId] = Field(default_factory=list, max_length=200)
    due_on: CalendarDate

    @model_validator(mode="after")
    def _someone(self):
        if not self.roles and not self.user_ids:
            raise ValueError("name at least one role or person")
        return self


class Evidence(Shape):
    kind: EvidenceKind
    note: str | None = None
    score: int | None = None
    upload_id: str | None = None
    content_type: str | None = None
    bytes: int | None = None


class Assignment(Stored):
    id: str
    practice_id: str
    programme_id: str
    programme_title: str  # plain words, for notices and findings
    user_id: str
    due_on: date
    status: Literal["open", "completed"] = "open"
    recurrence: Recurrence
    every_months: int | None = None
    evidence_needed: EvidenceKind
    pass_mark: int | None = None
    assigned_at: str
    assigned_by: str
    completed_on: date | None = None
    completed_at: str | None = None
    completed_by: str | None = None
    evidence: Evidence | None = None
    next_assignment_id: str | None = None
    reminded: list[str] = Field(default_factory=list)  # reminder stages already sent ("due-14", "overdue-0")
    version: Version


class AssignmentResult(Shape):
    """What an assignment did: the new assignments, and who already had this programme open (unchanged)."""

    assigned: list[Assignment]
    already_open: list[str]


class AssignmentList(Shape):
    assignments: list[Assignment]


class TeamMember(Shape):
    user_id: str
    name: str
    role: str
    assignments: list[Assignment]


class TeamView(Shape):
    """A manager's direct reports and their training."""

    manager_id: str
    members: list[TeamMember]


class UploadIn(Strict):
    content_type: CertificateType


class Upload(Shape):
    """Where to PUT the certificate file: send the body with this Content-Type before `expires_at`, then
    complete the assignment naming `upload_id`."""

    upload_id: str
    method: Literal["PUT"] = "PUT"
    url: str
    headers: dict[str, str]
    expires_at: str
    max_bytes: int


class CompletionIn(Strict):
    note: Text(2000) | None = Field(default=None, min_length=1)
    score: int | None = Field(default=None, ge=0, le=100)
    upload_id: UploadId | None = None
    completed_on: CalendarDate | None = Field(default=None, description="defaults to today; never in the future")


class Completion(Shape):
    assignment: Assignment
    next_assignment: Assignment | None = None
