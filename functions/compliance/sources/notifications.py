"""PatientDeliveries over notifications' delivery ledger (`DynamoDeliveryLedger`): its date-keyed index of the
emails and SMS sent to patients."""

from datetime import date

from functions.compliance.ports.sources import PatientDelivery
from functions.core.table import Table
from functions.notifications.dynamo.messages import DynamoDeliveryLedger


class NotificationsPatientDeliveries:
    def __init__(self, table: Table) -> None:
        self.ledger = DynamoDeliveryLedger(table)

    def sent(self, practice_id: str, first: date, last: date) -> list[PatientDelivery]:
        """Query gsi1 PATIENT_SENT between the two days (sparse: emails and SMS to patients), every page."""
        return [PatientDelivery(message_id=d.message_id, channel=d.channel, patient_id=d.patient_id, sent_at=d.sent_at)
                for d in self.ledger.sent_to_patients(practice_id, first, last)]
