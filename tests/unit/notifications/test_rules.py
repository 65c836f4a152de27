"""Who gets what, how and when: quiet hours across time zones and DST days, consent, family, preferences."""

from datetime import UTC, datetime

import pytest

from functions.notifications.models.messages import Recipient
from functions.notifications.models.preferences import Preferences, QuietHours
from functions.notifications.rules import Contact, plan, quiet_until, sms_keyword

PATIENT = Recipient(kind="patient", patient_id="P1")
MEMBER = Recipient(kind="family", patient_id="P1", member_id="M1")
STAFF = Recipient(kind="staff", user_id="U1")
NIGHT = QuietHours(start="21:00", end="08:00")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def reachable_patient(**overrides) -> Contact:
    values = {"found": True, "email": "a@example.org", "phone": "+14155550123", "time_zone": "America/New_York",
              "consented_channels": frozenset({"email", "sms", "in_app"})}
    return Contact(**{**values, **overrides})


def prefs(**overrides) -> Preferences:
    return Preferences(person="x", **overrides)


# --- quiet hours ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("now", "zone", "until"), [
    # 22:30 in New York (EST, -5) -> 08:00 next morning = 13:00Z
    ("2026-01-15T03:30:00", "America/New_York", "2026-01-15T13:00:00"),
    # 06:00 in New York, before the end: same morning
    ("2026-01-15T11:00:00", "America/New_York", "2026-01-15T13:00:00"),
    # the same instant is 12:00 in Berlin, 04:00 in Los Angeles
    ("2026-01-15T11:00:00", "Europe/Berlin", None),
    ("2026-01-15T12:00:00", "America/Los_Angeles", "2026-01-15T16:00:00"),
    # Kolkata is +05:30: 23:00 local -> 08:00 local = 02:30Z
    ("2026-01-15T17:30:00", "Asia/Kolkata", "2026-01-16T02:30:00"),
    # exactly at the end it is no longer quiet; a minute before the start it is not yet
    ("2026-01-15T13:00:00", "America/New_York", None),
    ("2026-01-16T01:59:00", "America/New_York", None),
    ("2026-01-16T02:00:00", "America/New_York", "2026-01-16T13:00:00"),
])
def test_quiet_hours_in_the_persons_zone(now, zone, until):
    found = quiet_until(utc(now), zone, NIGHT)
    assert found == (utc(until) if until else None)


def test_spring_forward_night_ends_at_eight_on_the_new_clock():
    # 2026-03-08 02:00 EST -> 03:00 EDT. 01:30 EST = 06:30Z; 08:00 EDT = 12:00Z (not 13:00Z)
    assert quiet_until(utc("2026-03-08T06:30:00"), "America/New_York", NIGHT) == utc("2026-03-08T12:00:00")


def test_fall_back_night_ends_at_eight_on_the_old_clock():
    # 2026-11-01 02:00 EDT -> 01:00 EST. 23:00 EDT on the 31st = 03:00Z; 08:00 EST = 13:00Z
    assert quiet_until(utc("2026-11-01T03:00:00"), "America/New_York", NIGHT) == utc("2026-11-01T13:00:00")
    # during the repeated hour (01:30 EST, second time round) it is still night
    assert quiet_until(utc("2026-11-01T06:30:00"), "America/New_York", NIGHT) == utc("2026-11-01T13:00:00")


def test_an_end_inside_the_spring_gap_resolves_after_the_gap():
    quiet = QuietHours(start="22:00", end="02:30")  # 02:30 does not exist on 2026-03-08 in New York
    assert quiet_until(utc("2026-03-08T05:00:00"), "America/New_York", quiet) == utc("2026-03-08T07:30:00")


def test_a_daytime_window_does_not_span_midnight():
    quiet = QuietHours(start="12:00", end="14:00")
    assert quiet_until(utc("2026-01-15T12:30:00"), "UTC", quiet) == utc("2026-01-15T14:00:00")
    assert quiet_until(utc("2026-01-15T23:30:00"), "UTC", quiet) is None


def test_no_quiet_hours_never_defers():
    assert quiet_until(utc("2026-01-15T03:30:00"), "America/New_York", None) is None


# --- channels: consent and preferences -------------------------------------------------------------------

DAY = utc("2026-01-15T17:00:00")  # noon in New York
NIGHT_TIME = utc("2026-01-15T04:00:00")  # 23:00 in New York


def test_the_first_permitted_channel_in_the_persons_order_is_used():
    assert plan(PATIENT, reachable_patient(), prefs(channel_order=["sms", "email"]), DAY).channels == ("sms",)
    assert plan(PATIENT, reachable_patient(), prefs(), DAY).channels == ("email",)


def test_a_channel_the_communication_consent_does_not_allow_is_skipped():
    contact = reachable_patient(consented_channels=frozenset({"sms"}))
    assert plan(PATIENT, contact, prefs(), DAY).channels == ("sms",)


def test_without_a_communication_consent_a_patient_is_told_only_in_the_app():
    assert plan(PATIENT, reachable_patient(consented_channels=None), prefs(), DAY).channels == ("in_app",)


def test_an_opted_out_channel_is_never_used():
    result = plan(PATIENT, reachable_patient(), prefs(opted_out=["email"]), DAY)
    assert result.channels == ("sms",)


def test_a_channel_with_nowhere_to_go_is_skipped():
    assert plan(PATIENT, reachable_patient(email=None), prefs(), DAY).channels == ("sms",)


def test_nothing_permitted_is_suppressed_not_sent():
    contact = reachable_patient(consented_channels=frozenset({"email"}))
    assert plan(PATIENT, contact, prefs(opted_out=["email"]), DAY).suppressed == "no_permitted_channel"


def test_an_unknown_or_deleted_patient_gets_nothing():
    assert plan(PATIENT, Contact(found=False), prefs(), DAY).suppressed == "recipient_not_found"


def test_sms_at_night_is_deferred_to_the_morning_not_dropped_and_not_switched():
    result = plan(PATIENT, reachable_patient(), prefs(channel_order=["sms", "email"]), NIGHT_TIME)
    assert result.channels == ("sms",) and result.defer_until == utc("2026-01-15T13:00:00")


def test_email_at_night_goes_now():
    result = plan(PATIENT, reachable_patient(), prefs(), NIGHT_TIME)
    assert result.channels == ("email",) and result.defer_until is None


def test_the_persons_own_zone_and_language_override_the_record():
    result = plan(PATIENT, reachable_patient(), prefs(channel_order=["sms"], time_zone="Asia/Tokyo",
                                                      language="es"), NIGHT_TIME)
    assert result.defer_until is None and result.language == "es" and result.time_zone == "Asia/Tokyo"  # 13:00 there


def test_a_person_without_quiet_hours_gets_sms_at_night():
    assert plan(PATIENT, reachable_patient(), prefs(channel_order=["sms"], quiet_hours=None),
                NIGHT_TIME).defer_until is None


# --- family and proxies --------------------------------------------------------------------------------

def test_a_family_member_gets_a_message_only_when_the_data_sharing_consent_names_them():
    member = Contact(found=True, email="kin@example.org", shared_with=False)
    assert plan(MEMBER, member, prefs(), DAY).suppressed == "no_family_consent"
    named = Contact(found=True, email="kin@example.org", shared_with=True)
    assert plan(MEMBER, named, prefs(), DAY).channels == ("email",)


def test_a_family_member_has_no_inbox_and_is_not_bound_by_the_patients_channel_consent():
    named = Contact(found=True, phone="+14155550199", shared_with=True, consented_channels=frozenset({"email"}))
    assert plan(MEMBER, named, prefs(channel_order=["in_app", "sms"]), DAY).channels == ("sms",)
    assert plan(MEMBER, Contact(found=True, shared_with=True), prefs(), DAY).suppressed == "no_permitted_channel"


def test_an_unknown_family_member_gets_nothing():
    assert plan(MEMBER, Contact(found=False), prefs(), DAY).suppressed == "recipient_not_found"


# --- staff ---------------------------------------------------------------------------------------------

def test_staff_get_work_notices_in_app_and_by_email():
    contact = Contact(found=True, email="nurse@example.org")
    assert plan(STAFF, contact, prefs(), NIGHT_TIME).channels == ("in_app", "email")


def test_staff_may_turn_email_off_but_not_the_app():
    contact = Contact(found=True, email="nurse@example.org")
    assert plan(STAFF, contact, prefs(opted_out=["email", "in_app"]), DAY).channels == ("in_app",)


# --- SMS replies ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "keyword"), [
    ("STOP", "stop"), (" stop ", "stop"), ("Stop.", "stop"), ("unsubscribe please", "stop"), ("START", "start"),
    ("unstop", "start"), ("thanks, see you", None), ("", None), ("stopping by later", None),
])
def test_sms_keywords(body, keyword):
    assert sms_keyword(body) == keyword


# --- contacts: a supplier, a member of the public ---------------------------------------------------------

SUPPLIER = Recipient(kind="contact", contact_id="01JSUPPLIER000000000000000")


def test_a_contact_is_written_only_on_the_channels_their_card_lists():
    card = Contact(found=True, email="orders@example.com", phone="+15550100", consented_channels=frozenset({"sms"}))
    assert plan(SUPPLIER, card, prefs(channel_order=["email", "sms"]), DAY).channels == ("sms",)


def test_a_contact_who_withdrew_every_channel_gets_nothing_and_has_no_inbox():
    card = Contact(found=True, email="orders@example.com", consented_channels=frozenset())
    assert plan(SUPPLIER, card, prefs(), DAY).suppressed == "no_permitted_channel"


def test_a_contact_is_named_by_id_in_keys_and_refs():
    assert SUPPLIER.key == "CONTACT#01JSUPPLIER000000000000000"
    assert Recipient.parse_ref(SUPPLIER.ref) == SUPPLIER
