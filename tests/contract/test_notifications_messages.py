"""The message ports (MessageLog, DeliveryLedger, DueMessages): one behaviour suite, run against the
in-memory fakes and the DynamoDB adapters on moto, so the fakes the unit tests use cannot drift."""

from types import SimpleNamespace

import pytest

from functions.core.audit import draft
from functions.core.auth import Caller, Role
from functions.core.errors import Conflict, TooManyRequests
from functions.core.events import DomainEvent
from functions.notifications.models.messages import (
    AlreadyRequested,
    NotificationRequest,
    Recipient,
    Source,
    new_message,
)
from functions.notifications.ports import NewMessage
from functions.notifications.rules import Allowance
from tests.fakes.notifications import FakeDeliveryLedger, FakeDueMessages, FakeMessageLog, FakeMessageStore

PRACTICE = "practice-c"
DESK = Caller(user_id="desk-1", practice_id=PRACTICE, roles=frozenset({Role.FRONT_DESK}))
VISIT = Source(area="scheduling", entity="appointment", entity_id="01JVISIT")
AT = "2026-01-15T17:00:00.000Z"


@pytest.fixture(params=["fake", "dynamo"])
def ports(request):
    if request.param == "fake":
        store = FakeMessageStore()
        return SimpleNamespace(log=FakeMessageLog(store), ledger=FakeDeliveryLedger(store), due=FakeDueMessages(store))
    request.getfixturevalue("cloud")
    from functions.core.table import Table
    from functions.notifications.dynamo.messages import DynamoDeliveryLedger, DynamoDueMessages, DynamoMessageLog

    table = Table()
    return SimpleNamespace(log=DynamoMessageLog(table), ledger=DynamoDeliveryLedger(table),
                           due=DynamoDueMessages(table))


def made(key: str = "key-00000001", patient: str = "p1", at: str = AT, **data) -> NewMessage:
    request = NotificationRequest(practice_id=PRACTICE, recipient=Recipient(kind="patient", patient_id=patient),
                                  template="appointment.reminder", data=data, source=VISIT, idempotency_key=key)
    return NewMessage(new_message(request, at), dict(data), request.fingerprint())


def event(new: NewMessage) -> DomainEvent:
    return DomainEvent(type="notification.requested", practice_id=PRACTICE, entity_id=new.message.id,
                       data={"stored": [new.message.id]}, occurred_at=AT)


def test_a_message_is_made_once_and_read_back_with_its_payload(ports):
    new = made(time="09:30")
    assert ports.log.create(new)
    assert not ports.log.create(new)
    stored = ports.log.message(PRACTICE, new.message.id)
    assert stored.message.status == "requested" and stored.payload == {"time": "09:30"}
    assert stored.fingerprint == new.fingerprint
    assert ports.log.message(PRACTICE, "Mnothing") is None


def test_requested_messages_are_all_or_nothing_and_a_repeat_is_already_requested(ports):
    first, second = made("key-00000001"), made("key-00000001", patient="p2")
    ports.log.request([first, second], draft(DESK, "notification.send", "NOTIFICATION", first.message.id, AT),
                      event(first))
    assert ports.log.message(PRACTICE, second.message.id) is not None
    with pytest.raises(AlreadyRequested):
        ports.log.request([made("key-00000002"), first],
                          draft(DESK, "notification.send", "NOTIFICATION", "x", AT), event(first))
    assert ports.log.message(PRACTICE, made("key-00000002").message.id) is None


def test_the_senders_day_admits_exactly_up_to_the_limit(ports):
    def send(key: str, count: int) -> None:
        news = [made(key, patient=f"p{n}") for n in range(count)]
        ports.log.request(news, draft(DESK, "notification.send", "NOTIFICATION", news[0].message.id, AT),
                          event(news[0]), Allowance(user_id="desk-1", day="2026-01-15", limit=3, count=count))

    send("key-00000001", 2)
    with pytest.raises(TooManyRequests):
        send("key-00000002", 2)
    send("key-00000003", 1)
    with pytest.raises(TooManyRequests):
        send("key-00000004", 1)


def test_the_log_lists_by_recipient_and_by_source_newest_first_in_pages(ports):
    news = [made(f"key-0000000{n}", at=f"2026-01-15T17:00:0{n}.000Z") for n in range(3)]
    for new in news:
        ports.log.create(new)
    ports.log.create(made("key-00000009", patient="p2"))
    first = ports.log.to_recipient(PRACTICE, "PATIENT#p1", 2, None)
    assert [m.id for m in first.items] == [news[2].message.id, news[1].message.id]
    rest = ports.log.to_recipient(PRACTICE, "PATIENT#p1", 2, first.next_start)
    assert [m.id for m in rest.items] == [news[0].message.id] and rest.next_start is None
    assert len(ports.log.about(PRACTICE, VISIT, 10, None).items) == 4
    assert ports.log.about(PRACTICE, Source(area="billing", entity="claim", entity_id="c1"), 10, None).items == []


def test_a_delivery_is_claimed_once_per_attempt_and_again_only_once_released(ports):
    new = made()
    ports.log.create(new)
    mid = new.message.id
    assert ports.ledger.claim(PRACTICE, mid, "email", 1, AT)
    assert not ports.ledger.claim(PRACTICE, mid, "email", 1, AT)
    assert not ports.ledger.claim(PRACTICE, mid, "email", 2, AT)
    ports.ledger.record_attempt_failed(PRACTICE, mid, "email", 1, AT, "ses.Throttling", final=False)
    assert not ports.ledger.claim(PRACTICE, mid, "email", 1, AT)
    assert ports.ledger.claim(PRACTICE, mid, "email", 2, AT)
    ports.ledger.record_sent(PRACTICE, mid, "email", 2, AT, "ses-1")
    message = ports.log.message(PRACTICE, mid).message
    assert message.delivery("email").status == "sent" and message.attempts == 1
    assert [(e.status, e.channel) for e in message.history] == [("requested", None), ("failed", "email"),
                                                               ("sent", "email")]
    with pytest.raises(Conflict):
        ports.ledger.record_sent(PRACTICE, mid, "email", 1, AT, "ses-2")


def test_an_abandoned_claim_becomes_uncertain_and_a_final_failure_stays_failed(ports):
    new = made()
    ports.log.create(new)
    mid = new.message.id
    ports.ledger.claim(PRACTICE, mid, "email", 1, AT)
    ports.ledger.record_uncertain(PRACTICE, mid, "email", 1, AT)
    ports.ledger.claim(PRACTICE, mid, "sms", 1, AT)
    ports.ledger.record_attempt_failed(PRACTICE, mid, "sms", 1, AT, "sns.Rejected", final=True)
    assert not ports.ledger.claim(PRACTICE, mid, "sms", 2, AT)
    message = ports.log.message(PRACTICE, mid).message
    assert message.delivery("email").status == "uncertain" and message.delivery("sms").status == "failed"


def test_settling_drops_the_payload_and_records_the_reason(ports):
    new = made(time="09:30")
    ports.log.create(new)
    ports.ledger.settle(PRACTICE, new.message.id, "suppressed", AT, "no_consent", ["email"])
    stored = ports.log.message(PRACTICE, new.message.id)
    assert stored.payload is None
    assert (stored.message.status, stored.message.reason, stored.message.channels) == ("suppressed", "no_consent",
                                                                                       ["email"])
    assert stored.message.history[-1].status == "suppressed"


def test_only_a_sent_email_bounces(ports):
    new = made()
    ports.log.create(new)
    mid = new.message.id
    with pytest.raises(Conflict):
        ports.ledger.record_bounce(PRACTICE, mid, AT, "permanent_bounce")
    ports.ledger.claim(PRACTICE, mid, "email", 1, AT)
    ports.ledger.record_sent(PRACTICE, mid, "email", 1, AT, "ses-1")
    ports.ledger.record_bounce(PRACTICE, mid, AT, "permanent_bounce")
    message = ports.log.message(PRACTICE, mid).message
    assert (message.status, message.delivery("email").status) == ("bounced", "bounced")


def test_deferred_messages_are_due_oldest_first_once_their_time_comes_and_leave_when_settled(ports):
    early, late = made("key-00000001"), made("key-00000002")
    for new in (early, late):
        ports.log.create(new)
    ports.due.defer(PRACTICE, late.message.id, "2026-01-16T13:00:00.000Z", AT, "quiet_hours", ["sms"])
    ports.due.defer(PRACTICE, early.message.id, "2026-01-16T12:00:00.000Z", AT, "quiet_hours")
    assert ports.due.due(PRACTICE, "2026-01-16T11:59:59.000Z", 10, None).items == []
    assert ports.due.due(PRACTICE, "2026-01-16T12:30:00.000Z", 10, None).items == [early.message.id]
    first = ports.due.due(PRACTICE, "2026-01-16T14:00:00.000Z", 1, None)
    assert first.items == [early.message.id] and first.next_start is not None
    assert ports.due.due(PRACTICE, "2026-01-16T14:00:00.000Z", 1, first.next_start).items == [late.message.id]
    stored = ports.log.message(PRACTICE, late.message.id).message
    assert (stored.status, stored.deliver_after, stored.channels) == ("deferred", "2026-01-16T13:00:00.000Z", ["sms"])
    ports.ledger.settle(PRACTICE, early.message.id, "sent", AT)
    assert ports.due.due(PRACTICE, "2026-01-16T14:00:00.000Z", 10, None).items == [late.message.id]


def test_an_email_or_sms_to_a_patient_joins_the_patient_deliveries_when_recorded_sent(ports):
    from datetime import date

    new = made(key="key-00000042", patient="p7")
    ports.log.create(new)
    mid = new.message.id
    for channel in ("email", "sms", "in_app"):
        assert ports.ledger.claim(PRACTICE, mid, channel, 1, AT)
    assert ports.ledger.sent_to_patients(PRACTICE, date(2026, 1, 15), date(2026, 1, 15)) == []  # claimed, not sent
    for channel in ("email", "sms", "in_app"):
        ports.ledger.record_sent(PRACTICE, mid, channel, 1, AT, "provider-1", "p7")
    found = ports.ledger.sent_to_patients(PRACTICE, date(2026, 1, 15), date(2026, 1, 15))
    assert [(d.message_id, d.channel, d.patient_id, d.sent_at) for d in found] == [(mid, "email", "p7", AT),
                                                                                 (mid, "sms", "p7", AT)]
    assert ports.ledger.sent_to_patients(PRACTICE, date(2026, 1, 16), date(2026, 1, 31)) == []


def test_a_send_that_loses_its_claim_leaves_nothing_on_the_patient_deliveries(ports):
    from datetime import date

    new = made(key="key-00000043", patient="p7")
    ports.log.create(new)
    ports.ledger.claim(PRACTICE, new.message.id, "email", 1, AT)
    with pytest.raises(Conflict):
        ports.ledger.record_sent(PRACTICE, new.message.id, "email", 2, AT, "provider-1", "p7")
    assert ports.ledger.sent_to_patients(PRACTICE, date(2026, 1, 1), date(2026, 1, 31)) == []
