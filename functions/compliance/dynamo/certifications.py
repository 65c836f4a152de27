"""Licences and certifications in the table: one item each, with the indexes the reminders, the licence check,
the lists and a booking's warning read.

    item                   pk CERTIFICATION#<id>                         sk CERTIFICATION
    expiry (sparse)        gsi1 CERT_EXPIRY / <expires_on>#<id>          active ones only
    a holder's             gsi2 CERTS_OF#<holder> / <expires_on>#<id>
    the practice's         gsi3 CERTIFICATIONS / <holder>#<id>
    a practitioner's       gsi4 PRACTITIONER_LICENCES#<practitioner> / <expires_on>#<id>   active licences only
"""

from collections.abc import Sequence
from datetime import date

from functions.compliance.models.certifications import Certification
from functions.compliance.ports.monitoring import Page
from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore
from functions.core.errors import Conflict, stale
from functions.core.events import DomainEvent
from functions.core.keys import collection_pk, entity_pk
from functions.core.table import Item, Put, Table, Update

SK = "CERTIFICATION"


class AlreadyReminded(Conflict):
    """That reminder stage was recorded already (another run, or a retry)."""


def certification_pk(practice_id: str, certification_id: str) -> str:
    return entity_pk(practice_id, "CERTIFICATION", certification_id)


def expiry_index(practice_id: str) -> str:
    return collection_pk(practice_id, "CERT_EXPIRY")


def licences_index(practice_id: str, practitioner_id: str) -> str:
    return collection_pk(practice_id, "PRACTITIONER_LICENCES", practitioner_id)


def _item(certification: Certification) -> Item:
    c = certification
    item: Item = {"pk": certification_pk(c.practice_id, c.id), "sk": SK, "kind": "CERTIFICATION",
                  **c.model_dump(mode="json"),
                  "gsi2pk": collection_pk(c.practice_id, "CERTS_OF", c.holder_id),
                  "gsi2sk": f"{c.expires_on.isoformat()}#{c.id}",
                  "gsi3pk": collection_pk(c.practice_id, "CERTIFICATIONS"), "gsi3sk": f"{c.holder_id}#{c.id}"}
    if c.status == "active":
        item |= {"gsi1pk": expiry_index(c.practice_id), "gsi1sk": f"{c.expires_on.isoformat()}#{c.id}"}
        if c.kind == "licence" and c.practitioner_id:
            item |= {"gsi4pk": licences_index(c.practice_id, c.practitioner_id),
                     "gsi4sk": f"{c.expires_on.isoformat()}#{c.id}"}
    return item


class DynamoCertificationBook:
    def __init__(self, table: Table, audit: AuditStore) -> None:
        self.table, self.audit = table, audit

    def certification(self, practice_id: str, certification_id: str) -> Certification | None:
        """GetItem CERTIFICATION#<id>/CERTIFICATION (consistent)."""
        item = self.table.get(certification_pk(practice_id, certification_id), SK, consistent=True)
        return Certification.model_validate(item) if item else None

    def listed(self, practice_id: str, holder_id: str | None, limit: int, start: dict | None) -> Page:
        """Query gsi2 CERTS_OF#<holder> (soonest expiry first), or gsi3 CERTIFICATIONS (by holder); one page."""
        if holder_id is not None:
            page = self.table.query(collection_pk(practice_id, "CERTS_OF", holder_id), index="gsi2", limit=limit,
                                    start_key=start)
        else:
            page = self.table.query(collection_pk(practice_id, "CERTIFICATIONS"), index="gsi3", limit=limit,
                                    start_key=start)
        return Page([Certification.model_validate(i) for i in page.items], page.last_key)

    def save(self, certification: Certification, audit: AuditDraft) -> None:
        """TransactWriteItems via AuditStore.commit: the certification (new, or over its previous version)."""
        c = certification
        if c.version == 1:
            put = Put(_item(c), "attribute_not_exists(pk)", on_conflict=Conflict("that certification exists"))
        else:
            put = Put(_item(c), "#v = :v", names={"#v": "version"}, values={":v": c.version - 1},
                      on_conflict=stale("certification"))
        self.audit.commit(audit, [put])

    def expiring(self, practice_id: str, through: date) -> list[Certification]:
        """Query gsi1 CERT_EXPIRY (sparse: active ones) sk <= <through>#~, every page."""
        items = self.table.query_all(expiry_index(practice_id), index="gsi1",
                                     sk_between=("0", f"{through.isoformat()}#~"))
        return [Certification.model_validate(i) for i in items]

    def of_practitioner(self, practice_id: str, practitioner_id: str) -> list[Certification]:
        """Query gsi4 PRACTITIONER_LICENCES#<practitioner> (sparse: active licences): a handful of items."""
        items = self.table.query_all(licences_index(practice_id, practitioner_id), index="gsi4")
        return [Certification.model_validate(i) for i in items]

    def mark_reminded(self, certification: Certification, stage: str, audit: AuditDraft,
                      events: Sequence[DomainEvent]) -> bool:
        """TransactWriteItems via AuditStore.commit: UpdateItem `reminded` (not the version) on condition that the
        expiry is still the one reminded of and the stage is not recorded yet, with the notices."""
        c = certification
        tag = f"{c.expires_on.isoformat()}:{stage}"
        update = Update({"pk": certification_pk(c.practice_id, c.id), "sk": SK}, "SET #r = :tag",
                        names={"#r": "reminded", "#e": "expires_on", "#s": "status"},
                        values={":tag": tag, ":e": c.expires_on.isoformat(), ":active": "active"},
                        condition="#e = :e AND #s = :active AND (attribute_not_exists(#r) OR #r <> :tag)",
                        on_conflict=AlreadyReminded("reminded already"))
        try:
            self.audit.commit(audit, [update], events)
        except AlreadyReminded:
            return False
        return True
