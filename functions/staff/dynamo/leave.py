"""DynamoDB adapters of LeaveBook and PtoLedger."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from functions.core import idempotency
from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.errors import Conflict
from functions.core.events import DomainEvent
from functions.core.idempotency import IdempotencyClaim, IdempotentRequest
from functions.core.table import Item, Operation, Put, Table, Update
from functions.staff.dynamo import keys
from functions.staff.models.leave import DECIDABLE, LeaveRequest, PtoEntry
from functions.staff.ports import LeaveCalendar

CALENDAR = "LEAVE_CALENDAR"
CALENDAR_CHANGED = Conflict("the staff member's leave changed meanwhile; try again", code="leave_changed")



class DynamoLeaveBook:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table, self.audit = table, audit

    def request(self, practice_id: str, leave_id: str) -> LeaveRequest | None:
        """GetItem LEAVE#<id>/LEAVE (consistent)."""
        item = self.table.get(keys.leave_pk(practice_id, leave_id), "LEAVE", consistent=True)
        return LeaveRequest.model_validate(item) if item else None

    def requests_of(self, practice_id: str, user_id: str) -> list[LeaveRequest]:
        """Query gsi2 LEAVE_OF#<user>, by first day, every page."""
        return [LeaveRequest.model_validate(i)
                for i in self.table.query_all(keys.leave_of_index(practice_id, user_id), index="gsi2")]

    def requests(self, practice_id: str, first: date, last: date) -> list[LeaveRequest]:
        """Query gsi1 LEAVE_REQUESTS sk BETWEEN <first> AND <last>~ (by first day), every page."""
        items = self.table.query_all(keys.leave_index(practice_id), index="gsi1",
                                     sk_between=(first.isoformat(), f"{last.isoformat()}~"))
        return [LeaveRequest.model_validate(i) for i in items]

    def waiting(self, practice_id: str, submitted_before: date) -> list[LeaveRequest]:
        """Query gsi3 LEAVE_PENDING sk < <submitted_before> (sparse: undecided requests), oldest first, every
        page."""
        items = self.table.query_all(keys.pending_leave_index(practice_id), index="gsi3",
                                     sk_between=("0", submitted_before.isoformat()))
        return [LeaveRequest.model_validate(i) for i in items]

    def calendar(self, practice_id: str, user_id: str) -> LeaveCalendar:
        """GetItem STAFF#<user>/LEAVE_CALENDAR (consistent): active leave spans and their version."""
        item = self.table.get(keys.member_pk(practice_id, user_id), CALENDAR, consistent=True)
        if item is None:
            return LeaveCalendar(user_id=user_id, spans=(), version=0)
        spans = tuple(sorted((datetime.fromisoformat(start), datetime.fromisoformat(end), leave_id)
                             for leave_id, (start, end) in item.get("spans", {}).items()))
        return LeaveCalendar(user_id=user_id, spans=spans, version=int(item["version"]))

    def submit(self, request: LeaveRequest, calendar: LeaveCalendar, audit: AuditDraft,
               events: Sequence[DomainEvent] = (), claim: IdempotencyClaim | None = None) -> None:
        """TransactWriteItems: the request (new), the member's leave calendar on the version read (a
        submission the caller did not see fails this one: 409), [idempotency key], outbox events, audit."""
        spans = {leave_id: [start.isoformat(), end.isoformat()] for start, end, leave_id in calendar.spans}
        spans[request.id] = [request.starts_at.isoformat(), request.ends_at.isoformat()]
        put = keys.versioned_put({"pk": keys.member_pk(request.practice_id, request.user_id), "sk": CALENDAR,
                                  "kind": "LEAVE_CALENDAR", "spans": spans, "version": calendar.version + 1},
                                 "leave calendar")
        put.on_conflict = CALENDAR_CHANGED
        writes: list[Operation] = [keys.versioned_put(self._item(request), "leave request"), put]
        if claim is not None:
            writes.append(idempotency.claim_put(request.practice_id, claim))
        self.audit.commit(audit, writes, events)

    def save(self, request: LeaveRequest, audit: AuditDraft, events: Sequence[DomainEvent] = ()) -> None:
        """TransactWriteItems: the request on its previous version, outbox events, audit; a request no longer
        active also leaves the member's leave calendar (UpdateItem REMOVE spans.<id>, ADD version)."""
        writes: list[Operation] = [keys.versioned_put(self._item(request), "leave request")]
        if not request.active:
            writes.append(Update({"pk": keys.member_pk(request.practice_id, request.user_id), "sk": CALENDAR},
                                 "REMOVE #spans.#id ADD #v :one", {"#spans": "spans", "#id": request.id,
                                                                    "#v": "version"}, {":one": 1},
                                 condition="attribute_exists(pk)"))
        self.audit.commit(audit, writes, events)

    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None:
        """GetItem (consistent) of the Idempotency-Key's record."""
        return idempotency.stored_response(self.table, practice_id, request)

    @staticmethod
    def _item(request: LeaveRequest) -> Item:
        order = f"{request.first_day.isoformat()}#{request.id}"
        item = {"pk": keys.leave_pk(request.practice_id, request.id), "sk": "LEAVE", "kind": "LEAVE_REQUEST",
                **request.model_dump(mode="json", exclude_none=True), "task_token": request.task_token,
                "gsi1pk": keys.leave_index(request.practice_id), "gsi1sk": order,
                "gsi2pk": keys.leave_of_index(request.practice_id, request.user_id), "gsi2sk": order}
        # the whole item is put on every change, so a decision drops these: the answer recorded (the workflow has
        # yet to apply it) is no longer waiting on anyone, or the compliance run would keep asking the approver
        if request.status in DECIDABLE and request.decision is None:
            item |= {"gsi3pk": keys.pending_leave_index(request.practice_id),
                     "gsi3sk": f"{request.submitted_at}#{request.id}"}
        return item


class DynamoPtoLedger:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table, self.audit = table, audit

    def entries(self, practice_id: str, user_id: str) -> list[PtoEntry]:
        """Query PTO#<user> (consistent), oldest first, every page."""
        items = self.table.query_all(keys.pto_pk(practice_id, user_id), consistent=True)
        return [PtoEntry.model_validate(i) for i in items]

    def append(self, practice_id: str, entries: Sequence[PtoEntry], audit: AuditDraft) -> bool:
        """TransactWriteItems: each entry where none with its id is (sk ENTRY#<on>#<id>), audit. False, and
        nothing written, when one is there already."""
        writes: list[Operation] = [
            Put({"pk": keys.pto_pk(practice_id, e.user_id), "sk": f"ENTRY#{e.on.isoformat()}#{e.id}",
                 "kind": "PTO_ENTRY", **e.model_dump(mode="json", exclude_none=True)},
                "attribute_not_exists(pk)", on_conflict=_AlreadyInLedger()) for e in entries]
        try:
            self.audit.commit(audit, writes)
        except _AlreadyInLedger:  # (a concurrent writer of the same entry: the audit store retried, then this)
            return False
        return True

    def month_closed(self, practice_id: str, month: str) -> bool:
        """GetItem PTO_MONTHS/MONTH#<yyyy-mm> (consistent)."""
        return self.table.get(keys.pto_months_pk(practice_id), f"MONTH#{month}", consistent=True) is not None

    def close_month(self, practice_id: str, month: str) -> None:
        """PutItem PTO_MONTHS/MONTH#<yyyy-mm>: the run for the month is done (written again by a second run)."""
        self.table.put({"pk": keys.pto_months_pk(practice_id), "sk": f"MONTH#{month}", "kind": "PTO_MONTH",
                        "month": month})


class _AlreadyInLedger(Conflict):
    code = "already_in_ledger"

    def __init__(self) -> None:
        super().__init__("this ledger entry is recorded already")
