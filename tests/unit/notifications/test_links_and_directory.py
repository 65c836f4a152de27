"""Opt-out links are signed and bound to one person and channel; records map to contacts and consent."""

import pytest

from functions.core.errors import Invalid
from functions.notifications.directory import contact_from_record
from functions.notifications.links import OptOut, OptOutLinks
from functions.notifications.models.messages import Recipient, message_id
from functions.records.models.patients import PatientRecord

MEMBER_ID = "01JAAAAAAAAAAAAAAAAAAAAAAA"
OTHER_ID = "01JBBBBBBBBBBBBBBBBBBBBBBB"


def test_an_opt_out_link_round_trips_and_cannot_be_edited():
    links = OptOutLinks(lambda: b"secret", "https://api.example.org/")
    link = links.link(OptOut("p1", "PATIENT#P1", "email"))
    assert link.startswith("https://api.example.org/notifications/opt-out/")
    token = link.rsplit("/", 1)[1]
    assert links.verify(token) == OptOut("p1", "PATIENT#P1", "email")
    payload, signature = token.split(".")
    forged = OptOutLinks(lambda: b"secret", "x").token(OptOut("p2", "PATIENT#P1", "email")).split(".")[0]
    for bad in (f"{forged}.{signature}", f"{payload}.{signature[:-2]}AA", payload, "", "a" * 600):
        with pytest.raises(Invalid):
            links.verify(bad)
    with pytest.raises(Invalid):
        OptOutLinks(lambda: b"other secret", "x").verify(token)


def test_the_message_id_is_the_same_for_the_same_request_and_recipient_only():
    patient = Recipient(kind="patient", patient_id="P1")
    assert message_id("p1", "key-00001", patient) == message_id("p1", "key-00001", patient)
    assert message_id("p1", "key-00001", patient) != message_id("p1", "key-00002", patient)
    assert message_id("p1", "key-00001", patient) != message_id("p2", "key-00001", patient)
    assert message_id("p1", "key-00001", patient) != message_id(
        "p1", "key-00001", Recipient(kind="family", patient_id="P1", member_id="M1"))


def test_recipient_refs_round_trip_and_are_checked():
    for recipient in (Recipient(kind="patient", patient_id="P1"), Recipient(kind="staff", user_id="u-1"),
                      Recipient(kind="family", patient_id="P1", member_id="M1")):
        assert Recipient.parse_ref(recipient.ref) == recipient
    with pytest.raises(ValueError):
        Recipient(kind="family", patient_id="P1")
    with pytest.raises(ValueError):
        Recipient(kind="patient", patient_id="P1", email="a@example.org")
    with pytest.raises(ValueError):
        Recipient.parse_ref("patient:")


def _record(consents: list[dict], deleted: bool = False) -> PatientRecord:
    at = "2026-01-01T00:00:00.000Z"
    return PatientRecord(
        id="P1", given_name="Ada", family_name="Lovelace", birth_date="1990-01-01", gender="female",
        email="ada@example.org", phone="+14155550123", language="es", time_zone="America/Chicago",
        family=[{"id": MEMBER_ID, "given_name": "B", "family_name": "L", "relationship": "child",
                 "email": "kin@example.org"},
                {"id": OTHER_ID, "given_name": "C", "family_name": "L", "relationship": "spouse"}],
        version=1, created_at=at, updated_at=at, deleted_at=at if deleted else None,
        consents=[{"id": f"C{n}", "patient_id": "P1", "granted_at": at, "recorded_by": "u", "version": 1,
                   "updated_at": at, **c} for n, c in enumerate(consents)])


def test_a_patients_contact_carries_the_active_communication_consent_channels():
    record = _record([{"kind": "communication", "channels": ["sms", "voice"], "status": "active"},
                      {"kind": "communication", "channels": ["email"], "status": "revoked"}])
    contact = contact_from_record(record, Recipient(kind="patient", patient_id="P1"))
    assert contact.found and contact.consented_channels == frozenset({"sms"})
    assert (contact.language, contact.time_zone) == ("es", "America/Chicago")
    assert contact_from_record(_record([]), Recipient(kind="patient", patient_id="P1")).consented_channels is None


def test_a_family_member_is_shared_with_only_by_an_active_data_sharing_consent_naming_them():
    member = Recipient(kind="family", patient_id="P1", member_id=MEMBER_ID)
    named = _record([{"kind": "data_sharing", "shares_with": [MEMBER_ID], "status": "active"}])
    assert contact_from_record(named, member).shared_with
    assert contact_from_record(named, member).email == "kin@example.org"
    revoked = _record([{"kind": "data_sharing", "shares_with": [MEMBER_ID], "status": "revoked"}])
    assert not contact_from_record(revoked, member).shared_with
    other = _record([{"kind": "data_sharing", "shares_with": [OTHER_ID], "status": "active"}])
    assert not contact_from_record(other, member).shared_with
    stranger = Recipient(kind="family", patient_id="P1", member_id="01JCCCCCCCCCCCCCCCCCCCCCCC")
    assert not contact_from_record(named, stranger).found


def test_a_deleted_patient_is_not_found():
    assert not contact_from_record(_record([], deleted=True), Recipient(kind="patient", patient_id="P1")).found
    assert not contact_from_record(None, Recipient(kind="patient", patient_id="P1")).found
