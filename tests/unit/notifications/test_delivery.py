"""Delivery on fakes: consent and opt-outs suppress, quiet hours defer until the job's run, a failure in
passing is retried and recorded once, a provider that keeps failing gives up, a bounce stops email, and a
send that never reported back is not sent again."""

from datetime import timedelta

import pytest

from functions.notifications.delivery import MAX_ATTEMPTS, InFlight
from functions.notifications.models.messages import (
    PermanentFailure,
    ProviderRefused,
    Recipient,
    TransientFailure,
    new_message,
)
from functions.notifications.models.preferences import Preferences, QuietHours
from functions.notifications.ports import NewMessage
from functions.notifications.rules import Contact
from tests.unit.business_metrics import sent_metrics  # noqa: F401 (a fixture)
from tests.unit.notifications.world import ADA, NIGHT_IN_NEW_YORK, PRACTICE, reminder, world


def test_a_reminder_goes_by_the_first_channel_the_patient_allows():
    built, _ = world()
    outcome = built.use.sending.accept(reminder())
    assert outcome.status == "sent"
    [email] = built.channels["email"].sent
    assert email.address == "ada@example.org" and "Elm Street Clinic" in email.subject
    assert "To stop emails like this one: https://api.test/notifications/opt-out/" in email.text


def test_without_consent_to_email_or_sms_a_patient_is_told_in_the_app_only():
    built, _ = world(channels=None)
    assert built.use.sending.accept(reminder()).status == "sent"
    assert built.channels["email"].sent == [] and built.channels["sms"].sent == []
    [item] = built.inbox.inbox(PRACTICE, ADA.key, 10, None).items
    assert item.subject.startswith("Reminder")


def test_a_patient_opted_out_of_every_allowed_channel_is_suppressed_and_nothing_is_sent():
    built, _ = world(channels=frozenset({"email"}))
    built.preferences.put_preferences(PRACTICE, Preferences(person=ADA.key, opted_out=["email"], version=1), None)
    outcome = built.use.sending.accept(reminder())
    assert (outcome.status, outcome.reason) == ("suppressed", "no_permitted_channel")
    assert built.channels["email"].calls == 0


def test_a_family_member_the_consent_does_not_name_is_suppressed():
    built, _ = world()
    member = Recipient(kind="family", patient_id="ada", member_id="m1")
    built.directory.add(PRACTICE, member, Contact(found=True, email="kin@example.org", shared_with=False))
    outcome = built.use.sending.accept(reminder(recipient=member))
    assert (outcome.status, outcome.reason) == ("suppressed", "no_family_consent")


def test_an_unknown_patient_is_suppressed_and_the_data_is_dropped():
    built, _ = world()
    outcome = built.use.sending.accept(reminder(recipient=Recipient(kind="patient", patient_id="nobody")))
    assert (outcome.status, outcome.reason) == ("suppressed", "recipient_not_found")
    assert built.messages.message(PRACTICE, outcome.message_id).payload is None


def test_a_text_at_night_waits_for_the_morning_then_the_job_sends_it_once():
    built, clock = world(at=NIGHT_IN_NEW_YORK, channels=frozenset({"sms"}))
    outcome = built.use.sending.accept(reminder())
    assert (outcome.status, outcome.reason) == ("deferred", "quiet_hours")
    assert built.use.delivery.send_due(PRACTICE).due == 0  # not yet
    clock.advance(timedelta(hours=9))  # 08:00 in New York
    run = built.use.delivery.send_due(PRACTICE)
    assert (run.due, run.sent) == (1, 1)
    assert built.use.delivery.send_due(PRACTICE).due == 0
    assert len(built.channels["sms"].sent) == 1


def test_no_quiet_hours_sends_a_text_at_night():
    built, _ = world(at=NIGHT_IN_NEW_YORK, channels=frozenset({"sms"}))
    built.preferences.put_preferences(PRACTICE, Preferences(person=ADA.key, quiet_hours=None, version=1), None)
    assert built.use.sending.accept(reminder()).status == "sent"


def test_quiet_hours_of_the_persons_own_choosing_hold_a_text():
    built, _ = world(channels=frozenset({"sms"}))  # noon in New York
    built.preferences.put_preferences(
        PRACTICE, Preferences(person=ADA.key, quiet_hours=QuietHours(start="11:00", end="13:00"), version=1), None)
    assert built.use.sending.accept(reminder()).status == "deferred"


def test_a_failure_in_passing_is_retried_and_the_message_goes_once_with_one_failed_attempt_logged():
    built, _ = world()
    built.channels["email"].failing(1)
    with pytest.raises(TransientFailure):
        built.use.sending.accept(reminder())
    assert built.use.sending.accept(reminder()).status == "sent"  # Lambda's retry
    assert len(built.channels["email"].sent) == 1
    message = built.messages.message(PRACTICE, reminder().message_id).message
    assert [e.status for e in message.history] == ["requested", "failed", "sent"]
    assert message.attempts == 1 and message.delivery("email").attempts == 2


def test_a_provider_that_keeps_failing_settles_failed_and_still_raises_for_the_dead_letter_queue():
    built, _ = world()
    built.channels["email"].failing(MAX_ATTEMPTS)
    for _ in range(MAX_ATTEMPTS):
        with pytest.raises(TransientFailure):
            built.use.sending.accept(reminder())
    message = built.messages.message(PRACTICE, reminder().message_id).message
    assert (message.status, message.reason) == ("failed", "fake.Throttling")
    assert built.use.sending.accept(reminder()).reason == "already_settled"
    assert built.channels["email"].calls == MAX_ATTEMPTS


def test_a_refusing_provider_fails_the_message_at_once():
    built, _ = world()
    built.channels["email"].failing(1, transient=False)
    outcome = built.use.sending.accept(reminder())
    assert (outcome.status, outcome.reason) == ("failed", "fake.Rejected")
    assert built.channels["email"].calls == 1


@pytest.fixture
def counted():
    """The metrics a use case recorded in this test (what the handler would publish)."""
    from functions.core.observability import metrics

    metrics.clear_metrics()
    yield lambda name: sum(metrics.metric_set.get(name, {}).get("Value", []))
    metrics.clear_metrics()


def test_a_provider_refusing_the_request_itself_fails_the_message_and_is_counted_for_the_alarm(counted):
    built, _ = world()
    built.channels["email"].failures.append(ProviderRefused("ses.AccessDenied"))
    outcome = built.use.sending.accept(reminder())
    assert (outcome.status, outcome.reason) == ("failed", "ses.AccessDenied")
    assert counted("NotificationsRefusedByProvider") == 1


def test_a_number_opted_out_at_the_provider_is_not_a_provider_fault(counted):
    built, _ = world()
    built.channels["email"].failures.append(PermanentFailure("sns.opted_out"))
    assert built.use.sending.accept(reminder()).status == "failed"
    assert counted("NotificationsRefusedByProvider") == 0


@pytest.mark.parametrize(("code", "status", "kind"), [
    ("AccessDenied", 403, ProviderRefused),  # the role may not send (the configuration set, the identity)
    ("MessageRejected", 400, ProviderRefused),
    ("ConfigurationSetDoesNotExist", 400, ProviderRefused),
    ("Throttling", 400, TransientFailure),
    ("InternalFailure", 500, TransientFailure),
])
def test_an_ses_error_is_a_refusal_or_a_failure_in_passing(code, status, kind):
    from botocore.exceptions import ClientError

    from functions.notifications.channels import SesEmail

    class Refusing:
        def send_email(self, **_request):
            raise ClientError({"Error": {"Code": code, "Message": "to someone@example.com"},
                               "ResponseMetadata": {"HTTPStatusCode": status}}, "SendEmail")

    email = SesEmail("PracticeFlow <notifications@clinic.example>", client=Refusing(), configuration_set="pf")
    with pytest.raises(kind) as failed:
        email.send(outgoing())
    assert failed.value.reason == f"ses.{code}"  # the code, never the provider's text


def outgoing():
    from functions.notifications.ports import Outgoing

    return Outgoing(practice_id=PRACTICE, message_id="m1", person="patient:p1", address="ada@example.com",
                    subject="s", text="t", html="<p>t</p>", sms="t", requested_at="2026-01-01T00:00:00.000Z",
                    source=None)


def test_a_send_that_never_reported_back_is_not_resent_but_settled_uncertain():
    built, clock = world()
    request = reminder()
    built.messages.create(NewMessage(new_message(request, "2026-01-15T17:00:00.000Z"), dict(request.data),
                                     request.fingerprint()))
    built.use.delivery.ledger.claim(PRACTICE, request.message_id, "email", 1, "2026-01-15T17:00:00.000Z")
    with pytest.raises(InFlight):  # a young claim may still be running
        built.use.delivery.deliver(PRACTICE, request.message_id)
    clock.advance(timedelta(minutes=10))
    assert built.use.delivery.deliver(PRACTICE, request.message_id).status == "uncertain"
    assert built.channels["email"].calls == 0


def test_a_missing_template_variable_fails_the_message_visibly():
    built, _ = world()
    request = reminder()
    request.data.pop("appointment_time")
    outcome = built.use.sending.accept(request)
    assert outcome.status == "failed" and built.channels["email"].calls == 0


def test_a_permanent_bounce_marks_the_message_and_stops_email_to_that_person():
    built, _ = world()
    outcome = built.use.sending.accept(reminder())
    bounced = built.use.delivery.record_bounce(PRACTICE, outcome.message_id, permanent=True)
    assert (bounced.status, bounced.reason) == ("bounced", "permanent_bounce")
    assert built.preferences.preferences(PRACTICE, ADA.key).opted_out == ["email"]
    assert built.use.sending.accept(reminder("reminder-01JVISIT-2h")).status == "sent"
    assert built.channels["sms"].sent  # the next reminder went another way


def test_a_transient_bounce_leaves_email_on():
    built, _ = world()
    outcome = built.use.sending.accept(reminder())
    assert built.use.delivery.record_bounce(PRACTICE, outcome.message_id, permanent=False).status == "bounced"
    assert built.preferences.preferences(PRACTICE, ADA.key) is None


def test_a_bounce_for_a_message_not_sent_by_email_changes_nothing():
    built, _ = world(channels=frozenset({"in_app"}))
    outcome = built.use.sending.accept(reminder())
    assert built.use.delivery.record_bounce(PRACTICE, outcome.message_id, True).reason == "not_sent_by_email"
    assert built.use.delivery.record_bounce(PRACTICE, "Mnothing", True).status == "missing"


def test_a_sent_reminder_counts_once_as_a_business_reminder_sent(sent_metrics):  # noqa: F811
    built, _ = world()
    assert built.use.sending.accept(reminder()).status == "sent"
    assert built.use.sending.accept(reminder()).status == "sent"  # the same request again: the same message
    assert sent_metrics().get(("RemindersSent", "notifications")) == 1


def test_a_reminder_not_sent_is_not_counted_as_sent(sent_metrics):  # noqa: F811
    built, _ = world(channels=frozenset({"email"}))
    built.preferences.put_preferences(PRACTICE, Preferences(person=ADA.key, opted_out=["email"], version=1), None)
    assert built.use.sending.accept(reminder()).status == "suppressed"
    assert ("RemindersSent", "notifications") not in sent_metrics()
