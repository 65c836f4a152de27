"""The records ports on DynamoDB's single table: the only module that knows their keys, indexes and conditions.

Layout (one partition per patient, so one Query returns a patient with everything under them):
    pk = PRACTICE#<p>#PATIENT#<id>   sk = PATIENT              the profile (demographics, contacts,
                                                               family, care team, version, deleted_at)
                                     sk = COVERAGE#<id>        an insurance coverage
                                     sk = CONSENT#<id>         a consent
                                     sk = AUDIENCE#<topic>     an outreach audience entry (below)
Search indexes, on the profile item only, removed when the patient is soft-deleted (sparse):
    gsi1pk = PRACTICE#<p>#PATIENT_NAME              gsi1sk = <family>#<given>#<id>   (normalized names)
    gsi2pk = PRACTICE#<p>#PATIENT_BORN#<yyyy-mm-dd> gsi2sk = <family>#<given>#<id>
    gsi3pk = PRACTICE#<p>#PATIENT_PHONE#<e164>      gsi3sk = <family>#<given>#<id>   (only with a phone)
Outreach audience, one entry per (topic, patient) who has an active communication consent naming the topic
(birth date, language, primary practitioner and channels copied in, so selection is one Query a page):
    gsi1pk = PRACTICE#<p>#AUDIENCE#<topic>          gsi1sk = <patient id>
The entries live in the patient's partition so the consent, profile and soft-delete transactions that move
them touch one partition; they are written and removed in those transactions (records.audience decides which).

Every write goes through AuditStore.commit, so the data, its audit entry and its domain event land in one
transaction. Coverage and consent writes also bump the profile's `related_rev` under a condition, so the
rules that look across a patient's coverages or consents are checked against a record nobody changed.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

from functions.core import idempotency
from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.errors import Conflict, Invalid, NotFound, stale
from functions.core.events import DomainEvent
from functions.core.idempotency import IdempotencyClaim, IdempotentRequest
from functions.core.keys import collection_pk, entity_pk, segment
from functions.core.table import Check, Delete, Item, Operation, Put, Table, Update, set_and_remove
from functions.records.models.audience import AudienceChange, AudienceMember
from functions.records.models.consent import Consent
from functions.records.models.coverage import Coverage
from functions.records.models.patients import Patient, PatientRecord, name_key

PATIENT = "PATIENT"
PROFILE_SK = "PATIENT"
COVERAGE_PREFIX = "COVERAGE#"
CONSENT_PREFIX = "CONSENT#"
AUDIENCE_PREFIX = "AUDIENCE#"
INDEX_ATTRIBUTES = ("gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk")


def patient_pk(practice_id: str, patient_id: str) -> str:
    return entity_pk(practice_id, PATIENT, patient_id)


def _name_sort_key(patient: Patient) -> str:
    return f"{name_key(patient.family_name)}#{name_key(patient.given_name)}#{patient.id}"


def _index_keys(practice_id: str, patient: Patient) -> dict[str, str]:
    by_name = _name_sort_key(patient)
    keys = {
        "gsi1pk": collection_pk(practice_id, "PATIENT_NAME"), "gsi1sk": by_name,
        "gsi2pk": collection_pk(practice_id, "PATIENT_BORN", patient.birth_date.isoformat()), "gsi2sk": by_name,
    }
    if patient.phone:
        keys |= {"gsi3pk": collection_pk(practice_id, "PATIENT_PHONE", patient.phone), "gsi3sk": by_name}
    return keys


def _audience_writes(practice_id: str, patient_id: str, change: AudienceChange | None) -> list[Operation]:
    """Put AUDIENCE#<topic> for each entry written (indexed under the topic), Delete each topic dropped."""
    if change is None:
        return []
    pk = patient_pk(practice_id, patient_id)
    writes: list[Operation] = [
        Put({"pk": pk, "sk": f"{AUDIENCE_PREFIX}{segment(topic, 'topic')}", "kind": "AUDIENCE", "topic": topic,
             **member.model_dump(mode="json", exclude_none=True),
             "gsi1pk": collection_pk(practice_id, "AUDIENCE", topic), "gsi1sk": patient_id})
        for topic, member in change.members.items()
    ]
    writes += [Delete({"pk": pk, "sk": f"{AUDIENCE_PREFIX}{topic}"}) for topic in change.dropped]
    return writes


def _profile(patient: Patient) -> Item:
    """The profile's attributes (not keys): what the model says, in JSON types."""
    dumped = patient.model_dump(mode="json", include=set(Patient.model_fields))  # a PatientRecord's lists stay out
    return {k: v for k, v in dumped.items() if v is not None}


def patient_on_file(practice_id: str, patient_id: str) -> Check:
    """For another area's transaction: the patient exists in this practice and is not soft-deleted. It costs
    no extra request (it rides in the caller's transaction) and no record is read, so none is disclosed."""
    return Check(
        key={"pk": entity_pk(practice_id, PATIENT, patient_id), "sk": PROFILE_SK},
        condition="attribute_exists(pk) AND attribute_not_exists(#deleted)",
        names={"#deleted": "deleted_at"},
        on_conflict=NotFound("no such patient", code="patient_not_found"),
    )


def _related_writes(practice_id: str, patient_id: str, sk: str, kind: str, attributes: Item, seen_rev: int,
                    expected_version: int | None, claim: IdempotencyClaim | None,
                    audience: AudienceChange | None = None) -> list[Operation]:
    """Put <KIND>#<id> (new, or replacing `expected_version`) and bump the profile's related_rev from
    `seen_rev`; with a claim, the idempotency record first."""
    pk = patient_pk(practice_id, patient_id)
    item = {"pk": pk, "sk": sk, "kind": kind, **attributes}
    if expected_version is None:
        put = Put(item, "attribute_not_exists(pk)", on_conflict=Conflict("that id exists", code="duplicate_id"))
    else:
        put = Put(item, "#version = :expected", names={"#version": "version"},
                  values={":expected": expected_version}, on_conflict=stale(kind.lower()))
    bump = Update(
        key={"pk": pk, "sk": PROFILE_SK},
        expression="SET #rev = :next",
        names={"#rev": "related_rev", "#deleted": "deleted_at"},
        values={":seen": seen_rev, ":next": seen_rev + 1},
        condition="attribute_exists(pk) AND attribute_not_exists(#deleted) AND #rev = :seen",
        on_conflict=Conflict("the patient's record changed meanwhile; retry", code="record_changed"),
    )
    writes: list[Operation] = [put, bump, *_audience_writes(practice_id, patient_id, audience)]
    if claim:
        writes.insert(0, idempotency.claim_put(practice_id, claim))
    return writes


class DynamoPatientRecords:
    """PatientRecords on the table: the patient's partition, its profile item and the search keys on it."""

    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table = table
        self.audit = audit

    def record(self, practice_id: str, patient_id: str) -> PatientRecord | None:
        """Query pk=PRACTICE#p#PATIENT#id (consistent, all pages): the profile, coverages and consents.

        Returns the record even when soft-deleted (`deleted_at` set); the service decides what that means."""
        items = self.table.query_all(patient_pk(practice_id, patient_id), consistent=True)
        profile = next((item for item in items if item["sk"] == PROFILE_SK), None)
        if profile is None:
            return None
        return PatientRecord.model_validate({
            **profile,
            "coverages": [item for item in items if item["sk"].startswith(COVERAGE_PREFIX)],
            "consents": [item for item in items if item["sk"].startswith(CONSENT_PREFIX)],
        })

    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None:
        """GetItem: the answer stored under the key, None when none is; Invalid when reused differently."""
        return idempotency.stored_response(self.table, practice_id, request)

    def register(self, practice_id: str, patient: Patient, audit: AuditDraft, events: Sequence[DomainEvent],
                 claim: IdempotencyClaim | None = None) -> None:
        """Put the profile (attribute_not_exists) [+ the idempotency claim], audited.

        Raises idempotency.AlreadyDone when the claim's key was used before."""
        item = {"pk": patient_pk(practice_id, patient.id), "sk": PROFILE_SK, "kind": "PATIENT",
                **_profile(patient), **_index_keys(practice_id, patient), "related_rev": 0}
        writes: list[Operation] = [Put(item, "attribute_not_exists(pk)",
                                       on_conflict=Conflict("that patient id exists", code="duplicate_id"))]
        if claim:
            writes.insert(0, idempotency.claim_put(practice_id, claim))
        self.audit.commit(audit, writes=writes, events=events)

    def update(self, practice_id: str, patient: Patient, expected_version: int, audit: AuditDraft,
               events: Sequence[DomainEvent], expected_rev: int | None = None,
               audience: AudienceChange | None = None) -> None:
        """Update the profile when its version is still `expected_version` (and, when given, its
        `related_rev` still `expected_rev`, bumped); re-derives the search keys; writes the audience entries
        the change moves. Stale: Conflict."""
        keys = _index_keys(practice_id, patient)
        attributes = {**_profile(patient), **keys}
        cleared = [name for name, spec in Patient.model_fields.items()
                   if not spec.exclude and getattr(patient, name) is None]
        cleared += [name for name in INDEX_ATTRIBUTES if name not in keys]
        expression, names, values = set_and_remove(attributes, remove=cleared)
        names |= {"#version": "version", "#deleted": "deleted_at"}
        values[":expected"] = expected_version
        condition = "attribute_exists(pk) AND attribute_not_exists(#deleted) AND #version = :expected"
        if expected_rev is not None:
            names["#rev"] = "related_rev"
            values |= {":rev": expected_rev, ":next_rev": expected_rev + 1}
            condition += " AND #rev = :rev"
            expression = expression.replace("SET ", "SET #rev = :next_rev, ", 1)
        update = Update(key={"pk": patient_pk(practice_id, patient.id), "sk": PROFILE_SK}, expression=expression,
                        names=names, values=values, condition=condition,
                        on_conflict=stale("patient"))
        self.audit.commit(audit, writes=[update, *_audience_writes(practice_id, patient.id, audience)],
                          events=events)

    def soft_delete(self, practice_id: str, patient_id: str, at: str, audit: AuditDraft,
                    events: Sequence[DomainEvent], audience: AudienceChange | None = None,
                    expected_rev: int | None = None) -> None:
        """Mark the profile deleted and drop its search keys and the audience entries named, if it exists and
        is not deleted already (and, with `expected_rev`, its related_rev is still that)."""
        names = {"#deleted": "deleted_at", "#updated": "updated_at", "#version": "version",
                 **{f"#i{n}": name for n, name in enumerate(INDEX_ATTRIBUTES)}}
        removes = ", ".join(f"#i{n}" for n in range(len(INDEX_ATTRIBUTES)))
        values: Item = {":at": at, ":one": 1}
        condition = "attribute_exists(pk) AND attribute_not_exists(#deleted)"
        on_conflict = NotFound("no such patient", code="patient_not_found")
        if expected_rev is not None:
            names["#rev"] = "related_rev"
            values[":rev"] = expected_rev
            condition += " AND #rev = :rev"
            on_conflict = Conflict("the patient's record changed meanwhile; retry", code="record_changed")
        update = Update(
            key={"pk": patient_pk(practice_id, patient_id), "sk": PROFILE_SK},
            expression=f"SET #deleted = :at, #updated = :at, #version = #version + :one REMOVE {removes}",
            names=names, values=values, condition=condition, on_conflict=on_conflict,
        )
        self.audit.commit(audit, writes=[update, *_audience_writes(practice_id, patient_id, audience)],
                          events=events)


class DynamoPatientIndex:
    """PatientIndex on the table's three sparse search indexes."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def search_by_name(self, practice_id: str, family: str, given: str | None, limit: int,
                       after: str | None = None) -> tuple[list[Patient], str | None]:
        """Query gsi1pk=PRACTICE#p#PATIENT_NAME, begins_with(gsi1sk, <family prefix>), or with a given name
        begins_with(gsi1sk, <family>#<given prefix>): the family name is then matched whole."""
        family_key, given_key = name_key(family), name_key(given or "")
        if not family_key or (given and not given_key):
            raise Invalid("a name to search for needs letters or digits", code="invalid_search")
        prefix = f"{family_key}#{given_key}" if given_key else family_key
        return self._search(practice_id, "gsi1", collection_pk(practice_id, "PATIENT_NAME"), prefix, limit, after)

    def search_by_birth_date(self, practice_id: str, birth_date: date, limit: int,
                             after: str | None = None) -> tuple[list[Patient], str | None]:
        """Query gsi2pk=PRACTICE#p#PATIENT_BORN#<yyyy-mm-dd>, in name order."""
        pk = collection_pk(practice_id, "PATIENT_BORN", birth_date.isoformat())
        return self._search(practice_id, "gsi2", pk, None, limit, after)

    def search_by_phone(self, practice_id: str, phone: str, limit: int,
                        after: str | None = None) -> tuple[list[Patient], str | None]:
        """Query gsi3pk=PRACTICE#p#PATIENT_PHONE#<e164>, in name order."""
        return self._search(practice_id, "gsi3", collection_pk(practice_id, "PATIENT_PHONE", phone), None, limit,
                            after)

    def _search(self, practice_id: str, index: str, pk: str, sk_prefix: str | None, limit: int,
                after: str | None) -> tuple[list[Patient], str | None]:
        """One page of one search index; soft-deleted patients have no index keys, so never appear.

        `after` is the id of the last patient of the previous page. The page token carries that id, not the
        index key (which holds a name); the start key is rebuilt from the patient's profile (one GetItem).
        Returns the page and the id to continue after, or None at the end."""
        start_key = self._resume_key(practice_id, index, pk, sk_prefix, after) if after else None
        page = self.table.query(pk, index=index, sk_prefix=sk_prefix, limit=limit, start_key=start_key)
        patients = [Patient.model_validate(item) for item in page.items]
        return patients, (patients[-1].id if page.last_key and patients else None)

    def _resume_key(self, practice_id: str, index: str, pk: str, sk_prefix: str | None, after: str) -> Item:
        """GetItem pk=PRACTICE#p#PATIENT#after sk=PATIENT, to rebuild the index start key."""
        patient_key = patient_pk(practice_id, after)
        item = self.table.get(patient_key, PROFILE_SK)
        if item is None:
            raise Invalid("the page token is not valid here", code="invalid_page_token")
        sort_key = _name_sort_key(Patient.model_validate(item))
        if sk_prefix is not None and not sort_key.startswith(sk_prefix):
            # renamed since the last page, out of this search's range: its place in the list is gone
            raise Invalid("the list changed under this page token; search again", code="stale_page_token")
        return {"pk": patient_key, "sk": PROFILE_SK, f"{index}pk": pk, f"{index}sk": sort_key}


class _DynamoRelatedBook:
    """Items of one kind (COVERAGE#<id>, CONSENT#<id>) in the patient's partition; each write bumps the
    profile's related_rev under a condition, in one transaction with its audit entry."""

    kind: str

    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table = table
        self.audit = audit

    def replay(self, practice_id: str, request: IdempotentRequest) -> dict[str, Any] | None:
        """GetItem: the answer stored under the key, None when none is; Invalid when reused differently."""
        return idempotency.stored_response(self.table, practice_id, request)

    def add(self, practice_id: str, entry: Coverage | Consent, seen_rev: int, audit: AuditDraft,
            events: Sequence[DomainEvent], claim: IdempotencyClaim | None = None,
            audience: AudienceChange | None = None) -> None:
        """Put <KIND>#<id> (attribute_not_exists) [+ the idempotency claim] and bump related_rev; put and
        delete the audience entries the change names."""
        self.audit.commit(audit, events=events, writes=_related_writes(
            practice_id, entry.patient_id, f"{self.kind}#{entry.id}", self.kind, entry.model_dump(mode="json"),
            seen_rev, None, claim, audience))

    def replace(self, practice_id: str, entry: Coverage | Consent, expected_version: int, seen_rev: int,
                audit: AuditDraft, events: Sequence[DomainEvent], audience: AudienceChange | None = None) -> None:
        """Put <KIND>#<id> when its version is `expected_version` (else stale) and bump related_rev; put and
        delete the audience entries the change names."""
        self.audit.commit(audit, events=events, writes=_related_writes(
            practice_id, entry.patient_id, f"{self.kind}#{entry.id}", self.kind, entry.model_dump(mode="json"),
            seen_rev, expected_version, None, audience))


class DynamoCoverageBook(_DynamoRelatedBook):
    """CoverageBook on the table: COVERAGE#<id> items under the patient."""

    kind = "COVERAGE"


class DynamoConsentBook(_DynamoRelatedBook):
    """ConsentBook on the table: CONSENT#<id> items under the patient."""

    kind = "CONSENT"


class DynamoAudienceIndex:
    """AudienceIndex on gsi1: the AUDIENCE#<topic> entries under each consenting patient."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def audience(self, practice_id: str, topic: str, cursor: str | None = None,
                 limit: int = 100) -> tuple[list[AudienceMember], str | None]:
        """Query gsi1pk=PRACTICE#p#AUDIENCE#<topic>, in patient-id order, `limit` a page. The cursor is the
        last patient id of the previous page; the start key is rebuilt from it (no read)."""
        pk = collection_pk(practice_id, "AUDIENCE", segment(topic, "topic"))
        start_key = None
        if cursor:
            start_key = {"pk": patient_pk(practice_id, cursor), "sk": f"{AUDIENCE_PREFIX}{topic}",
                         "gsi1pk": pk, "gsi1sk": cursor}
        page = self.table.query(pk, index="gsi1", limit=limit, start_key=start_key)
        members = [AudienceMember.model_validate(item) for item in page.items]
        return members, (members[-1].patient_id if page.last_key and members else None)
