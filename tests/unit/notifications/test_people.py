"""Preferences, the inbox, opt-out links and STOP replies on fakes."""

import pytest

from functions.core.auth import Role
from functions.core.errors import Conflict, Invalid, NotFound
from functions.notifications.links import OptOut
from functions.notifications.models.preferences import PreferencesIn
from tests.unit.notifications.world import ADA, PRACTICE, patient_caller, reminder, staff, world


def test_preferences_are_saved_over_the_version_read_and_a_stale_save_is_refused():
    built, _ = world()
    desk = staff(Role.FRONT_DESK)
    saved = built.use.preferences.save(desk, PreferencesIn(opted_out=["sms"]), "patient:ada", expected=lambda: 0)
    assert saved.version == 1
    assert built.use.preferences.read(desk, "patient:ada").opted_out == ["sms"]
    with pytest.raises(Conflict):
        built.use.preferences.save(desk, PreferencesIn(), "patient:ada", expected=lambda: 0)


def test_reading_a_patients_preferences_is_audited_against_them_and_a_colleagues_is_not():
    built, _ = world()
    built.use.preferences.read(staff(Role.FRONT_DESK), "patient:ada")
    built.use.preferences.read(staff(Role.COORDINATOR), "staff:u2")
    assert [e.subject_patient_id for e in built.audit.entries] == ["ada"]


def test_an_unknown_person_or_a_malformed_reference_is_refused():
    built, _ = world()
    with pytest.raises(NotFound):
        built.use.preferences.read(staff(Role.FRONT_DESK), "patient:nobody")
    with pytest.raises(Invalid):
        built.use.preferences.read(staff(Role.FRONT_DESK), "someone")


def test_the_inbox_shows_ones_own_messages_and_marks_them_read():
    built, _ = world(channels=frozenset({"in_app"}))
    outcome = built.use.sending.accept(reminder())
    page = built.use.inbox.list(patient_caller(), 10, None)
    assert [i.message_id for i in page.items] == [outcome.message_id]
    built.use.inbox.mark_read(patient_caller(), outcome.message_id)
    assert built.use.inbox.list(patient_caller(), 10, None).items[0].read_at is not None
    with pytest.raises(NotFound):
        built.use.inbox.mark_read(patient_caller("bob"), outcome.message_id)


def test_the_inbox_pages_with_a_signed_token():
    built, _ = world(channels=frozenset({"in_app"}))
    for n in range(3):
        built.use.sending.accept(reminder(f"reminder-key-000{n}"))
    first = built.use.inbox.list(patient_caller(), 2, None)
    rest = built.use.inbox.list(patient_caller(), 2, first.next_page_token)
    assert len(first.items) == 2 and len(rest.items) == 1 and rest.next_page_token is None
    with pytest.raises(Invalid):
        built.use.inbox.list(patient_caller("bob"), 2, first.next_page_token)  # another list's token


def test_an_opt_out_link_describes_without_changing_then_stops_the_channel():
    built, _ = world()
    token = built.use.opt_outs.links.token(OptOut(PRACTICE, ADA.key, "email"))
    assert built.use.opt_outs.describe(token).opted_out is False
    assert built.preferences.preferences(PRACTICE, ADA.key) is None
    assert built.use.opt_outs.opt_out(token).opted_out is True
    assert built.use.opt_outs.opt_out(token).opted_out is True  # a second click changes nothing
    assert built.preferences.preferences(PRACTICE, ADA.key).opted_out == ["email"]
    assert built.use.opt_outs.describe(token).opted_out is True


def test_a_forged_opt_out_link_is_refused():
    built, _ = world()
    with pytest.raises(Invalid):
        built.use.opt_outs.opt_out("not-a-token")


def test_stop_opts_the_numbers_patients_out_of_sms_and_start_back_in():
    built, _ = world(channels=frozenset({"sms"}))
    assert built.use.sms_replies.receive([PRACTICE], "+14155550123", "Stop please") == 1
    assert built.preferences.preferences(PRACTICE, ADA.key).opted_out == ["sms"]
    assert built.use.sending.accept(reminder()).status == "suppressed"
    assert built.use.sms_replies.receive([PRACTICE], "+14155550123", "START") == 1
    assert built.preferences.preferences(PRACTICE, ADA.key).opted_out == []
    assert built.use.sms_replies.receive([PRACTICE], "+14155550123", "what time is it?") == 0
