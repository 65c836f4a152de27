"""The records area, as notifications sees it: contact points, language, time zone and consent, read through
functions.records.dynamo (one consistent Query of the patient's partition); staff, from the staff records
the practice keeps (a StaffDirectory); and contacts (suppliers, the public), from the card their area keeps
(`core.contacts`, one GetItem). Every address comes from one of the three.

These reads are not entered in the audit trail one by one: the delivery log is the record of what was sent
to whom, and an audit append per reminder would serialize every practice's reminders on its chain head."""

from functions.core.contacts import ContactCard, contact_key
from functions.core.table import Table
from functions.notifications.dynamo.people import DynamoStaffDirectory
from functions.notifications.models.messages import Recipient
from functions.notifications.models.staff import StaffMember
from functions.notifications.ports import StaffDirectory
from functions.notifications.rules import Contact
from functions.records.dynamo import DynamoPatientIndex, DynamoPatientRecords
from functions.records.models.patients import PatientRecord

SENDABLE = frozenset({"email", "sms", "in_app"})  # a consent may also allow voice, which we do not send


def _active(record: PatientRecord, kind: str):
    return [c for c in record.consents if c.kind == kind and c.status == "active"]


def contact_from_record(record: PatientRecord | None, recipient: Recipient) -> Contact:
    if record is None or record.deleted_at is not None:
        return Contact(found=False)
    if recipient.kind == "patient":
        consents = _active(record, "communication")
        channels = frozenset(c for consent in consents for c in consent.channels) & SENDABLE if consents else None
        return Contact(found=True, email=record.email, phone=record.phone, language=record.language,
                       time_zone=record.time_zone, consented_channels=channels)
    member = record.family_member(recipient.member_id or "")
    if member is None:
        return Contact(found=False)
    shared = any(recipient.member_id in c.shares_with for c in _active(record, "data_sharing"))
    return Contact(found=True, email=member.email, phone=member.phone, language=record.language,
                   time_zone=record.time_zone, shared_with=shared)


def contact_from_staff(member: StaffMember | None) -> Contact:
    if member is None or not member.active:
        return Contact(found=False)
    return Contact(found=True, email=member.email, language=member.language, time_zone=member.time_zone)


def contact_from_card(card: ContactCard | None) -> Contact:
    """A contact is written to only on the channels their card says they agreed to."""
    if card is None:
        return Contact(found=False)
    return Contact(found=True, email=card.email, phone=card.phone, language=card.language,
                   consented_channels=frozenset(card.channels))


class RecordsDirectory:
    def __init__(self, table: Table, staff: StaffDirectory | None = None) -> None:
        self.records = DynamoPatientRecords(table, audit=None)  # reads only: the audit store is never used
        self.phones = DynamoPatientIndex(table)
        self.staff = staff or DynamoStaffDirectory(table)
        self.table = table

    def contact(self, practice_id: str, recipient: Recipient) -> Contact:
        if recipient.kind == "staff":
            return contact_from_staff(self.staff.member(practice_id, recipient.user_id or ""))
        if recipient.kind == "contact":
            item = self.table.get(**contact_key(practice_id, recipient.contact_id or ""), consistent=True)
            return contact_from_card(ContactCard.model_validate(item) if item else None)
        return contact_from_record(self.records.record(practice_id, recipient.patient_id or ""), recipient)

    def consented_family(self, practice_id: str, patient_id: str) -> list[str]:
        record = self.records.record(practice_id, patient_id)
        if record is None or record.deleted_at is not None:
            return []
        named = {member_id for c in _active(record, "data_sharing") for member_id in c.shares_with}
        return [m.id for m in record.family if m.id in named]

    def patients_with_phone(self, practice_id: str, phone: str) -> list[str]:
        """Through records' phone index (gsi3, PATIENT_PHONE): the patients with this number, one page."""
        patients, _ = self.phones.search_by_phone(practice_id, phone, limit=50)
        return [p.id for p in patients]
