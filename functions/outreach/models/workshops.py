"""Workshops and their sessions: what a coordinator writes, what is stored, and what the promotion reads."""

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from functions.core.dates import CalendarDateTime
from functions.core.models import Shape, Stored, Strict
from functions.core.types import Language, Text, UserId

WorkshopStatus = Literal["draft", "published", "closed", "unpublished", "cancelled"]
# closed = registration closed (deadline passed); the sessions still happen
RegistrationStatus = Literal["registered", "waitlisted", "cancelled"]

# A consent topic, as records keeps it: "diabetes", "heart-health".
Topic = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
MAX_SESSIONS = 20


# --- the seam: what the promotion reads of a workshop ------------------------------------------------------

class AudienceCriteria(Shape):
    topics: list[str]              # consent topics, e.g. "diabetes", "nutrition"; at least one
    min_age: int | None = None
    max_age: int | None = None
    languages: list[str] = []      # empty = any
    practitioner_ids: list[str] = []   # the practitioner's panel; empty = any


class WorkshopSession(Shape):
    id: str
    starts_at: datetime            # UTC, aware
    ends_at: datetime
    mode: Literal["in_person", "online"]
    room: str | None = None
    address: str | None = None
    link: str | None = None


class PromotedWorkshop(Shape):     # what the promotion reads of a workshop
    id: str
    practice_id: str
    title: str
    topic: str                     # the workshop's main topic (one of audience.topics)
    status: WorkshopStatus
    audience: AudienceCriteria
    sessions: list[WorkshopSession]
    registration_deadline: datetime
    capacity: int
    version: int


class Registrant(Shape):           # what the promotion reads of a registration
    registration_id: str
    patient_id: str | None         # a patient; None for a member of the public
    contact_id: str | None         # a member of the public: their ContactCard id (see /work/wt/CONTACTS.md)
    status: RegistrationStatus
    attended: bool


# --- requests ---------------------------------------------------------------------------------------------

class AudienceIn(Strict):
    topics: list[Topic] = Field(min_length=1, max_length=10)
    min_age: int | None = Field(default=None, ge=0, le=130)
    max_age: int | None = Field(default=None, ge=0, le=130)
    languages: list[Language] = Field(default_factory=list, max_length=20)
    practitioner_ids: list[UserId] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _band(self) -> "AudienceIn":
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValueError("min_age is above max_age")
        self.topics = list(dict.fromkeys(self.topics))
        return self

    def criteria(self) -> AudienceCriteria:
        return AudienceCriteria(**self.model_dump())


class SessionIn(Strict):
    """In person (a room and an address) or online (an https link)."""

    starts_at: CalendarDateTime
    ends_at: CalendarDateTime
    mode: Literal["in_person", "online"]
    room: Text(100) | None = None
    address: Text(300) | None = None
    link: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500,
                                           pattern=r"^https://[^\s<>\"']+$")] | None = None

    @model_validator(mode="after")
    def _where(self) -> "SessionIn":
        if self.ends_at <= self.starts_at:
            raise ValueError("a session ends after it starts")
        if self.mode == "in_person" and (not self.room or not self.address or self.link):
            raise ValueError("an in-person session has a room and an address, and no link")
        if self.mode == "online" and (not self.link or self.room or self.address):
            raise ValueError("an online session has a link (https), and no room or address")
        return self

    def session(self, session_id: str) -> WorkshopSession:
        return WorkshopSession(id=session_id, starts_at=self.starts_at.astimezone(UTC),
                               ends_at=self.ends_at.astimezone(UTC), mode=self.mode, room=self.room,
                               address=self.address, link=self.link)


class _WorkshopFields(Strict):
    title: Text(200)
    topic: Topic
    description: Text(4000)
    audience: AudienceIn
    sessions: list[SessionIn] = Field(min_length=1, max_length=MAX_SESSIONS)
    capacity: int = Field(ge=1, le=10_000)
    registration_deadline: CalendarDateTime
    facilitator_id: UserId


class WorkshopIn(_WorkshopFields):
    @model_validator(mode="after")
    def _coherent(self) -> "WorkshopIn":
        check_workshop(self.topic, self.audience.topics, self.registration_deadline, self.sessions)
        return self


class WorkshopPatch(Strict):
    """Only the fields sent change; a list sent replaces the list. The version you read goes in If-Match."""

    title: Text(200) | None = None
    topic: Topic | None = None
    description: Text(4000) | None = None
    audience: AudienceIn | None = None
    sessions: list[SessionIn] | None = Field(default=None, min_length=1, max_length=MAX_SESSIONS)
    capacity: int | None = Field(default=None, ge=1, le=10_000)
    registration_deadline: CalendarDateTime | None = None
    facilitator_id: UserId | None = None

    @model_validator(mode="after")
    def _not_cleared(self) -> "WorkshopPatch":
        cleared = [name for name in self.model_fields_set if getattr(self, name) is None]
        if cleared:
            raise ValueError(f"{', '.join(sorted(cleared))} cannot be cleared")
        return self


def check_workshop(topic: str, topics: list[str], deadline: datetime, sessions: list) -> None:
    """The rules a workshop keeps whoever writes it (a ValueError is a 422)."""
    if topic not in topics:
        raise ValueError("the topic is one of the audience's topics")
    if deadline > min(s.starts_at for s in sessions):
        raise ValueError("registration closes before the first session starts")


# --- what is stored and returned ------------------------------------------------------------------------

class Workshop(Stored):
    id: str
    practice_id: str
    title: str
    topic: str
    description: str
    audience: AudienceCriteria
    sessions: list[WorkshopSession]
    capacity: int
    registration_deadline: datetime
    facilitator_id: str
    status: WorkshopStatus = "draft"
    version: int
    created_at: str
    updated_at: str
    published_at: str | None = None
    # counted with each registration, kept apart from the workshop so registering does not change its ETag
    registered: int = 0
    waitlisted: int = 0
    # the public's sign-up link, while the workshop takes registrations
    signup_url: str | None = None

    def promoted(self) -> PromotedWorkshop:
        return PromotedWorkshop(**self.model_dump(include=set(PromotedWorkshop.model_fields)))

    def session(self, session_id: str) -> WorkshopSession | None:
        return next((s for s in self.sessions if s.id == session_id), None)

    @property
    def first_starts_at(self) -> datetime:
        return min(s.starts_at for s in self.sessions)

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.registered)


class WorkshopList(Shape):
    workshops: list[Workshop]
    next_page: str | None = None


class PublicWorkshop(Shape):
    """What the public sign-up page shows: the workshop, never who registered."""

    title: str
    description: str
    sessions: list[WorkshopSession]
    registration_deadline: datetime
    open: bool
    places_left: int
