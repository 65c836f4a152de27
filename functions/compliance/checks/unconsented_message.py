"""`unconsented_message`: a patient messaged by email or SMS on a channel their communication consent did not
allow when the message was sent."""

from collections.abc import Iterator
from datetime import date, timedelta

from functions.compliance.checks.base import Raised, Severity
from functions.compliance.checks.finding_keys import finding_key
from functions.compliance.ports.sources import CommunicationConsents, ConsentSpan, PatientDeliveries


class UnconsentedMessage:
    """Reads the deliveries of the last `look_back_days` (the date-keyed delivery index) and each patient's
    communication consents once. A finding stays open while its message lies in that window: the privacy
    officer reviews it there (a past send cannot be undone), and it closes when the window has passed it."""

    name = "unconsented_message"

    def __init__(self, deliveries: PatientDeliveries, consents: CommunicationConsents, look_back_days: int = 30,
                 review_days: int = 7) -> None:
        self.deliveries, self.consents = deliveries, consents
        self.look_back_days, self.review_days = look_back_days, review_days

    def find(self, practice_id: str, today: date) -> Iterator[Raised]:
        consents: dict[str, list[ConsentSpan]] = {}
        for sent in self.deliveries.sent(practice_id, today - timedelta(days=self.look_back_days), today):
            if sent.patient_id not in consents:
                consents[sent.patient_id] = self.consents.consents(practice_id, sent.patient_id)
            if any(span.allowed(sent.channel, sent.sent_at) for span in consents[sent.patient_id]):
                continue
            sent_on = date.fromisoformat(sent.sent_at[:10])
            yield Raised(check=self.name, key=finding_key(sent.channel, sent.message_id), severity=Severity.HIGH,
                         owner="role:privacy_officer", due_on=sent_on + timedelta(days=self.review_days),
                         title=f"Message {sent.message_id} went to patient {sent.patient_id} by {sent.channel} on "
                               f"{sent_on} without consent to that channel",
                         link=f"/messages/{sent.message_id}")
