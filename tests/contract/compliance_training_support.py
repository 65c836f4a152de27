"""What the training and policy contract suites share: the ports as fakes and as adapters on moto, and records
to store."""

from datetime import date

from functions.compliance.models.policies import Acknowledgement, Policy, PolicyVersion
from functions.compliance.models.training import Assignment, Programme
from functions.core.audit import draft
from functions.core.auth import Caller, Role

PRACTICE = "practice-contract"
AT = "2026-03-01T12:00:00.000Z"
CALLER = Caller(user_id="coord-1", practice_id=PRACTICE, roles=frozenset({Role.COORDINATOR}), request_id="t")


def audit(action: str = "test.change", entity: str = "THING", entity_id: str = "x"):
    return draft(CALLER, action, entity, entity_id, AT)


def ports(request, fakes: tuple[str, ...], adapters: tuple[str, ...]):
    """The fakes (from tests.fakes.compliance) or the adapters (from functions.compliance.dynamo.*), sharing one
    audit trail or one moto table."""
    if request.param == "fake":
        import tests.fakes.compliance as fake
        from tests.fakes.audit import FakeAuditTrail

        trail = FakeAuditTrail()
        return tuple(getattr(fake, name)(trail) for name in fakes)
    import importlib

    from functions.core.audit_store import AuditStore
    from functions.core.table import Table

    request.getfixturevalue("cloud")
    store = AuditStore(Table())
    built = []
    for path in adapters:
        module, _, name = path.rpartition(".")
        built.append(getattr(importlib.import_module(module), name)(Table(), store))
    return tuple(built)


def programme(programme_id: str, title: str = "HIPAA privacy", version: int = 1, **more) -> Programme:
    values = {"category": "privacy", "recurrence": "none", "evidence": "none", **more}
    return Programme(id=programme_id, practice_id=PRACTICE, title=title, version=version, created_at=AT,
                     updated_at=AT, **values)


def assignment(assignment_id: str, user_id: str = "nurse-1", programme_id: str = "PROG1",
               due_on: date = date(2026, 4, 1), **more) -> Assignment:
    values = {"recurrence": "none", "evidence_needed": "none", "version": 1, **more}
    return Assignment(id=assignment_id, practice_id=PRACTICE, programme_id=programme_id,
                      programme_title="HIPAA privacy", user_id=user_id, due_on=due_on, assigned_at=AT,
                      assigned_by="coord-1", **values)


def policy(policy_id: str, title: str = "Acceptable use", version: int = 1, current: int = 0) -> Policy:
    return Policy(id=policy_id, practice_id=PRACTICE, title=title, current_version=current, version=version,
                  created_at=AT, updated_at=AT)


def policy_version(policy_id: str, number: int, sign_by: date = date(2026, 3, 15)) -> PolicyVersion:
    return PolicyVersion(practice_id=PRACTICE, policy_id=policy_id, number=number, text="Lock screens.",
                         roles=["nurse"], user_ids=[], published_at=AT, published_by="coord-1", sign_by=sign_by)


def request(policy_id: str, number: int, user_id: str, sign_by: date = date(2026, 3, 15), **more) -> Acknowledgement:
    return Acknowledgement(practice_id=PRACTICE, policy_id=policy_id, policy_title="Acceptable use", number=number,
                           user_id=user_id, sign_by=sign_by, **{"version": 1, **more})
