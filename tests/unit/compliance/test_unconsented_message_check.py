"""The unconsented_message check on fakes: an email or SMS to a patient whose communication consent did not allow
that channel when it was sent."""

from datetime import date

from functions.compliance.checks.base import Severity
from functions.compliance.checks.unconsented_message import UnconsentedMessage
from tests.fakes.compliance import FakeCommunicationConsents, FakePatientDeliveries

P = "practice-a"
TODAY = date(2026, 11, 30)
MID = "M" + "a" * 31


def world():
    return FakePatientDeliveries(), FakeCommunicationConsents()


def test_an_email_to_a_patient_without_any_consent_is_raised_for_the_privacy_officer():
    deliveries, consents = world()
    deliveries.send(P, MID, "email", "pat-1", "2026-11-28T09:00:00.000Z")
    [raised] = UnconsentedMessage(deliveries, consents).find(P, TODAY)
    assert (raised.check, raised.severity, raised.owner) == ("unconsented_message", Severity.HIGH,
                                                             "role:privacy_officer")
    assert raised.key == f"email-{MID}" and len(raised.key) <= 40
    assert raised.due_on == date(2026, 12, 5) and raised.link == f"/messages/{MID}"
    assert "pat-1" in raised.title and "email" in raised.title


def test_a_message_on_a_consented_channel_is_not_raised():
    deliveries, consents = world()
    consents.grant(P, "pat-1", "c1", ["email", "in_app"], "2026-01-01T00:00:00.000Z")
    deliveries.send(P, MID, "email", "pat-1", "2026-11-28T09:00:00.000Z")
    assert list(UnconsentedMessage(deliveries, consents).find(P, TODAY)) == []


def test_a_channel_the_consent_does_not_list_is_raised():
    deliveries, consents = world()
    consents.grant(P, "pat-1", "c1", ["email"], "2026-01-01T00:00:00.000Z")
    deliveries.send(P, MID, "sms", "pat-1", "2026-11-28T09:00:00.000Z")
    assert [r.key for r in UnconsentedMessage(deliveries, consents).find(P, TODAY)] == [f"sms-{MID}"]


def test_consent_granted_after_sending_does_not_excuse_the_message():
    deliveries, consents = world()
    deliveries.send(P, MID, "email", "pat-1", "2026-11-28T09:00:00.000Z")
    consents.grant(P, "pat-1", "c1", ["email"], "2026-11-29T09:00:00.000Z")
    assert len(list(UnconsentedMessage(deliveries, consents).find(P, TODAY))) == 1


def test_a_message_sent_after_the_consent_was_revoked_is_raised_one_before_is_not():
    deliveries, consents = world()
    consents.grant(P, "pat-1", "c1", ["email"], "2026-01-01T00:00:00.000Z")
    consents.revoke(P, "pat-1", "c1", "2026-11-20T00:00:00.000Z")
    deliveries.send(P, "M-before", "email", "pat-1", "2026-11-19T09:00:00.000Z")
    deliveries.send(P, "M-after", "email", "pat-1", "2026-11-21T09:00:00.000Z")
    assert [r.key for r in UnconsentedMessage(deliveries, consents).find(P, TODAY)] == ["email-M-after"]


def test_in_app_messages_need_no_consent():
    deliveries, consents = world()
    deliveries.send(P, MID, "in_app", "pat-1", "2026-11-28T09:00:00.000Z")
    assert list(UnconsentedMessage(deliveries, consents).find(P, TODAY)) == []


def test_kept_inside_the_look_back_window_and_cleared_past_it():
    deliveries, consents = world()
    deliveries.send(P, MID, "email", "pat-1", "2026-11-28T09:00:00.000Z")
    check = UnconsentedMessage(deliveries, consents, look_back_days=30)
    assert list(check.find(P, date(2026, 12, 28))) == list(check.find(P, TODAY))
    assert list(check.find(P, date(2026, 12, 29))) == []


def test_each_patient_s_consents_are_read_once_per_run():
    deliveries, consents = world()
    for n in range(5):
        deliveries.send(P, f"M{n}", "email", "pat-1", f"2026-11-2{n}T09:00:00.000Z")
    assert len(list(UnconsentedMessage(deliveries, consents).find(P, TODAY))) == 5
    assert consents.reads == 1
