"""DynamoDB adapters of WorkshopCatalog and of the promotion's WorkshopFacts."""

from collections.abc import Sequence
from typing import Any

from functions.core import clock, idempotency
from functions.core.audit import AuditDraft, draft
from functions.core.audit_store import AuditStore
from functions.core.auth import Caller
from functions.core.errors import Conflict, DomainError, stale
from functions.core.events import DomainEvent
from functions.core.idempotency import IdempotencyClaim, IdempotentRequest
from functions.core.table import Item, Put, Table, TransactionCancelled, Update, set_and_remove
from functions.outreach.dynamo import keys
from functions.outreach.dynamo.registrations import DynamoRegistrationBook
from functions.outreach.models.surveys import SurveyTotals
from functions.outreach.models.workshops import PromotedWorkshop, Registrant, Workshop

# what registering and answering surveys change on the workshop item; a workshop's own save leaves them alone
COUNTERS = ("registered", "waitlisted", "survey_answers", "survey_rating_sum", "survey_again")


class _NotPublished(DomainError):
    status = 409


def workshop_key(practice_id: str, workshop_id: str) -> Item:
    return {"pk": keys.workshop_pk(practice_id, workshop_id), "sk": keys.WORKSHOP}


def _attributes(workshop: Workshop) -> Item:
    fields = workshop.model_dump(mode="json", exclude={"registered", "waitlisted", "signup_url"})
    return {**fields, "kind": "OUTREACH_WORKSHOP",
            "gsi1pk": keys.workshops_index(workshop.practice_id), "gsi1sk": workshop.id,
            "gsi2pk": keys.status_index(workshop.practice_id, workshop.status), "gsi2sk": workshop.id}


class DynamoWorkshopCatalog:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table, self.audit = table, audit

    def workshop(self, practice_id: str, workshop_id: str) -> Workshop | None:
        """GetItem OUTREACH_WORKSHOP#<w>/WORKSHOP (consistent): the workshop and its counters."""
        item = self.table.get(**workshop_key(practice_id, workshop_id), consistent=True)
        return Workshop.model_validate(item) if item else None

    def workshops(self, practice_id: str, status: str | None, cursor: str | None,
                  limit: int) -> tuple[list[Workshop], str | None]:
        """Query gsi1 OUTREACH_WORKSHOPS (every status) or gsi2 OUTREACH_WORKSHOPS#<status>, newest first."""
        index, pk = ("gsi1", keys.workshops_index(practice_id)) if status is None else \
            ("gsi2", keys.status_index(practice_id, status))
        after = keys.cursor(cursor)
        start = None if after is None else {**workshop_key(practice_id, after), f"{index}pk": pk,
                                            f"{index}sk": after}
        page = self.table.query(pk, index=index, forward=False, limit=limit, start_key=start)
        found = [Workshop.model_validate(item) for item in page.items]
        return found, (found[-1].id if page.last_key and found else None)

    def create(self, workshop: Workshop, audit: AuditDraft, claim: IdempotencyClaim | None = None) -> None:
        """TransactWriteItems: the workshop (attribute_not_exists) with zeroed counters, [idempotency key], audit."""
        item = {**workshop_key(workshop.practice_id, workshop.id), **_attributes(workshop),
                **dict.fromkeys(COUNTERS, 0)}
        writes = [Put(item, "attribute_not_exists(pk)",
                      on_conflict=Conflict("the workshop changed meanwhile; read it again", code="conflict"))]
        if claim is not None:
            writes.append(idempotency.claim_put(workshop.practice_id, claim))
        self.audit.commit(audit, writes)

    def save(self, workshop: Workshop, audit: AuditDraft, events: Sequence[DomainEvent] = ()) -> None:
        """TransactWriteItems: UpdateItem of the workshop's own attributes (not its counters) on the previous
        version, audit, events."""
        attributes = _attributes(workshop)
        expression, names, values = set_and_remove({k: v for k, v in attributes.items() if v is not None},
                                                   [k for k, v in attributes.items() if v is None])
        names["#version"] = "version"
        values[":previous"] = workshop.version - 1
        update = Update(workshop_key(workshop.practice_id, workshop.id), expression, names, values,
                        condition="#version = :previous", on_conflict=stale("workshop"))
        self.audit.commit(audit, [update], events)

    def tell(self, audit: AuditDraft, events: Sequence[DomainEvent]) -> None:
        """TransactWriteItems: the audit entry and the messages (outbox)."""
        self.audit.commit(audit, (), events)

    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None:
        """GetItem (consistent) of the Idempotency-Key's record."""
        return idempotency.stored_response(self.table, practice_id, request)

    def survey_totals(self, practice_id: str, workshop_id: str) -> SurveyTotals:
        """GetItem OUTREACH_WORKSHOP#<w>/WORKSHOP (consistent): its survey counters."""
        item = self.table.get(**workshop_key(practice_id, workshop_id), consistent=True) or {}
        return SurveyTotals(answers=item.get("survey_answers", 0), rating_sum=item.get("survey_rating_sum", 0),
                            would_attend_again=item.get("survey_again", 0))


class DynamoWorkshopFacts:
    """WorkshopFacts: what the promotion's steps read and the one change they make (closing registration)."""

    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table, self.audit = table, audit
        self.catalog = DynamoWorkshopCatalog(table, audit)
        self.book = DynamoRegistrationBook(table, audit)

    def workshop(self, practice_id: str, workshop_id: str) -> PromotedWorkshop | None:
        """GetItem OUTREACH_WORKSHOP#<w>/WORKSHOP (consistent)."""
        workshop = self.catalog.workshop(practice_id, workshop_id)
        return workshop.promoted() if workshop else None

    def registrants(self, practice_id: str, workshop_id: str, cursor: str | None = None,
                    limit: int = 100) -> tuple[list[Registrant], str | None]:
        """Query gsi1 OUTREACH_ROSTER#<w>, a page at a time (every status)."""
        page, after = self.book.of_workshop(practice_id, workshop_id, cursor, limit)
        return [r.registrant() for r in page], after

    def close_registration(self, practice_id: str, workshop_id: str) -> bool:
        """TransactWriteItems: UpdateItem status published -> closed (its version bumped, its status index
        moved), audit. False when it was not published."""
        names = {"#status": "status", "#version": "version", "#g2": "gsi2pk", "#updated": "updated_at"}
        values = {":published": "published", ":closed": "closed", ":one": 1,
                  ":index": keys.status_index(practice_id, "closed"), ":at": clock.iso(clock.now())}
        update = Update(workshop_key(practice_id, workshop_id),
                        "SET #status = :closed, #version = #version + :one, #g2 = :index, #updated = :at",
                        names, values, condition="#status = :published", on_conflict=_NotPublished("not published"))
        system = Caller(user_id="outreach.promotion", practice_id=practice_id, roles=frozenset(),
                        request_id="workflow")
        try:
            self.audit.commit(draft(system, "workshop.close", "WORKSHOP", workshop_id, clock.iso(clock.now())),
                              [update])
        except (_NotPublished, TransactionCancelled):
            return False
        return True
