"""Sign-ins: a staff member's last sign-in, kept on their profile (and the sparse index compliance reads for
accounts nobody uses), each one in the audit trail."""

from collections.abc import Callable
from datetime import datetime

from functions.core.auth import Caller, Role
from functions.core.errors import PreconditionFailed
from functions.core.service import AreaService
from functions.staff.ports import StaffRecords

ATTEMPTS = 3  # a member edited at the same moment: read again and keep the sign-in on the new version


class SignIns(AreaService):
    def __init__(self, records: StaffRecords, audit, now: Callable[[], datetime]) -> None:
        self.records, self.audit, self.now = records, audit, now

    def signed_in(self, practice_id: str, user_id: str, request_id: str = "sign-in") -> bool:
        """Keep the sign-in of `user_id` (their Cognito sub) at `now`. False when they are no staff member of the
        practice (a patient, or an account the practice has not added): nothing is written."""
        at = self._at()
        for attempt in range(ATTEMPTS):
            member = self.records.member(practice_id, user_id)
            if member is None:
                return False
            caller = Caller(user_id=user_id, practice_id=practice_id, roles=frozenset({Role.STAFF}),
                            request_id=request_id)
            try:
                self.records.sign_in(member, at, self._draft(caller, "staff.member.sign_in", "STAFF", user_id,
                                                             at=at))
                return True
            except PreconditionFailed:
                if attempt == ATTEMPTS - 1:
                    raise
        return False
