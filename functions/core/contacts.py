"""Someone the practice writes to who is neither a patient nor staff: a supplier, a member of the public
registered for a workshop. The owning area keeps the card with its own record (`contact_put` in the same
transaction); notifications reads it for `Recipient(kind="contact")`, so no address ever rides on an event.

    pk = PRACTICE#<p>#CONTACT#<contact id>    sk = CONTACT    kind CONTACT_CARD"""

from typing import Literal

from pydantic import Field

from functions.core.keys import entity_pk
from functions.core.models import Stored
from functions.core.table import Put

CONTACT = "CONTACT"
ContactChannel = Literal["email", "sms"]


class ContactCard(Stored):
    name: str
    email: str | None = None
    phone: str | None = None  # E.164
    language: str = "en"
    # the channels this person agreed to be written on; empty: none (withdrawn)
    channels: list[ContactChannel] = Field(default_factory=list)
    owner: str  # "<area>.<entity>", e.g. "inventory.supplier", "outreach.registration"
    version: int = 1


def contact_key(practice_id: str, contact_id: str) -> dict[str, str]:
    return {"pk": entity_pk(practice_id, CONTACT, contact_id), "sk": CONTACT}


def contact_put(practice_id: str, contact_id: str, card: ContactCard) -> Put:
    """The card as one write of the owner's transaction: a new card, a changed one, or channels withdrawn."""
    return Put({**contact_key(practice_id, contact_id), "kind": "CONTACT_CARD",
                **card.model_dump(mode="json", exclude_none=True)})
