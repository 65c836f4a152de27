"""The delivery channels (ports.Channel): email by SES, SMS by SNS, the in-app inbox in the table. Each
sends one rendered message or raises TransientFailure (try again later) or PermanentFailure (it will never
go), with a reason code and never the provider's text."""

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from functions.core.container import per_container
from functions.notifications.models.messages import InboxItem, PermanentFailure, ProviderRefused, TransientFailure
from functions.notifications.ports import Inbox, Outgoing

# Errors that pass: throttling, a provider hiccup. Anything 5xx counts too.
TRANSIENT_CODES = frozenset({
    "Throttling", "ThrottlingException", "Throttled", "TooManyRequestsException", "ServiceUnavailable",
    "ServiceUnavailableException", "InternalFailure", "InternalError", "InternalErrorException",
    "RequestTimeout", "RequestTimeoutException", "KMSThrottling", "KMSThrottlingException",
    # paused by an operator or a reputation hold: it comes back, and the dead-letter queue keeps the rest
    "AccountSendingPausedException", "ConfigurationSetSendingPausedException",
})


def classify(error: Exception, provider: str) -> TransientFailure | ProviderRefused:
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "Unknown")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 400)
        if code in TRANSIENT_CODES or status >= 500:
            return TransientFailure(f"{provider}.{code}")
        return ProviderRefused(f"{provider}.{code}")
    # connection refused, timeouts, DNS: the request may not have arrived
    return TransientFailure(f"{provider}.{type(error).__name__}")


_CONFIG = Config(retries={"mode": "standard", "max_attempts": 2}, connect_timeout=2, read_timeout=5)


@per_container
def ses_client():
    return boto3.client("ses", config=_CONFIG)


@per_container
def sns_client():
    return boto3.client("sns", config=_CONFIG)


class SesEmail:
    """Email through SES, plain text and HTML. The practice and message ids travel as message tags, so a
    bounce notification finds the message without any lookup."""

    name = "email"

    def __init__(self, sender: str, client: Any = None, configuration_set: str | None = None) -> None:
        self.sender = sender
        self._client = client
        self.configuration_set = configuration_set

    @property
    def client(self):
        return self._client or ses_client()

    def send(self, message: Outgoing) -> str | None:
        request: dict[str, Any] = {
            "Source": self.sender,
            "Destination": {"ToAddresses": [message.address]},
            "Message": {
                "Subject": {"Data": message.subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": message.text, "Charset": "UTF-8"},
                         "Html": {"Data": message.html, "Charset": "UTF-8"}},
            },
            "Tags": [{"Name": "practice_id", "Value": message.practice_id},
                     {"Name": "message_id", "Value": message.message_id}],
        }
        if self.configuration_set:
            request["ConfigurationSetName"] = self.configuration_set
        try:
            return self.client.send_email(**request)["MessageId"]
        except (ClientError, BotoCoreError) as error:
            raise classify(error, "ses") from None


class SnsSms:
    """SMS through SNS, transactional. A number that replied STOP is opted out at SNS: that is a permanent
    failure here, not a silent drop there."""

    name = "sms"

    def __init__(self, client: Any = None, sender_id: str | None = None) -> None:
        self._client = client
        self.sender_id = sender_id

    @property
    def client(self):
        return self._client or sns_client()

    def send(self, message: Outgoing) -> str | None:
        attributes = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}
        if self.sender_id:
            attributes["AWS.SNS.SMS.SenderID"] = {"DataType": "String", "StringValue": self.sender_id}
        try:
            if self.client.check_if_phone_number_is_opted_out(phoneNumber=message.address)["isOptedOut"]:
                raise PermanentFailure("sns.opted_out")
            return self.client.publish(PhoneNumber=message.address, Message=message.sms,
                                       MessageAttributes=attributes)["MessageId"]
        except (ClientError, BotoCoreError) as error:
            raise classify(error, "sns") from None


class InAppInbox:
    """The person's inbox in the table. Putting the same message twice leaves one entry."""

    name = "in_app"

    def __init__(self, store: Inbox, now: Any) -> None:
        self.store = store
        self.now = now

    def send(self, message: Outgoing) -> str | None:
        item = InboxItem(message_id=message.message_id, subject=message.subject, text=message.text,
                         received_at=self.now(), source=message.source)
        try:
            self.store.put_inbox_item(message.practice_id, message.person, message.requested_at, item)
        except (ClientError, BotoCoreError) as error:
            raise classify(error, "dynamodb") from None
        return f"inbox:{message.message_id}"
