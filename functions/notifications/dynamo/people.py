"""Templates, preferences, the in-app inbox and the staff records notifications reads, in the single table:
the only module that knows their keys and conditions.

Layout:
    pk = PRACTICE#<p>#NOTIFY_TEMPLATES            sk = TEMPLATE#<key>#<language>
    pk = PRACTICE#<p>#NOTIFY_PREFS#<person>       sk = PREFS              person: PATIENT#p, FAMILY#p#m, STAFF#u
    pk = PRACTICE#<p>#INBOX#<person>              sk = MSG#<requested at>#<message id>
    pk = PRACTICE#<p>#STAFF#<user id>             sk = PROFILE            kind STAFF_MEMBER, written by the
                                                                          staff area: user_id, email, active...
"""

from functions.core.errors import NotFound, stale
from functions.core.keys import collection_pk, entity_pk
from functions.core.table import Item, Put, Table, TransactionCancelled, Update
from functions.notifications.dynamo.messages import put_if_absent
from functions.notifications.models.messages import InboxItem
from functions.notifications.models.preferences import Preferences
from functions.notifications.models.staff import StaffMember
from functions.notifications.models.templates import Template
from functions.notifications.ports import Listing, Position

PREFS_SK = "PREFS"
STAFF = "STAFF"
PROFILE_SK = "PROFILE"


def templates_pk(practice_id: str) -> str:
    return collection_pk(practice_id, "NOTIFY_TEMPLATES")


def prefs_pk(practice_id: str, person: str) -> str:
    return collection_pk(practice_id, "NOTIFY_PREFS", person)


def inbox_pk(practice_id: str, person: str) -> str:
    return collection_pk(practice_id, "INBOX", person)


def staff_pk(practice_id: str, user_id: str) -> str:
    return entity_pk(practice_id, STAFF, user_id)


def _versioned_put(table: Table, item: Item, expected_version: int | None, what: str) -> None:
    changed = stale(what)  # saved meanwhile (or, for a first save, by someone else first)
    if expected_version is None:
        put = Put(item, "attribute_not_exists(pk)", on_conflict=changed)
    else:
        put = Put(item, "#version = :expected", names={"#version": "version"},
                  values={":expected": expected_version}, on_conflict=changed)
    table.transact([put])


class DynamoTemplateBook:
    def __init__(self, table: Table) -> None:
        self.table = table

    def template(self, practice_id: str, key: str, language: str) -> Template | None:
        """GetItem pk=PRACTICE#p#NOTIFY_TEMPLATES sk=TEMPLATE#<key>#<language>."""
        item = self.table.get(templates_pk(practice_id), f"TEMPLATE#{key}#{language}")
        return Template.model_validate(item) if item else None

    def templates(self, practice_id: str) -> list[Template]:
        """Query pk=PRACTICE#p#NOTIFY_TEMPLATES, all pages (a practice has tens, not thousands)."""
        return [Template.model_validate(item)
                for item in self.table.query_all(templates_pk(practice_id), sk_prefix="TEMPLATE#")]

    def put_template(self, practice_id: str, template: Template, expected_version: int | None) -> None:
        """Put the template: new (attribute_not_exists) or replacing `expected_version`. Stale: Conflict."""
        item = {"pk": templates_pk(practice_id), "sk": f"TEMPLATE#{template.key}#{template.language}",
                "kind": "NOTIFY_TEMPLATE", **template.model_dump(exclude={"builtin"}, exclude_none=True)}
        _versioned_put(self.table, item, expected_version, "template")


class DynamoPreferenceBook:
    def __init__(self, table: Table) -> None:
        self.table = table

    def preferences(self, practice_id: str, person: str) -> Preferences | None:
        """GetItem pk=PRACTICE#p#NOTIFY_PREFS#<person> sk=PREFS."""
        item = self.table.get(prefs_pk(practice_id, person), PREFS_SK, consistent=True)
        if not item:
            return None
        return Preferences.model_validate({**item, "quiet_hours": None} if item.get("quiet_hours_off") else item)

    def put_preferences(self, practice_id: str, preferences: Preferences, expected_version: int | None) -> None:
        """Put the person's preferences: new, or replacing `expected_version`. Stale: Conflict."""
        item = {"pk": prefs_pk(practice_id, preferences.person), "sk": PREFS_SK, "kind": "NOTIFY_PREFS",
                **preferences.model_dump(mode="json", exclude_none=True)}
        if preferences.quiet_hours is None:
            # the table keeps no nulls, and a missing quiet_hours reads back as the default: say "none" aloud
            item["quiet_hours_off"] = True
        _versioned_put(self.table, item, expected_version, "preferences")


class DynamoInbox:
    def __init__(self, table: Table) -> None:
        self.table = table

    def put_inbox_item(self, practice_id: str, person: str, requested_at: str, item: InboxItem) -> bool:
        """Put INBOX#<person> MSG#<requested at>#<id> if absent. False: it is there already (a retry)."""
        record = {"pk": inbox_pk(practice_id, person), "sk": f"MSG#{requested_at}#{item.message_id}",
                  "kind": "INBOX_ITEM", **item.model_dump(mode="json", exclude_none=True)}
        return put_if_absent(self.table, Put(record, "attribute_not_exists(pk)"))

    def inbox(self, practice_id: str, person: str, limit: int, start: Position | None) -> Listing[InboxItem]:
        """Query pk=PRACTICE#p#INBOX#<person>, newest first."""
        page = self.table.query(inbox_pk(practice_id, person), sk_prefix="MSG#", forward=False, limit=limit,
                                start_key=start)
        return Listing([InboxItem.model_validate(item) for item in page.items], page.last_key)

    def mark_read(self, practice_id: str, person: str, requested_at: str, message_id: str, at: str) -> None:
        """Update INBOX#<person> MSG#<requested at>#<id>: read_at, if the item exists and is unread."""
        update = Update(key={"pk": inbox_pk(practice_id, person), "sk": f"MSG#{requested_at}#{message_id}"},
                        expression="SET #read = if_not_exists(#read, :at)", names={"#read": "read_at"},
                        values={":at": at}, condition="attribute_exists(pk)")
        try:
            self.table.transact([update])
        except TransactionCancelled:
            raise NotFound("no such message in your inbox", code="inbox_item_not_found") from None



class DynamoStaffDirectory:
    def __init__(self, table: Table) -> None:
        self.table = table

    def member(self, practice_id: str, user_id: str) -> StaffMember | None:
        """GetItem pk=PRACTICE#p#STAFF#<user id> sk=PROFILE."""
        item = self.table.get(staff_pk(practice_id, user_id), PROFILE_SK)
        return StaffMember.model_validate(item) if item else None

    def put(self, practice_id: str, member: StaffMember) -> None:
        """Put the staff record. The staff area owns these; this is for the demo, scripts and tests."""
        self.table.put({"pk": staff_pk(practice_id, member.user_id), "sk": PROFILE_SK, "kind": "STAFF_MEMBER",
                        **member.model_dump(exclude_none=True)})
