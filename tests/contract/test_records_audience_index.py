"""AudienceIndex: the fake and the DynamoDB adapter list a topic's consenting patients the same way, a page
at a time, and follow the consent, profile and soft-delete writes that move the entries."""

from functions.records import audience
from tests.contract import records_world
from tests.contract.records_world import AT, OTHER, PRACTICE, audit, consent, registered

world = records_world.world  # the suite runs on the fake and on the DynamoDB adapter


def index(world):
    if hasattr(world.records, "store"):
        from tests.fakes.records import FakeAudienceIndex
        return FakeAudienceIndex(world.records.store)
    from functions.core.table import Table
    from functions.records.dynamo import DynamoAudienceIndex
    return DynamoAudienceIndex(Table())


def consenting(world, topics=("diabetes",), practice_id=PRACTICE, **profile):
    patient = registered(world, practice_id, **profile)
    granted = consent(patient.id, kind="communication", channels=["sms"], topics=list(topics))
    change = audience.change({}, audience.entries(patient, [granted]))
    world.consents.add(practice_id, granted, 0, audit("consent.grant", granted.id, practice_id), [],
                       audience=change)
    return patient, granted


def everyone(world, topic, limit, practice_id=PRACTICE):
    ids, cursor, pages = [], None, 0
    while True:
        page, cursor = index(world).audience(practice_id, topic, cursor, limit)
        ids += [m.patient_id for m in page]
        pages += 1
        if cursor is None:
            return ids, pages


def test_a_topics_audience_comes_a_page_at_a_time_in_patient_order(world):
    ids = sorted(consenting(world)[0].id for _ in range(7))
    consenting(world, topics=("nutrition",))
    consenting(world, practice_id=OTHER)
    listed, pages = everyone(world, "diabetes", limit=3)
    assert listed == ids and pages == 3


def test_an_entry_carries_what_selection_filters_on(world):
    patient, _ = consenting(world, language="es")
    [member], cursor = index(world).audience(PRACTICE, "diabetes")
    assert cursor is None
    assert (member.patient_id, member.birth_date, member.language, member.channels) == (
        patient.id, patient.birth_date, "es", ["sms"])


def test_a_revoked_consent_and_a_soft_deleted_patient_leave_the_audience(world):
    kept, _ = consenting(world)
    revoking, granted = consenting(world)
    deleted, _ = consenting(world)
    revoked = granted.model_copy(update={"status": "revoked", "version": 2})
    world.consents.replace(PRACTICE, revoked, 1, 1, audit("consent.revoke", granted.id), [],
                           audience=audience.change(audience.entries(revoking, [granted]), {}))
    world.records.soft_delete(PRACTICE, deleted.id, AT, audit("patient.delete", deleted.id), [],
                              audience=audience.change({"diabetes": None}, {}), expected_rev=1)
    assert everyone(world, "diabetes", limit=10)[0] == [kept.id]


def test_a_profile_update_with_entries_rewrites_them_and_bumps_related_rev(world):
    patient, granted = consenting(world)
    moved = patient.model_copy(update={"language": "fr", "version": 2})
    change = audience.change(audience.entries(patient, [granted]), audience.entries(moved, [granted]))
    world.records.update(PRACTICE, moved, 1, audit("patient.update", patient.id), [], expected_rev=1,
                         audience=change)
    [member], _ = index(world).audience(PRACTICE, "diabetes")
    assert member.language == "fr" and world.records.record(PRACTICE, patient.id).related_rev == 2
