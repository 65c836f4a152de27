"""The business numbers (functions/core/business.py): the outbox publisher counts the domain events it carried
under the area they belong to, never per practice, only those EventBridge accepted; and every business metric
the dashboard graphs is really sent by the code."""

import ast
import re
from typing import get_args

import pytest

from functions.core import business, container, outbox
from functions.core.events import DomainEvent
from infra.catalog import ROOT
from tests.support import LambdaContext
from tests.unit.business_metrics import sent_metrics  # noqa: F401 (a fixture)


def stream_record(sequence: int, event_type: str, practice: str = "p1") -> dict:
    event = DomainEvent(type=event_type, practice_id=practice, entity_id=f"e{sequence}")
    image = {"kind": {"S": "OUTBOX_EVENT"}, "event": {"M": {
        "type": {"S": event.type}, "practice_id": {"S": event.practice_id}, "entity_id": {"S": event.entity_id},
        "data": {"M": {}}, "id": {"S": event.id}, "occurred_at": {"S": event.occurred_at}}}}
    return {"eventName": "INSERT", "dynamodb": {"SequenceNumber": str(sequence), "NewImage": image}}


class EventBridge:
    """PutEvents that refuses the entries from `refuse_from` on (counted across calls)."""

    def __init__(self, refuse_from: int | None = None) -> None:
        self.refuse_from = refuse_from
        self.seen = 0

    def put_events(self, Entries):  # noqa: N803 (boto3's name)
        answers = []
        for _ in Entries:
            refused = self.refuse_from is not None and self.seen >= self.refuse_from
            answers.append({"ErrorCode": "InternalFailure"} if refused else {"EventId": str(self.seen)})
            self.seen += 1
        return {"FailedEntryCount": sum("ErrorCode" in a for a in answers), "Entries": answers}


@pytest.fixture
def publisher(monkeypatch):
    for variable, value in {"TABLE_NAME": "practiceflow", "PAGE_TOKEN_SECRET_ARN": "arn:secret",
                            "EVENT_BUS_NAME": "practiceflow-bus"}.items():
        monkeypatch.setenv(variable, value)
    container.reset()

    def run(records, bus: EventBridge | None = None):
        monkeypatch.setattr(outbox, "_events", lambda: bus or EventBridge())
        return outbox.handler({"Records": records}, LambdaContext())

    yield run
    container.reset()


def test_the_outbox_publisher_counts_business_events_under_their_own_area(publisher, sent_metrics):  # noqa: F811
    types = ["scheduling.appointment.booked", "scheduling.appointment.booked", "scheduling.appointment.no_show",
             "billing.claim.submitted", "billing.claim.paid", "billing.claim.partially_paid",
             "billing.claim.denied", "records.patient.created", "notification.requested"]
    publisher([stream_record(i, t, practice=f"p{i % 2}") for i, t in enumerate(types)])
    sent = sent_metrics()
    assert {k: v for k, v in sent.items() if k[0] in {m.name for m in business.BUSINESS_METRICS}} == {
        ("AppointmentsBooked", "scheduling"): 2, ("NoShows", "scheduling"): 1, ("ClaimsSubmitted", "billing"): 1,
        ("ClaimsPaid", "billing"): 2, ("ClaimsDenied", "billing"): 1}
    assert sum(v for (name, _), v in sent.items() if name == "EventsPublished") == len(types)


def test_events_eventbridge_refused_are_counted_when_the_stream_retries_them_not_before(publisher,
                                                                                      sent_metrics):  # noqa: F811
    records = [stream_record(i, "scheduling.appointment.booked") for i in range(4)]
    answer = publisher(records, EventBridge(refuse_from=1))
    assert [f["itemIdentifier"] for f in answer["batchItemFailures"]] == ["1", "2", "3"]
    assert sent_metrics()[("AppointmentsBooked", "scheduling")] == 1


def test_with_metrics_switched_off_nothing_is_printed(capsys, monkeypatch):
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")  # the local cloud's `practice job run`
    assert business.count_events([DomainEvent(type="billing.claim.paid", practice_id="p", entity_id="c")]) == {
        "ClaimsPaid": 1}
    business.send("DaysInAR", 12.5)
    assert '"_aws"' not in capsys.readouterr().out


def test_a_gauge_is_sent_under_its_area_whichever_function_sends_it(monkeypatch, sent_metrics):  # noqa: F811
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "billing")
    business.send("DaysInAR", 41.5)
    business.send("LeavePending", 3)
    assert sent_metrics() == {("DaysInAR", "billing"): 41.5, ("LeavePending", "staff"): 3}


def _sources() -> dict[str, str]:
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in (ROOT / "functions").rglob("*.py")}


def test_every_business_metric_is_sent_by_the_code():
    """Counted from events, or sent by name through `business.send("Name", ...)`: nothing on the dashboard
    that no code sends."""
    sent_by_name = {node.args[0].value for source in _sources().values() for node in ast.walk(ast.parse(source))
                    if isinstance(node, ast.Call) and ast.unparse(node.func) == "business.send"
                    and isinstance(node.args[0], ast.Constant)}
    counted = set(business.COUNTED_EVENTS.values())
    assert sent_by_name | counted == {m.name for m in business.BUSINESS_METRICS}
    assert not sent_by_name & counted  # one way each, or it would count twice


def test_every_counted_event_type_is_one_an_area_announces():
    from functions.billing.models.claims import ClaimState
    from functions.scheduling.models.appointments import TRANSITIONS as APPOINTMENT_MOVES  # noqa: N811

    code = "\n".join(_sources().values())
    produced = set(re.findall(r'"((?:scheduling|billing)\.[a-z_]+\.[a-z_]+)"', code))
    produced |= {f"billing.claim.{state}" for state in get_args(ClaimState)}  # billing.claim.{to}
    produced |= {f"scheduling.appointment.{to}" for moves in APPOINTMENT_MOVES.values() for to in moves}
    assert set(business.COUNTED_EVENTS) <= produced
