"""The practice's scheduling set-up and its availability exceptions in the table."""

from collections.abc import Sequence
from datetime import date

from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.errors import NotFound, stale
from functions.core.events import DomainEvent
from functions.core.table import Delete, Put, Table
from functions.scheduling.dynamo.keys import attributes, config_pk
from functions.scheduling.models.setup import (
    AppointmentType,
    AvailabilityException,
    Policy,
    Practitioner,
    Room,
    Setup,
)
from functions.scheduling.ports import Configured

CONFIG = "CONFIG#"
POLICY_SK = "CONFIG#POLICY"
KINDS = {"PRACTITIONER": Practitioner, "ROOM": Room, "TYPE": AppointmentType}
KIND_OF = {Practitioner: "PRACTITIONER", Room: "ROOM", AppointmentType: "TYPE"}


class DynamoSchedulingSetup:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table = table
        self.audit = audit

    def current(self, practice_id: str) -> Setup:
        """Query pk=PRACTICE#p#SCHEDULING begins_with(sk, CONFIG#), all pages: the policy, practitioners,
        rooms and appointment types in one request (a practice has tens of them, not thousands)."""
        found = Setup()
        shelves = {"PRACTITIONER": found.practitioners, "ROOM": found.rooms, "TYPE": found.types}
        for item in self.table.query_all(config_pk(practice_id), sk_prefix=CONFIG, consistent=True):
            if item["sk"] == POLICY_SK:
                found.policy = Policy.model_validate(item)
                continue
            kind = item["sk"].split("#")[1]
            if kind in KINDS:
                configured = KINDS[kind].model_validate(item)
                shelves[kind][configured.id] = configured
        return found

    def policy(self, practice_id: str) -> Policy | None:
        """GetItem pk=PRACTICE#p#SCHEDULING sk=CONFIG#POLICY."""
        item = self.table.get(config_pk(practice_id), POLICY_SK, consistent=True)
        return Policy.model_validate(item) if item else None

    def practitioner(self, practice_id: str, practitioner_id: str) -> Practitioner | None:
        """GetItem pk=PRACTICE#p#SCHEDULING sk=CONFIG#PRACTITIONER#<id>."""
        return self._config(practice_id, "PRACTITIONER", practitioner_id)

    def appointment_type(self, practice_id: str, type_id: str) -> AppointmentType | None:
        """GetItem pk=PRACTICE#p#SCHEDULING sk=CONFIG#TYPE#<id>."""
        return self._config(practice_id, "TYPE", type_id)

    def save_policy(self, practice_id: str, policy: Policy, expected_version: int, audit: AuditDraft) -> None:
        """Put CONFIG#POLICY, new (version 0: the defaults) or replacing `expected_version`."""
        self._versioned_put(practice_id, POLICY_SK, "SCHEDULING_POLICY", policy, expected_version, audit, ())

    def save(self, practice_id: str, configured: Configured, expected_version: int | None, audit: AuditDraft,
             events: Sequence[DomainEvent] = ()) -> None:
        """Put CONFIG#<KIND>#<id>, new (attribute_not_exists) or replacing `expected_version`."""
        kind = KIND_OF[type(configured)]
        self._versioned_put(practice_id, f"{CONFIG}{kind}#{configured.id}", f"SCHEDULING_{kind}", configured,
                            expected_version, audit, events)

    def _config(self, practice_id: str, kind: str, entity_id: str):
        item = self.table.get(config_pk(practice_id), f"{CONFIG}{kind}#{entity_id}", consistent=True)
        return KINDS[kind].model_validate(item) if item else None

    def _versioned_put(self, practice_id: str, sk: str, kind: str, model: Configured | Policy,
                       expected_version: int | None, audit: AuditDraft, events: Sequence[DomainEvent]) -> None:
        item = {"pk": config_pk(practice_id), "sk": sk, "kind": kind, **attributes(model)}
        changed = stale(kind.removeprefix("SCHEDULING_").lower().replace("_", " "))
        if not expected_version:
            put = Put(item, "attribute_not_exists(pk)", on_conflict=changed)
        else:
            put = Put(item, "#version = :expected", names={"#version": "version"},
                      values={":expected": expected_version}, on_conflict=changed)
        self.audit.commit(audit, writes=[put], events=events)


class DynamoAvailabilityExceptions:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table = table
        self.audit = audit

    def between(self, practice_id: str, first: date, last: date) -> list[AvailabilityException]:
        """Query pk=PRACTICE#p#SCHEDULING sk BETWEEN EXCEPTION#<first> AND EXCEPTION#<last>~ (all practitioners)."""
        items = self.table.query_all(config_pk(practice_id),
                                     sk_between=(f"EXCEPTION#{first.isoformat()}", f"EXCEPTION#{last.isoformat()}~"))
        return [AvailabilityException.model_validate(item) for item in items]

    def add(self, practice_id: str, exception: AvailabilityException, audit: AuditDraft) -> None:
        """Put EXCEPTION#<date>#<id> (attribute_not_exists)."""
        item = {"pk": config_pk(practice_id), "sk": f"EXCEPTION#{exception.date.isoformat()}#{exception.id}",
                "kind": "SCHEDULING_EXCEPTION", **attributes(exception)}
        self.audit.commit(audit, writes=[Put(item, "attribute_not_exists(pk)")])

    def remove(self, practice_id: str, day: date, exception_id: str, audit: AuditDraft) -> None:
        """Delete EXCEPTION#<date>#<id> (attribute_exists, else NotFound)."""
        delete = Delete({"pk": config_pk(practice_id), "sk": f"EXCEPTION#{day.isoformat()}#{exception_id}"},
                        "attribute_exists(pk)", on_conflict=NotFound("no such exception", code="exception_not_found"))
        self.audit.commit(audit, writes=[delete])
