"""A member of the practice's staff as notifications needs them: where their work notices go. The staff
area keeps these records; the user id is the Cognito `sub`, the same id the inbox is keyed by."""

from functions.core.models import Stored


class StaffMember(Stored):
    user_id: str
    name: str | None = None
    email: str | None = None
    active: bool = True
    language: str = "en"
    time_zone: str = "UTC"
