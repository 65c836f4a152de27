"""DynamoDB adapters of RegistrationBook and SignupBook. A place is an UpdateItem of the workshop's counter
(`registered < capacity`) in the registration's own transaction, so places never exceed capacity however many
register at once; a holder item makes one active registration per patient or contact and workshop."""

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from functions.core import idempotency
from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.contacts import ContactCard, contact_put
from functions.core.errors import Conflict, stale
from functions.core.events import DomainEvent
from functions.core.idempotency import IdempotencyClaim, IdempotentRequest
from functions.core.table import Delete, Item, Operation, Put, Table, TransactionCancelled, Update
from functions.outreach.dynamo import keys
from functions.outreach.models.registrations import PendingSignup, Registration

NOT_OPEN = Conflict("registration for this workshop is closed", code="registration_closed")
ALREADY = Conflict("this person is registered for this workshop already", code="already_registered")
SETTLED = Conflict("this sign-up was confirmed meanwhile", code="signup_settled")
# an unconfirmed sign-up's card outlives it a little, so a message queued for it still finds an address
CARD_GRACE = timedelta(days=2)


def _workshop(practice_id: str, workshop_id: str) -> Item:
    return {"pk": keys.workshop_pk(practice_id, workshop_id), "sk": keys.WORKSHOP}


def _registration_item(registration: Registration) -> Item:
    item = {"pk": keys.registration_pk(registration.practice_id, registration.id), "sk": keys.REGISTRATION,
            "kind": "OUTREACH_REGISTRATION",
            **registration.model_dump(mode="json", exclude_none=True, exclude={"attended_sessions"}),
            "holder": registration.holder,
            "gsi1pk": keys.roster_index(registration.practice_id, registration.workshop_id),
            "gsi1sk": registration.id}
    if registration.attended_sessions:  # a string set, so marking attendance is an atomic ADD / DELETE
        item["attended"] = set(registration.attended_sessions)
    if registration.status == "waitlisted":
        item |= {"gsi2pk": keys.waitlist_index(registration.practice_id, registration.workshop_id),
                 "gsi2sk": f"{registration.created_at}#{registration.id}"}
    if registration.patient_id:
        item |= {"gsi3pk": keys.registrations_of_index(registration.practice_id, registration.patient_id),
                 "gsi3sk": registration.id}
    return item


def _registration(item: Item) -> Registration:
    return Registration.model_validate({**item, "attended_sessions": sorted(item.get("attended", ()))})


def _card(signup: PendingSignup, ttl: int | None = None) -> Put:
    card = ContactCard(name=signup.name, email=signup.email, phone=signup.phone,
                       channels=["email" if signup.email else "sms"], owner="outreach.registration")
    put = contact_put(signup.practice_id, signup.id, card)
    if ttl is not None:
        put.item["ttl"] = ttl
    return put


class DynamoRegistrationBook:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table, self.audit = table, audit

    def registration(self, practice_id: str, registration_id: str) -> Registration | None:
        """GetItem OUTREACH_REGISTRATION#<r>/REGISTRATION (consistent)."""
        item = self.table.get(keys.registration_pk(practice_id, registration_id), keys.REGISTRATION, consistent=True)
        return _registration(item) if item else None

    def of_workshop(self, practice_id: str, workshop_id: str, cursor: str | None,
                    limit: int) -> tuple[list[Registration], str | None]:
        """Query gsi1 OUTREACH_ROSTER#<w>, in id order, a page at a time."""
        pk, after = keys.roster_index(practice_id, workshop_id), keys.cursor(cursor)
        start = None if after is None else {"pk": keys.registration_pk(practice_id, after), "sk": keys.REGISTRATION,
                                            "gsi1pk": pk, "gsi1sk": after}
        page = self.table.query(pk, index="gsi1", limit=limit, start_key=start)
        found = [_registration(item) for item in page.items]
        return found, (found[-1].id if page.last_key and found else None)

    def of_patient(self, practice_id: str, patient_id: str) -> list[Registration]:
        """Query gsi3 OUTREACH_REGISTRATIONS_OF#<patient>, every page."""
        return [_registration(item)
                for item in self.table.query_all(keys.registrations_of_index(practice_id, patient_id), index="gsi3")]

    def take_place(self, registration: Registration, audit: AuditDraft, events: Sequence[DomainEvent],
                   claim: IdempotencyClaim | None = None, signup: PendingSignup | None = None) -> bool:
        """TransactWriteItems: UpdateItem workshop registered+1 (published, registered < capacity), the holder
        (attribute_not_exists), the registration, [the sign-up consumed and its card kept], [key], audit."""
        counter = Update(_workshop(registration.practice_id, registration.workshop_id),
                         "SET #registered = #registered + :one",
                         {"#registered": "registered", "#capacity": "capacity", "#status": "status"},
                         {":one": 1, ":published": "published"},
                         condition="#status = :published AND #registered < #capacity", return_old_on_conflict=True)
        try:
            self.audit.commit(audit, [counter, *self._entry(registration, claim, signup)], events)
        except TransactionCancelled as cancelled:
            if 0 not in cancelled.failed_at():
                raise
            old = cancelled.reasons[0][1] or {}
            if old.get("status") != "published":
                raise NOT_OPEN from None
            return False
        return True

    def join_waitlist(self, registration: Registration, audit: AuditDraft, events: Sequence[DomainEvent],
                      claim: IdempotencyClaim | None = None, signup: PendingSignup | None = None) -> None:
        """TransactWriteItems: UpdateItem workshop waitlisted+1 (published), the holder, the registration (on the
        waitlist index), [the sign-up consumed], [key], audit."""
        counter = Update(_workshop(registration.practice_id, registration.workshop_id),
                         "SET #waitlisted = #waitlisted + :one", {"#waitlisted": "waitlisted", "#status": "status"},
                         {":one": 1, ":published": "published"}, condition="#status = :published",
                         on_conflict=NOT_OPEN)
        self.audit.commit(audit, [counter, *self._entry(registration, claim, signup)], events)

    def cancel(self, registration: Registration, was: str, audit: AuditDraft, events: Sequence[DomainEvent]) -> None:
        """TransactWriteItems: the registration on its previous version and status, the holder deleted, the
        workshop's counter of what it was (registered or waitlisted) less one, audit."""
        put = Put(_registration_item(registration), "#version = :previous AND #status = :was",
                  {"#version": "version", "#status": "status"},
                  {":previous": registration.version - 1, ":was": was}, on_conflict=stale("registration"))
        counter = Update(_workshop(registration.practice_id, registration.workshop_id), "SET #n = #n - :one",
                         {"#n": was}, {":one": 1})
        holder = Delete({"pk": keys.workshop_pk(registration.practice_id, registration.workshop_id),
                         "sk": keys.holder_sk(registration.holder)})
        self.audit.commit(audit, [put, counter, holder], events)

    def first_waitlisted(self, practice_id: str, workshop_id: str) -> Registration | None:
        """Query gsi2 OUTREACH_WAITLIST#<w>, Limit 1: the first to join (a sparse index: waitlisted only)."""
        page = self.table.query(keys.waitlist_index(practice_id, workshop_id), index="gsi2", limit=1)
        if not page.items:
            return None
        # the index is eventually consistent: read the registration itself before acting on it
        return self.registration(practice_id, page.items[0]["id"])

    def promote(self, registration: Registration, audit: AuditDraft, events: Sequence[DomainEvent]) -> bool:
        """TransactWriteItems: UpdateItem workshop registered+1, waitlisted-1 (still running, registered <
        capacity), the registration waitlisted -> registered on its previous version, audit. False when either
        condition fails."""
        counter = Update(_workshop(registration.practice_id, registration.workshop_id),
                         "SET #registered = #registered + :one, #waitlisted = #waitlisted - :one",
                         {"#registered": "registered", "#waitlisted": "waitlisted", "#capacity": "capacity",
                          "#status": "status"}, {":one": 1, ":published": "published", ":closed": "closed"},
                         condition="#status IN (:published, :closed) AND #registered < #capacity")
        put = Put(_registration_item(registration), "#version = :previous AND #status = :waitlisted",
                  {"#version": "version", "#status": "status"},
                  {":previous": registration.version - 1, ":waitlisted": "waitlisted"})
        try:
            self.audit.commit(audit, [counter, put], events)
        except TransactionCancelled as cancelled:
            if not set(cancelled.failed_at()) & {0, 1}:
                raise
            return False
        return True

    def mark_attendance(self, practice_id: str, workshop_id: str, session_id: str, present: Sequence[str],
                        absent: Sequence[str], audit: AuditDraft) -> None:
        """TransactWriteItems: per registration named, ADD (present) or DELETE (absent) the session in its
        `attended` set, on condition it is a registered one of this workshop; audit. All or nothing."""
        writes: list[Operation] = []
        for registration_id, verb in [*((r, "ADD") for r in present), *((r, "DELETE") for r in absent)]:
            refused = Conflict("only a registered person of this workshop can be marked",
                               {"registration_id": registration_id}, code="not_registered")
            key = {"pk": keys.registration_pk(practice_id, registration_id), "sk": keys.REGISTRATION}
            writes.append(Update(key, f"{verb} #attended :session",
                                 {"#attended": "attended", "#workshop": "workshop_id", "#status": "status"},
                                 {":session": {session_id}, ":workshop": workshop_id, ":registered": "registered"},
                                 condition="#workshop = :workshop AND #status = :registered", on_conflict=refused))
        self.audit.commit(audit, writes)

    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None:
        """GetItem (consistent) of the Idempotency-Key's record."""
        return idempotency.stored_response(self.table, practice_id, request)

    @staticmethod
    def _entry(registration: Registration, claim: IdempotencyClaim | None,
               signup: PendingSignup | None) -> list[Operation]:
        writes: list[Operation] = [
            Put({"pk": keys.workshop_pk(registration.practice_id, registration.workshop_id),
                 "sk": keys.holder_sk(registration.holder), "kind": "OUTREACH_HOLDER",
                 "registration_id": registration.id}, "attribute_not_exists(pk)", on_conflict=ALREADY),
            Put(_registration_item(registration), "attribute_not_exists(pk)",
                on_conflict=Conflict("the registration exists", code="conflict"))]
        if signup is not None:
            writes += [Delete({"pk": keys.signup_pk(signup.practice_id, signup.id), "sk": keys.SIGNUP},
                              "attribute_exists(pk)", on_conflict=SETTLED),
                       _card(signup)]
        if claim is not None:
            writes.append(idempotency.claim_put(registration.practice_id, claim))
        return writes


class DynamoSignupBook:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table, self.audit = table, audit

    def hold(self, signup: PendingSignup, audit: AuditDraft, events: Sequence[DomainEvent]) -> None:
        """TransactWriteItems: the sign-up (ttl at its expiry), the contact's card (ttl a little later, unless
        confirmed), audit, the confirmation link's message."""
        expires = int(signup.expires_at.timestamp())
        item = {"pk": keys.signup_pk(signup.practice_id, signup.id), "sk": keys.SIGNUP, "kind": "OUTREACH_SIGNUP",
                **signup.model_dump(mode="json", exclude_none=True), "ttl": expires}
        card = _card(signup, ttl=expires + int(CARD_GRACE.total_seconds()))
        self.audit.commit(audit, [Put(item, "attribute_not_exists(pk)"), card], events)

    def signup(self, practice_id: str, signup_id: str) -> PendingSignup | None:
        """GetItem OUTREACH_SIGNUP#<s>/SIGNUP (consistent)."""
        item = self.table.get(keys.signup_pk(practice_id, signup_id), keys.SIGNUP, consistent=True)
        return PendingSignup.model_validate(item) if item else None
