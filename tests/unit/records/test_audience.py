"""The outreach audience records keeps: a patient is in a topic's audience while their active communication
consent names it, with their profile's birth date, language and primary practitioner, and leaves it on
revocation, on dropping the topic and on soft delete (on fakes)."""

import pytest

from functions.core.errors import Invalid
from functions.records.models.consent import ConsentIn, ConsentPatch
from functions.records.models.patients import PatientPatch
from tests.fakes.records import FakeAudienceIndex
from tests.unit.records.support import caller, patient_in

PRACTITIONER = "01HPRACT0000000000000000AA"


def members(store, topic: str) -> list:
    page, _ = FakeAudienceIndex(store).audience("p1", topic, limit=50)
    return page


def consented(patients, consents, topics=("diabetes", "nutrition"), **profile):
    created = patients.register(caller(), patient_in(**profile))
    consent = consents.grant(caller(), created.id, ConsentIn(kind="communication", channels=["sms", "email"],
                                                             topics=list(topics)))
    return created, consent


def test_a_communication_consent_with_topics_puts_the_patient_in_each_topics_audience(patients, consents, store):
    created, _ = consented(patients, consents, language="es",
                           care_team=[{"user_id": PRACTITIONER, "role": "primary_practitioner"}])
    [member] = members(store, "diabetes")
    assert member.patient_id == created.id and member.language == "es"
    assert member.practitioner_id == PRACTITIONER and member.channels == ["sms", "email"]
    assert member.birth_date.isoformat() == "1990-12-10"
    assert [m.patient_id for m in members(store, "nutrition")] == [created.id]
    assert members(store, "asthma") == []


def test_dropping_a_topic_or_revoking_the_consent_leaves_the_audience(patients, consents, store):
    created, consent = consented(patients, consents)
    consents.update(caller(), created.id, consent.id, ConsentPatch(topics=["nutrition"]), lambda: 1)
    assert members(store, "diabetes") == [] and len(members(store, "nutrition")) == 1
    consents.revoke(caller(), created.id, consent.id, lambda: 2)
    assert members(store, "nutrition") == []


def test_a_channel_change_is_copied_to_the_audience_entries(patients, consents, store):
    created, consent = consented(patients, consents)
    consents.update(caller(), created.id, consent.id, ConsentPatch(channels=["email"]), lambda: 1)
    assert [m.channels for m in members(store, "diabetes")] == [["email"]]


def test_a_profile_change_is_copied_to_the_audience_entries(patients, consents, store):
    created, _ = consented(patients, consents)
    patients.update(caller(), created.id, PatientPatch(language="fr", care_team=[
        {"user_id": PRACTITIONER, "role": "primary_practitioner"}]), lambda: 1)
    [member] = members(store, "diabetes")
    assert member.language == "fr" and member.practitioner_id == PRACTITIONER


def test_a_soft_deleted_patient_leaves_every_audience(patients, consents, store):
    created, _ = consented(patients, consents)
    patients.delete(caller(), created.id)
    assert members(store, "diabetes") == [] and members(store, "nutrition") == []


def test_a_consent_granted_between_the_read_and_the_delete_is_not_left_behind(patients, consents, store):
    created = patients.register(caller(), patient_in())

    def grant_meanwhile():
        consents.grant(caller(), created.id, ConsentIn(kind="communication", channels=["sms"], topics=["diabetes"]))
    store.before_write = grant_meanwhile
    patients.delete(caller(), created.id)
    assert members(store, "diabetes") == []


def test_a_consent_without_topics_puts_nobody_in_an_audience(patients, consents, store):
    consented(patients, consents, topics=())
    assert store.audience == {}


@pytest.mark.parametrize("topics", [["Diabetes"], ["-bad"], ["diabetes", "diabetes"], ["no spaces"]])
def test_topics_are_lowercase_slugs_each_once(topics):
    with pytest.raises(ValueError):
        ConsentIn(kind="communication", channels=["sms"], topics=topics)


def test_only_a_communication_consent_lists_topics(patients, consents):
    with pytest.raises(ValueError):
        ConsentIn(kind="treatment", topics=["diabetes"])
    created, consent = consented(patients, consents)
    treatment = consents.grant(caller(), created.id, ConsentIn(kind="treatment"))
    with pytest.raises(Invalid):
        consents.update(caller(), created.id, treatment.id, ConsentPatch(topics=["diabetes"]), lambda: 1)
