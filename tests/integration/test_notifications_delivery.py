"""The notifications worker and job on moto: exactly-once delivery under retries, quiet-hour deferral,
provider failures that retry and then show, crashes mid-send, bounces and STOP replies."""

import json
from datetime import timedelta

import pytest

from functions.core.table import Table
from functions.notifications import jobs, worker
from functions.notifications.channels import SesEmail
from functions.notifications.delivery import InFlight
from functions.notifications.models.messages import (
    NotificationRequest,
    Recipient,
    Source,
    TransientFailure,
    new_message,
)
from functions.notifications.ports import NewMessage
from functions.notifications.request import notification_requested
from tests.integration.notifications_support import (
    PRACTICE,
    FakeChannel,
    build_service,
    deliveries,
    emails,
    inbox,
    messages,
    moved_clock_fixture,  # noqa: F401 - a fixture, used by name
    notify_fixture,  # noqa: F401 - a fixture, used by name
    patient,
    preferences,
    texts,
)

APPOINTMENT = Source(area="scheduling", entity="appointment", entity_id="01JAPPOINTMENT000000000000")


def reminder(patient_id: str, key: str = "reminder-01JAPPOINTMENT-24h") -> dict:
    event = notification_requested(
        practice_id=PRACTICE, recipient=Recipient(kind="patient", patient_id=patient_id),
        template="appointment.reminder", source=APPOINTMENT, idempotency_key=key,
        data={"practice_name": "Elm Street Clinic", "appointment_time": "Fri 16 Jan, 09:30"})
    return {"detail-type": event.type, "source": "practiceflow.scheduling", "detail": event.model_dump(mode="json")}


def status(service, message_id: str) -> str:
    return messages().message(PRACTICE, message_id).message.status


def test_the_same_request_twice_and_a_retried_worker_send_one_email(notify):
    ada = patient()
    first = worker.process(reminder(ada.id), notify)["outcomes"][0]
    assert first["status"] == "sent"
    worker.process(reminder(ada.id), notify)  # the event delivered again (EventBridge is at-least-once)
    worker.process(reminder(ada.id), build_service())  # a retry in a fresh container
    (email,) = emails()
    assert email["to"] == ["ada@example.org"] and "Elm Street Clinic" in email["subject"]
    assert "Fri 16 Jan, 09:30" in email["body"] and "/notifications/opt-out/" in email["body"]
    assert texts() == []
    log = messages().message(PRACTICE, first["message_id"]).message
    assert [(e.status, e.channel) for e in log.history] == [("requested", None), ("sent", "email")]
    assert log.delivery("email").attempts == 1


def test_a_different_key_is_a_different_message(notify):
    ada = patient()
    worker.process(reminder(ada.id, key="reminder-01JAPPOINTMENT-24h"), notify)
    worker.process(reminder(ada.id, key="reminder-01JAPPOINTMENT-2h"), notify)
    assert len(emails()) == 2


def test_the_same_key_with_different_data_is_refused_not_sent(notify):
    ada = patient()
    worker.process(reminder(ada.id), notify)
    changed = reminder(ada.id)
    changed["detail"]["data"]["request"]["data"]["appointment_time"] = "Sat 17 Jan"
    outcome = worker.process(changed, notify)["outcomes"][0]
    assert outcome["reason"] == "idempotency_key_reused"
    assert len(emails()) == 1


def test_sms_at_night_is_deferred_then_sent_by_the_job_in_the_morning(notify, moved_clock):
    ada = patient(channels=["sms"])
    moved_clock.at = moved_clock.at.replace(hour=4)  # 23:00 in New York
    outcome = worker.process(reminder(ada.id), notify)["outcomes"][0]
    assert outcome["status"] == "deferred"
    message = messages().message(PRACTICE, outcome["message_id"]).message
    assert message.deliver_after == "2026-01-15T13:00:00.000Z"  # 08:00 EST
    assert texts() == []

    moved_clock.advance(timedelta(hours=8, minutes=30))  # 07:30 there: not yet
    assert jobs.send_deferred_notifications(Table(), notify.delivery)["sent"] == 0
    worker.process(reminder(ada.id), notify)  # a redelivered event does not jump the queue
    assert texts() == []

    moved_clock.advance(timedelta(minutes=45))  # 08:15
    summary = jobs.send_deferred_notifications(Table(), notify.delivery)
    assert summary["sent"] == 1 and summary["due"] == 1
    (sms,) = texts()
    assert sms["to"] == "+14155550123" and "Elm Street Clinic" in sms["text"]
    assert jobs.send_deferred_notifications(Table(), notify.delivery)["due"] == 0  # off the due index once sent
    assert status(notify, outcome["message_id"]) == "sent"


def test_a_transient_failure_is_retried_then_sent_once(notify):
    ada = patient(channels=["email"])
    flaky = FakeChannel("email", fail_times=1)
    service = build_service(email=flaky)
    with pytest.raises(TransientFailure):
        worker.process(reminder(ada.id), service)  # Lambda sees the error and retries
    outcome = worker.process(reminder(ada.id), service)["outcomes"][0]
    assert outcome["status"] == "sent" and len(flaky.sent) == 1
    history = messages().message(PRACTICE, outcome["message_id"]).message.history
    assert [(e.status, e.reason) for e in history] == [("requested", None), ("failed", "fake.Throttling"),
                                                      ("sent", None)]


def test_a_provider_that_keeps_failing_ends_failed_and_in_the_dead_letter_queue(notify):
    ada = patient(channels=["email"])
    down = FakeChannel("email", fail_times=99)
    service = build_service(email=down)
    for _ in range(3):  # the first invocation and Lambda's two retries: each raises
        with pytest.raises(TransientFailure):
            worker.process(reminder(ada.id), service)
    message = messages().message(PRACTICE, reminder(ada.id)["detail"]["entity_id"]).message
    assert message.status == "failed" and message.reason == "fake.Throttling"
    assert message.delivery("email").status == "failed" and message.delivery("email").attempts == 3
    # a redrive from the dead-letter queue neither sends nor raises again
    assert worker.process(reminder(ada.id), service)["outcomes"][0]["status"] == "failed"
    assert down.calls == 3


def test_a_refusing_provider_fails_at_once_without_retry(notify):
    ada = patient(channels=["email"])
    service = build_service(email=SesEmail("someone@unverified.example"))  # SES refuses an unverified sender
    outcome = worker.process(reminder(ada.id), service)["outcomes"][0]
    assert outcome == {"message_id": outcome["message_id"], "status": "failed", "reason": "ses.MessageRejected"}


def test_a_crash_mid_send_is_not_resent_but_marked_uncertain(notify, moved_clock):
    ada = patient(channels=["email"])
    event = reminder(ada.id)
    message_id = event["detail"]["entity_id"]
    channel = FakeChannel("email")
    service = build_service(email=channel)
    # the first invocation made the message and claimed the send, then died
    request = NotificationRequest.model_validate({**event["detail"]["data"]["request"], "practice_id": PRACTICE})
    messages().create(NewMessage(new_message(request, "2026-01-15T17:00:00.000Z"), dict(request.data),
                                 request.fingerprint()))
    assert deliveries().claim(PRACTICE, message_id, "email", 1, "2026-01-15T17:00:00.000Z")

    moved_clock.advance(timedelta(seconds=30))
    with pytest.raises(InFlight):  # young claim: perhaps still running; look again later
        worker.process(event, service)
    moved_clock.advance(timedelta(minutes=10))
    outcome = worker.process(event, service)["outcomes"][0]
    assert outcome["status"] == "uncertain" and channel.sent == []
    worker.process(event, service)
    assert channel.sent == []


def test_consent_is_checked_when_the_message_goes(notify):
    ada = patient(channels=None)  # no communication consent: in-app only
    outcome = worker.process(reminder(ada.id), notify)["outcomes"][0]
    assert outcome["status"] == "sent" and emails() == [] and texts() == []
    page = inbox().inbox(PRACTICE, f"PATIENT#{ada.id}", 10, None)
    assert [item.subject for item in page.items] == ["Reminder: your appointment at Elm Street Clinic"]


def test_an_unknown_patient_is_suppressed_and_logged(notify):
    outcome = worker.process(reminder("01JNOBODY0000000000000000"), notify)["outcomes"][0]
    assert (outcome["status"], outcome["reason"]) == ("suppressed", "recipient_not_found")


def test_a_missing_template_variable_fails_the_message_visibly(notify):
    ada = patient()
    event = reminder(ada.id)
    del event["detail"]["data"]["request"]["data"]["appointment_time"]
    outcome = worker.process(event, notify)["outcomes"][0]
    assert (outcome["status"], outcome["reason"]) == ("failed", "missing_variable")


def test_a_malformed_request_is_refused_without_retry(notify):
    event = reminder("P1")
    event["detail"]["data"]["request"]["recipient"] = {"kind": "family", "patient_id": "P1"}
    assert worker.process(event, notify) == {"outcomes": []}


def test_a_permanent_bounce_marks_the_message_and_stops_email(notify):
    ada = patient(channels=["email"])
    outcome = worker.process(reminder(ada.id), notify)["outcomes"][0]
    bounce = {"notificationType": "Bounce", "bounce": {"bounceType": "Permanent"},
              "mail": {"tags": {"practice_id": [PRACTICE], "message_id": [outcome["message_id"]]}}}
    result = worker.process({"Records": [{"EventSource": "aws:sns", "Sns": {"Message": json.dumps(bounce)}}]},
                            notify)
    assert result["outcomes"][0]["status"] == "bounced"
    assert status(notify, outcome["message_id"]) == "bounced"
    assert preferences().preferences(PRACTICE, f"PATIENT#{ada.id}").opted_out == ["email"]
    later = worker.process(reminder(ada.id, key="reminder-2-of-2"), notify)["outcomes"][0]
    assert (later["status"], later["reason"]) == ("suppressed", "no_permitted_channel")


def test_an_sms_stop_reply_opts_the_number_out_and_start_back_in(notify):
    ada = patient(channels=["sms"])
    reply = {"originationNumber": "+14155550123", "destinationNumber": "+18005550100", "messageBody": "STOP"}
    record = {"EventSource": "aws:sns", "Sns": {"Message": json.dumps(reply)}}
    worker.process({"Records": [record]}, notify)
    assert preferences().preferences(PRACTICE, f"PATIENT#{ada.id}").opted_out == ["sms"]
    assert worker.process(reminder(ada.id), notify)["outcomes"][0]["status"] == "suppressed"
    record["Sns"]["Message"] = json.dumps({**reply, "messageBody": "start"})
    worker.process({"Records": [record]}, notify)
    assert preferences().preferences(PRACTICE, f"PATIENT#{ada.id}").opted_out == []


def test_the_worker_handler_runs_with_the_production_wiring(notify, lambda_context):
    ada = patient(channels=["email"])
    result = worker.handler(reminder(ada.id), lambda_context)
    assert result["outcomes"][0]["status"] == "sent" and len(emails()) == 1


def test_two_workers_racing_on_one_message_send_it_once(notify):
    import threading
    import time

    ada = patient(channels=["email"])

    class SlowChannel(FakeChannel):
        def send(self, message):
            time.sleep(0.2)
            return super().send(message)

    slow = SlowChannel("email")
    service = build_service(email=slow)
    event = reminder(ada.id)
    outcomes, errors = [], []

    def run():
        try:
            outcomes.append(worker.process(event, service))
        except InFlight as error:
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(slow.sent) == 1
    assert len(outcomes) + len(errors) == 4 and errors  # the losers were told to look again later


def test_a_delivery_claim_is_won_once_per_attempt(notify):
    ada = patient(channels=["email"])
    event = reminder(ada.id)
    request = NotificationRequest.model_validate({**event["detail"]["data"]["request"], "practice_id": PRACTICE})
    messages().create(NewMessage(new_message(request, "2026-01-15T17:00:00.000Z"), {}, request.fingerprint()))
    repo = deliveries()
    assert repo.claim(PRACTICE, request.message_id, "email", 1, "t")
    assert not repo.claim(PRACTICE, request.message_id, "email", 1, "t")
    assert not repo.claim(PRACTICE, request.message_id, "email", 2, "t")  # not released: still held
    repo.record_attempt_failed(PRACTICE, request.message_id, "email", 1, "t", "x", final=False)
    assert not repo.claim(PRACTICE, request.message_id, "email", 1, "t")
    assert repo.claim(PRACTICE, request.message_id, "email", 2, "t")
    assert not repo.claim(PRACTICE, request.message_id, "email", 2, "t")


def test_a_contact_is_reached_at_the_address_on_their_card_and_only_on_its_channels(notify):
    from functions.core.contacts import ContactCard, contact_put

    supplier = "01JSUPPLIER000000000000000"
    card = ContactCard(name="Acme Medical Supply", email="orders@acme.example", phone="+14155550199",
                       channels=["email"], owner="inventory.supplier")
    Table().transact([contact_put(PRACTICE, supplier, card)])
    event = reminder("unused")
    event["detail"]["data"]["request"]["recipient"] = {"kind": "contact", "contact_id": supplier}
    outcome = worker.process(event, notify)["outcomes"][0]
    assert outcome["status"] == "sent"
    (email,) = emails()
    assert email["to"] == ["orders@acme.example"] and texts() == []

    Table().transact([contact_put(PRACTICE, supplier, card.model_copy(update={"channels": []}))])
    again = reminder("unused", key="reminder-01JAPPOINTMENT-2h")
    again["detail"]["data"]["request"]["recipient"] = {"kind": "contact", "contact_id": supplier}
    outcome = worker.process(again, notify)["outcomes"][0]
    assert (outcome["status"], outcome["reason"]) == ("suppressed", "no_permitted_channel")
