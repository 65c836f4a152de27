"""DynamoDB adapters of the training ports: programmes, and assignments with their one-open-per-member marker
and the sparse due-date index (keys in training_keys.py)."""

from datetime import date, timedelta
from typing import Any

from functions.compliance.dynamo import training_keys as keys
from functions.compliance.models.training import Assignment, Programme
from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.errors import Conflict, stale
from functions.core.events import DomainEvent
from functions.core.table import Delete, Operation, Put, Table, TransactionCancelled

CHUNK = 40  # assignments per transaction: two writes each, under DynamoDB's 100 with the audit entry's own
ATTEMPTS = 3


def versioned_put(row: dict[str, Any], what: str) -> Put:
    """`row` at its version: the first only where nothing is, a later one only over the version before it."""
    version = row["version"]
    if version == 1:
        return Put(row, "attribute_not_exists(pk)",
                   on_conflict=Conflict(f"the {what} changed meanwhile; read it again", code="conflict"))
    return Put(row, "#v = :v", names={"#v": "version"}, values={":v": version - 1}, on_conflict=stale(what))


class DynamoProgrammeBook:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table, self.audit = table, audit

    def programme(self, practice_id: str, programme_id: str) -> Programme | None:
        """GetItem TRAINING_PROGRAMME#<id>/PROGRAMME (consistent)."""
        row = self.table.get(keys.programme_pk(practice_id, programme_id), keys.PROGRAMME, consistent=True)
        return Programme.model_validate(row) if row else None

    def programmes(self, practice_id: str) -> list[Programme]:
        """Query gsi1 TRAINING_PROGRAMMES (by title), every page."""
        return [Programme.model_validate(row) for row in
                self.table.query_all(keys.programmes_index(practice_id), index=keys.LIST_INDEX)]

    def save(self, programme: Programme, audit: AuditDraft) -> None:
        """TransactWriteItems: the programme over its previous version (or where none is), audit."""
        row = {"pk": keys.programme_pk(programme.practice_id, programme.id), "sk": keys.PROGRAMME,
               "kind": "TRAINING_PROGRAMME", **programme.model_dump(mode="json", exclude_none=True),
               "gsi1pk": keys.programmes_index(programme.practice_id),
               "gsi1sk": keys.by_title(programme.title, programme.id)}
        self.audit.commit(audit, [versioned_put(row, "programme")])


def _row(assignment: Assignment) -> dict[str, Any]:
    p, due = assignment.practice_id, assignment.due_on.isoformat()
    row = {"pk": keys.assignment_pk(p, assignment.id), "sk": keys.ASSIGNMENT, "kind": "TRAINING_ASSIGNMENT",
           **assignment.model_dump(mode="json", exclude_none=True),
           "gsi1pk": keys.member_index(p, assignment.user_id), "gsi1sk": f"{due}#{assignment.id}",
           "gsi3pk": keys.programme_assignments_index(p, assignment.programme_id),
           "gsi3sk": f"{assignment.user_id}#{assignment.id}"}
    if assignment.status == "open":  # sparse: only what is still to do is on the due-date index
        row |= {"gsi2pk": keys.training_due_index(p), "gsi2sk": f"{due}#{assignment.id}"}
    return row


def _marker(assignment: Assignment) -> dict[str, Any]:
    return {"pk": keys.open_pk(assignment.practice_id, assignment.programme_id), "sk": keys.open_sk(assignment.user_id),
            "kind": "TRAINING_OPEN", "assignment_id": assignment.id}


class DynamoAssignmentBook:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table, self.audit = table, audit

    def assignment(self, practice_id: str, assignment_id: str) -> Assignment | None:
        """GetItem TRAINING_ASSIGNMENT#<id>/ASSIGNMENT (consistent)."""
        row = self.table.get(keys.assignment_pk(practice_id, assignment_id), keys.ASSIGNMENT, consistent=True)
        return Assignment.model_validate(row) if row else None

    def of_member(self, practice_id: str, user_id: str) -> list[Assignment]:
        """Query gsi1 TRAINING_OF#<user> (by due date), every page."""
        return [Assignment.model_validate(row) for row in
                self.table.query_all(keys.member_index(practice_id, user_id), index=keys.LIST_INDEX)]

    def of_programme(self, practice_id: str, programme_id: str) -> list[Assignment]:
        """Query gsi3 TRAINING_ASSIGNED#<programme> (by member), every page."""
        return [Assignment.model_validate(row) for row in
                self.table.query_all(keys.programme_assignments_index(practice_id, programme_id),
                                     index=keys.PROGRAMME_INDEX)]

    def _open_members(self, practice_id: str, programme_id: str) -> set[str]:
        """Query TRAINING_OPEN#<programme> (consistent): who has the programme open now."""
        rows = self.table.query_all(keys.open_pk(practice_id, programme_id), consistent=True)
        return {row["sk"].removeprefix("USER#") for row in rows}

    def assign(self, assignments: list[Assignment], audit: AuditDraft) -> list[Assignment]:
        """Query TRAINING_OPEN#<programme>, then TransactWriteItems per 40: each member's open marker where none
        is, and the assignment; audit. A marker written meanwhile cancels the chunk, which is read again."""
        written: list[Assignment] = []
        for start in range(0, len(assignments), CHUNK):
            chunk = assignments[start:start + CHUNK]
            for attempt in range(ATTEMPTS):
                busy = {(programme_id, user_id) for practice_id, programme_id in {(a.practice_id, a.programme_id)
                                                                                   for a in chunk}
                        for user_id in self._open_members(practice_id, programme_id)}
                todo = [a for a in chunk if (a.programme_id, a.user_id) not in busy]
                if not todo:
                    break
                operations: list[Operation] = []
                for assignment in todo:
                    operations += [Put(_marker(assignment), "attribute_not_exists(pk)"),
                                   Put(_row(assignment), "attribute_not_exists(pk)")]
                try:
                    self.audit.commit(audit, operations)
                except TransactionCancelled:
                    if attempt == ATTEMPTS - 1:
                        raise Conflict("assignments changed meanwhile; try again", code="conflict") from None
                    continue
                written += todo
                break
        return written

    def complete(self, done: Assignment, following: Assignment | None, audit: AuditDraft) -> None:
        """TransactWriteItems: the assignment (completed, off the due index) over its open version; the open
        marker removed, or handed to the next round, written beside it; audit."""
        already = Conflict("the assignment was completed or changed meanwhile; read it again",
                           code="already_completed")
        marker_key = {"pk": keys.open_pk(done.practice_id, done.programme_id), "sk": keys.open_sk(done.user_id)}
        operations: list[Operation] = [
            Put(_row(done), "#v = :v AND #s = :open", names={"#v": "version", "#s": "status"},
                values={":v": done.version - 1, ":open": "open"}, on_conflict=already)]
        if following is None:
            operations.append(Delete(marker_key, "#a = :a", names={"#a": "assignment_id"}, values={":a": done.id},
                                     on_conflict=already))
        else:
            operations += [Put(_marker(following), "#a = :a", names={"#a": "assignment_id"}, values={":a": done.id},
                               on_conflict=already),
                           Put(_row(following), "attribute_not_exists(pk)", on_conflict=already)]
        self.audit.commit(audit, operations)

    def due_by(self, practice_id: str, through: date) -> list[Assignment]:
        """Query gsi2 TRAINING_DUE up to <through>#~ (sparse: open assignments only), every page."""
        return [Assignment.model_validate(row) for row in
                self.table.query_all(keys.training_due_index(practice_id), index=keys.DUE_INDEX,
                                     sk_between=keys.through(through))]

    def overdue(self, practice_id: str, today: date) -> list[Assignment]:
        """Query gsi2 TRAINING_DUE up to the day before `today` (sparse), every page."""
        return self.due_by(practice_id, today - timedelta(days=1))

    def remind(self, assignment: Assignment, audit: AuditDraft, events: list[DomainEvent]) -> None:
        """TransactWriteItems: the assignment over its previous version, still open; its notice; audit."""
        self.audit.commit(audit, [
            Put(_row(assignment), "#v = :v AND #s = :open", names={"#v": "version", "#s": "status"},
                values={":v": assignment.version - 1, ":open": "open"},
                on_conflict=Conflict("the assignment changed meanwhile", code="conflict"))], events=events)
