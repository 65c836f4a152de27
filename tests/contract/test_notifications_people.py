"""The notifications ports about people (TemplateBook, PreferenceBook, Inbox, StaffDirectory): one behaviour
suite, run against the in-memory fakes and the DynamoDB adapters on moto."""

from types import SimpleNamespace

import pytest

from functions.core.errors import Conflict, NotFound
from functions.notifications.models.messages import InboxItem
from functions.notifications.models.preferences import Preferences
from functions.notifications.models.staff import StaffMember
from functions.notifications.models.templates import Template
from tests.fakes.notifications import FakeInbox, FakePreferenceBook, FakeStaffDirectory, FakeTemplateBook

PRACTICE = "practice-c"
AT = "2026-01-15T17:00:00.000Z"


@pytest.fixture(params=["fake", "dynamo"])
def ports(request):
    if request.param == "fake":
        return SimpleNamespace(templates=FakeTemplateBook(), preferences=FakePreferenceBook(), inbox=FakeInbox(),
                               staff=FakeStaffDirectory())
    request.getfixturevalue("cloud")
    from functions.core.table import Table
    from functions.notifications.dynamo.people import (
        DynamoInbox,
        DynamoPreferenceBook,
        DynamoStaffDirectory,
        DynamoTemplateBook,
    )

    table = Table()
    return SimpleNamespace(templates=DynamoTemplateBook(table), preferences=DynamoPreferenceBook(table),
                           inbox=DynamoInbox(table), staff=DynamoStaffDirectory(table))


def template(version: int, language: str = "en", text: str = "See you at {{ time }}.") -> Template:
    return Template(key="appointment.reminder", language=language, subject="Reminder", text=text, version=version,
                    updated_at=AT)


def test_a_template_is_saved_first_then_only_over_the_version_read(ports):
    assert ports.templates.template(PRACTICE, "appointment.reminder", "en") is None
    ports.templates.put_template(PRACTICE, template(1), None)
    with pytest.raises(Conflict):
        ports.templates.put_template(PRACTICE, template(1), None)  # someone saved the first meanwhile
    ports.templates.put_template(PRACTICE, template(2, text="Changed"), 1)
    with pytest.raises(Conflict):
        ports.templates.put_template(PRACTICE, template(3), 1)  # stale
    ports.templates.put_template(PRACTICE, template(1, language="de"), None)
    saved = ports.templates.template(PRACTICE, "appointment.reminder", "en")
    assert (saved.version, saved.text, saved.builtin) == (2, "Changed", False)
    assert [(t.language, t.version) for t in ports.templates.templates(PRACTICE)] == [("de", 1), ("en", 2)]
    assert ports.templates.templates("another-practice") == []


def test_preferences_are_saved_first_then_only_over_the_version_read(ports):
    assert ports.preferences.preferences(PRACTICE, "PATIENT#p1") is None
    first = Preferences(person="PATIENT#p1", opted_out=["sms"], version=1, updated_at=AT)
    ports.preferences.put_preferences(PRACTICE, first, None)
    with pytest.raises(Conflict):
        ports.preferences.put_preferences(PRACTICE, first, None)
    ports.preferences.put_preferences(PRACTICE, first.model_copy(update={"version": 2, "quiet_hours": None}), 1)
    with pytest.raises(Conflict):
        ports.preferences.put_preferences(PRACTICE, first.model_copy(update={"version": 3}), 1)
    saved = ports.preferences.preferences(PRACTICE, "PATIENT#p1")
    assert (saved.version, saved.opted_out, saved.quiet_hours) == (2, ["sms"], None)


def test_the_inbox_keeps_one_entry_per_message_newest_first_and_marks_it_read_once(ports):
    for n in range(3):
        item = InboxItem(message_id=f"M{n}", subject=f"Notice {n}", text="...", received_at=AT)
        assert ports.inbox.put_inbox_item(PRACTICE, "STAFF#u1", f"2026-01-15T17:00:0{n}.000Z", item)
    assert not ports.inbox.put_inbox_item(PRACTICE, "STAFF#u1", "2026-01-15T17:00:00.000Z",
                                          InboxItem(message_id="M0", subject="again", text="...", received_at=AT))
    first = ports.inbox.inbox(PRACTICE, "STAFF#u1", 2, None)
    assert [i.message_id for i in first.items] == ["M2", "M1"]
    rest = ports.inbox.inbox(PRACTICE, "STAFF#u1", 2, first.next_start)
    assert [(i.message_id, i.subject) for i in rest.items] == [("M0", "Notice 0")] and rest.next_start is None
    ports.inbox.mark_read(PRACTICE, "STAFF#u1", "2026-01-15T17:00:00.000Z", "M0", AT)
    ports.inbox.mark_read(PRACTICE, "STAFF#u1", "2026-01-15T17:00:00.000Z", "M0", "2026-01-16T00:00:00.000Z")
    assert ports.inbox.inbox(PRACTICE, "STAFF#u1", 5, None).items[-1].read_at == AT
    with pytest.raises(NotFound):
        ports.inbox.mark_read(PRACTICE, "STAFF#u2", "2026-01-15T17:00:00.000Z", "M0", AT)
    assert ports.inbox.inbox(PRACTICE, "STAFF#u2", 5, None).items == []


def test_a_staff_member_is_read_by_id_in_their_practice_only(ports):
    ports.staff.put(PRACTICE, StaffMember(user_id="nurse-1", email="nurse@clinic.example", time_zone="Europe/Paris"))
    found = ports.staff.member(PRACTICE, "nurse-1")
    assert (found.email, found.active, found.time_zone) == ("nurse@clinic.example", True, "Europe/Paris")
    assert ports.staff.member(PRACTICE, "nurse-2") is None
    assert ports.staff.member("another-practice", "nurse-1") is None
