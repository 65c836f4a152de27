"""Reminders end to end on the local cloud: a booking through the catalogue's scheduling-api, the clock
moved past the reminder's time, the schedule fires scheduling-jobs, the outbox carries the request to the
notifications worker, one email leaves; a second run, or the next firing, sends nothing."""

import re
from datetime import timedelta

import pytest

from functions.core.auth import Caller, Role
from functions.core.clock import FixedClock
from functions.records.models.consent import ConsentIn
from functions.records.models.patients import PatientIn
from localcloud.cloud import LocalCloud
from localcloud.sent import sent_emails
from tests.integration.scheduling_support import MONDAY_NINE, PRACTICE, Api, set_up_clinic


class CloudApi(Api):
    """The API as the local cloud runs it: the catalogue's function, invoked as Lambda would."""

    def __init__(self, cloud: LocalCloud) -> None:
        self.handler = lambda event, _context: cloud.invoke("scheduling-api", event)
        self.context = None


@pytest.fixture
def local(tmp_path):
    with LocalCloud(data_dir=tmp_path, clock=FixedClock(MONDAY_NINE), persist=False) as cloud:
        yield cloud


def patient_with_email_consent() -> str:
    from functions.records import wiring as records

    desk = Caller(user_id="desk-1", practice_id=PRACTICE, roles=frozenset({Role.FRONT_DESK}))
    patient = records.patients().register(desk, PatientIn(given_name="Ada", family_name="Lovelace",
                                                          birth_date="1990-12-10", gender="female",
                                                          email="ada@example.org", time_zone="America/New_York"))
    records.consents().grant(desk, patient.id, ConsentIn(kind="communication", channels=["email"]))
    return patient.id


def test_the_reminder_schedule_sends_one_reminder_through_notifications(local):
    api = CloudApi(local)
    clinic = set_up_clinic(api)
    patient_id = patient_with_email_consent()
    appointment = api.ok("POST", "/appointments", 201, role="patient", patient=patient_id, sub="ada",
                         body={"type_id": clinic.visit, "practitioner_id": clinic.dr_a,
                               "start": "2026-03-03T15:00:00Z"})  # Tuesday 10:00 New York: due Monday 15:00Z
    local.drain()
    assert sent_emails() == []

    local.advance(timedelta(minutes=30))  # 14:30Z: the schedule fired (missed runs fire once), nothing was due
    assert sent_emails() == []
    # 15:15Z: it fires again, and the reminder due at 15:00 goes. This also needs the outbox to keep flowing
    # after a cancelled transaction (the booking's audit-head retry): see localcloud/moto_patches.py
    local.advance(timedelta(minutes=45))
    (email,) = sent_emails()
    assert email["to"] == ["ada@example.org"] and "Elm Street Clinic" in email["subject"]
    assert "Tue 3 Mar 2026, 10:00" in email["body"]
    # the reply links are real links in the HTML part and work without signing in: opening one (as a mail
    # scanner would) changes nothing; the page's button posts
    confirm, cancel = re.findall(r'<a href="[^"]*/appointments/reply/([A-Za-z0-9_.=-]+)">', email["body"])
    assert confirm != cancel
    status, _ = api("GET", f"/appointments/reply/{confirm}", role=None)
    assert status == 200 and api.ok("GET", f"/appointments/{appointment['id']}")["status"] == "booked"
    status, _ = api("POST", f"/appointments/reply/{confirm}", role=None)
    assert status == 200
    assert api.ok("GET", f"/appointments/{appointment['id']}")["status"] == "confirmed"
    assert api.ok("GET", f"/appointments/{appointment['id']}")["reminder_sent_at"] == "2026-03-02T15:15:00.000Z"

    assert local.run_job("send-appointment-reminders") == {"practices": 1, "reminders": 0}
    local.advance(timedelta(minutes=15))
    assert len(sent_emails()) == 1
