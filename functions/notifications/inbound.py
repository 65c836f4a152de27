"""Replies to our text messages: STOP opts the number's patients out of SMS, START back in; anything else
is not read (a reply may hold health details, and nobody watches this number)."""

from collections.abc import Sequence

from functions.core.observability import logger
from functions.notifications import rules
from functions.notifications.opt_out import OptOuts
from functions.notifications.ports import RecipientDirectory


class SmsReplies:
    def __init__(self, directory: RecipientDirectory, opt_outs: OptOuts) -> None:
        self.directory = directory
        self.opt_outs = opt_outs

    def receive(self, practice_ids: Sequence[str], phone: str, body: str) -> int:
        """One reply from `phone`, to whichever practices it may be for. Returns how many people changed."""
        keyword = rules.sms_keyword(body)
        if keyword is None:
            return 0
        changed = 0
        for practice_id in practice_ids:
            for patient_id in self.directory.patients_with_phone(practice_id, phone):
                self.opt_outs.set(practice_id, f"PATIENT#{patient_id}", "sms", opted_out=keyword == "stop")
                changed += 1
        logger.info("sms keyword", extra={"keyword": keyword, "people": changed})
        return changed
