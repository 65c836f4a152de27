"""What the outreach contract suites share: the ports built as the fakes and as the DynamoDB adapters on moto,
and a workshop and registrations to store."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from functions.core.audit import draft
from functions.core.auth import Caller, Role
from functions.outreach.models.registrations import PendingSignup, Registration
from functions.outreach.models.workshops import AudienceCriteria, Workshop, WorkshopSession

PRACTICE = "practice-contract"
AT = "2026-03-01T12:00:00.000Z"
FIRST = datetime(2026, 3, 20, 17, tzinfo=UTC)
CALLER = Caller(user_id="coord-1", practice_id=PRACTICE, roles=frozenset({Role.COORDINATOR}), request_id="t")


def audit(action: str = "test.change", entity: str = "THING", entity_id: str = "x"):
    return draft(CALLER, action, entity, entity_id, AT)


def workshop(workshop_id: str = "W1", status: str = "published", capacity: int = 2, version: int = 1,
             **more: Any) -> Workshop:
    sessions = [WorkshopSession(id=f"{workshop_id}-1", starts_at=FIRST, ends_at=FIRST + timedelta(hours=1),
                                mode="in_person", room="Room 2", address="1 Elm Street")]
    fields = {"id": workshop_id, "practice_id": PRACTICE, "title": "Living well", "topic": "diabetes",
              "description": "Food and movement", "audience": AudienceCriteria(topics=["diabetes"], min_age=18),
              "sessions": sessions, "capacity": capacity, "registration_deadline": FIRST - timedelta(days=2),
              "facilitator_id": "fac-1", "status": status, "version": version, "created_at": AT, "updated_at": AT}
    return Workshop(**{**fields, **more})


def registration(registration_id: str, workshop_id: str = "W1", patient_id: str | None = None,
                 status: str = "registered", version: int = 1, created_at: str = AT, **more: Any) -> Registration:
    patient_id = patient_id if patient_id is not None or more.get("contact_id") else f"pat-{registration_id}"
    holder = f"patient:{patient_id}" if patient_id else f"contact:{registration_id}"
    return Registration(id=registration_id, practice_id=PRACTICE, workshop_id=workshop_id, patient_id=patient_id,
                        status=status, holder=holder, version=version, created_at=created_at, updated_at=AT,
                        **more)


def signup(signup_id: str = "S1", workshop_id: str = "W1") -> PendingSignup:
    return PendingSignup(id=signup_id, practice_id=PRACTICE, workshop_id=workshop_id, name="Sam Public",
                         email="sam@example.org", contact_key="c" * 40,
                         expires_at=datetime(2026, 3, 3, tzinfo=UTC))


@dataclass
class Ports:
    catalog: Any
    book: Any
    signups: Any
    box: Any
    facts: Any
    limits: Any
    audit: Any
    kind: str


def build(request) -> Ports:
    """Every outreach port over one store: the fakes, or the adapters on a fresh moto table."""
    if request.param == "fake":
        from tests.fakes.outreach import FakeOutreach, FakeRateLimits

        state = FakeOutreach()
        return Ports(state, state, state, state, state.facts(), FakeRateLimits(), state.audit, "fake")
    from functions.core.audit_store import AuditStore
    from functions.core.table import Table
    from functions.outreach.dynamo.limits import DynamoRateLimits
    from functions.outreach.dynamo.registrations import DynamoRegistrationBook, DynamoSignupBook
    from functions.outreach.dynamo.surveys import DynamoSurveyBox
    from functions.outreach.dynamo.workshops import DynamoWorkshopCatalog, DynamoWorkshopFacts

    request.getfixturevalue("cloud")
    store = AuditStore(Table())
    return Ports(DynamoWorkshopCatalog(Table(), store), DynamoRegistrationBook(Table(), store),
                 DynamoSignupBook(Table(), store), DynamoSurveyBox(Table(), store), DynamoWorkshopFacts(Table(), store),
                 DynamoRateLimits(Table()), store, "dynamo")
