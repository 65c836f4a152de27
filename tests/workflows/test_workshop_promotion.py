"""The workshop promotion state machine executed on moto, its steps (`outreach-tasks`) in-process, records'
audience index and notifications real (on moto), the workshops and registrations in their fake state (the
catalogue and registration book fakes, read through their WorkshopFacts): publish -> invite -> remind ->
close -> remind the registered -> session -> survey -> report; unpublish mid-way ends the run cleanly (stopped,
or ended by the next step when the stop is lost); a retried invitation step sends nothing twice."""

import time
from datetime import date, timedelta

import pytest

from functions.core import clock
from functions.core.auth import Caller, Role
from functions.core.errors import Conflict
from functions.notifications.models.messages import Source
from functions.outreach.models.workshops import AudienceCriteria, Registrant, Workshop, WorkshopSession
from functions.records.models.consent import ConsentIn
from functions.records.models.patients import PatientIn
from infra.catalog import CATALOG
from localcloud import moto_patches
from localcloud.cloud import LocalCloud
from tests.fakes.outreach import FakeSurveyLinks
from tests.unit.outreach.promotion_support import AT, WorkshopSetup

PRACTICE = "practice-promotion-flow"
WORKSHOP = "01HWORKSHOPPROMOTIONFLOW00"
COORDINATOR = Caller(user_id="coord", practice_id=PRACTICE, roles=frozenset({Role.COORDINATOR}), request_id="t")


@pytest.fixture
def local(tmp_path):
    # waits at full length on the local clock: the days before the workshop pass only when a test advances it
    with LocalCloud(CATALOG, tmp_path, persist=False) as cloud, moto_patches.wait_scale(1.0):
        yield cloud


@pytest.fixture
def workshops() -> WorkshopSetup:
    """The workshops' side: the workshop and its registrants in the fake state, arranged as its use cases would."""
    return WorkshopSetup()


@pytest.fixture
def outreach(local, workshops, monkeypatch):
    """The outreach wiring with the workshops' side faked (the workshop and its registrants, the survey links)."""
    from functions.outreach import wiring

    monkeypatch.setattr(wiring, "workshop_facts", lambda: workshops.facts)
    monkeypatch.setattr(wiring, "links", FakeSurveyLinks)
    monkeypatch.setattr(wiring, "catalog", lambda: workshops.state)  # the survey totals kept with each answer
    wiring.reset()
    yield wiring
    wiring.reset()


def patients(local, n: int, topics=("diabetes",), born: str = "1970-01-01") -> list[str]:
    from functions.records import wiring as records

    ids = []
    for k in range(n):
        patient = records.patients().register(COORDINATOR, PatientIn(
            given_name="Pat", family_name=f"Doe{k}", birth_date=born, gender="female", email=f"p{k}@example.org"))
        if topics:
            records.consents().grant(COORDINATOR, patient.id, ConsentIn(kind="communication", channels=["email"],
                                                                        topics=list(topics)))
        ids.append(patient.id)
    local.drain()
    return ids


def publish(outreach, workshops: WorkshopSetup, days_ahead: int = 10) -> Workshop:
    first = (clock.now() + timedelta(days=days_ahead)).replace(hour=17, minute=0, second=0, microsecond=0)
    workshop = Workshop(
        id=WORKSHOP, practice_id=PRACTICE, title="Living well with diabetes", topic="diabetes",
        description="Food, movement, sleep.", status="published",
        audience=AudienceCriteria(topics=["diabetes"], min_age=18),
        sessions=[WorkshopSession(id="s1", starts_at=first, ends_at=first + timedelta(hours=2), mode="in_person",
                                  room="Room 1", address="1 High St")],
        registration_deadline=first - timedelta(days=2), capacity=2, facilitator_id="staff-fac", version=1,
        created_at=AT, updated_at=AT)
    workshops.put(workshop)
    outreach.promotion().start(PRACTICE, WORKSHOP, 1)
    outreach.promotion().start(PRACTICE, WORKSHOP, 1)  # a retried start: the same execution
    return workshop


def execution(local) -> dict:
    arn = local.state_machine_arns["workshop-promotion"].replace(":stateMachine:", ":execution:")
    return local._sfn.describe_execution(executionArn=f"{arn}:promote-{WORKSHOP}-v1")


def sent(outreach, kind: str) -> int:
    return outreach.promotion_ledger().count(PRACTICE, WORKSHOP, kind)


def messages(template: str) -> list:
    """The messages notifications made about the workshop (its delivery log), of one template."""
    from functions.core.table import Table
    from functions.notifications.dynamo.messages import DynamoMessageLog

    listing = DynamoMessageLog(Table()).about(PRACTICE, Source(area="outreach", entity="workshop",
                                                               entity_id=WORKSHOP), 500, None)
    assert listing.next_start is None
    return [m for m in listing.items if m.template == template]


def until(local, moment) -> None:
    local.advance(moment - clock.now() + timedelta(minutes=1))


def eventually(local, check, timeout_s: float = 30.0) -> None:
    """Executions run on moto's threads and their messages go round the outbox, the bus and the worker:
    drain until `check` holds (a drain can end between a step's write and the stream carrying it)."""
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "the promotion did not get there"
        local.drain()
        time.sleep(0.05)


def test_publish_invite_remind_close_session_survey_report(local, outreach, workshops):
    audience = patients(local, 5)
    patients(local, 1, topics=())  # no consent to the topic: never invited
    patients(local, 1, born=(date.today() - timedelta(days=365 * 10)).isoformat())  # too young on the day
    workshop = publish(outreach, workshops)
    eventually(local, lambda: len([m for m in messages("outreach.invitation") if m.status == "sent"]) == 5)
    assert sent(outreach, "invitation") == 5
    assert execution(local)["status"] == "RUNNING"

    workshops.register(PRACTICE, WORKSHOP, Registrant(registration_id="R1", patient_id=audience[0],
                                                    contact_id=None, status="registered", attended=False))
    workshops.register(PRACTICE, WORKSHOP, Registrant(registration_id="R2", patient_id=None, contact_id="C2",
                                                    status="registered", attended=False))
    workshops.register(PRACTICE, WORKSHOP, Registrant(registration_id="R3", patient_id=audience[1],
                                                    contact_id=None, status="waitlisted", attended=False))
    first = workshop.sessions[0].starts_at
    until(local, first - timedelta(days=3))
    eventually(local, lambda: sent(outreach, "reminder_invited") == 3)  # the invited with no registration
    assert workshops.facts.workshop(PRACTICE, WORKSHOP).status == "published"

    until(local, workshop.registration_deadline)
    eventually(local, lambda: workshops.facts.workshop(PRACTICE, WORKSHOP).status == "closed")
    assert sent(outreach, "reminder_registered") == 0

    until(local, first - timedelta(days=1))
    # R1 and the member of the public, not the waitlisted
    eventually(local, lambda: sent(outreach, "reminder_registered") == 2)
    workshops.attend(PRACTICE, WORKSHOP, "R1")

    until(local, workshop.sessions[0].ends_at)
    eventually(local, lambda: execution(local)["status"] == "SUCCEEDED")
    assert sent(outreach, "survey") == 1
    report = outreach.reach().report(COORDINATOR, WORKSHOP)
    assert (report.outcome, report.invited, report.delivered, report.registered, report.waitlisted,
            report.attended, report.surveyed) == ("completed", 5, 5, 2, 1, 1, 1)
    eventually(local, lambda: len(messages("outreach.reminder.invited")) == 3 and len(messages("outreach.survey")) == 1)


def test_unpublishing_stops_the_run_and_nothing_more_is_sent(local, outreach, workshops):
    patients(local, 3)
    publish(outreach, workshops)
    eventually(local, lambda: sent(outreach, "invitation") == 3)
    workshops.set_status(PRACTICE, WORKSHOP, "unpublished")
    outreach.promotion().stop(PRACTICE, WORKSHOP)
    eventually(local, lambda: execution(local)["status"] == "ABORTED")
    local.advance(timedelta(days=11))
    assert sent(outreach, "reminder_invited") == 0 and sent(outreach, "survey") == 0


def test_a_stop_lost_in_a_race_ends_the_run_cleanly_at_the_next_step(local, outreach, workshops):
    patients(local, 3)
    workshop = publish(outreach, workshops)
    eventually(local, lambda: sent(outreach, "invitation") == 3)
    workshops.set_status(PRACTICE, WORKSHOP, "cancelled")  # and no stop arrives
    until(local, workshop.sessions[0].starts_at - timedelta(days=3))
    eventually(local, lambda: execution(local)["status"] == "SUCCEEDED")
    assert sent(outreach, "reminder_invited") == 0
    run = outreach.promotion_ledger().run(PRACTICE, WORKSHOP)
    report = outreach.reach().report(COORDINATOR, WORKSHOP)
    assert run.outcome == "cancelled" and (report.outcome, report.invited) == ("cancelled", 3)


def test_a_retried_invitation_step_sends_nothing_twice(local, outreach, workshops, monkeypatch):
    patients(local, 4)
    ledger = outreach.promotion_ledger()
    send, failed = ledger.send, []

    def send_then_fail(practice_id, workshop_id, sends):
        new = send(practice_id, workshop_id, sends)
        if not failed:  # the first batch is written, then the Lambda dies before it answers
            failed.append(new)
            raise Conflict("the step timed out after writing", code="lost_answer")
        return new

    monkeypatch.setattr(ledger, "send", send_then_fail)
    publish(outreach, workshops)
    eventually(local, lambda: bool(failed))
    local.advance(timedelta(seconds=30))  # the Retry interval, on the local clock
    eventually(local, lambda: len(messages("outreach.invitation")) == 4)
    assert failed == [4]  # the first page's only batch (25 a batch), written once and then retried
    assert sent(outreach, "invitation") == 4
    time.sleep(0.5)
    local.drain()
    assert len(messages("outreach.invitation")) == 4
