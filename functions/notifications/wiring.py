"""The notifications area's one composition root: the table's adapters, the records directory, SES, SNS
and the inbox, wired into the use cases once per container. The API, the worker and the job take their use
cases from here; tests build them with `build` (on moto) or from tests/fakes (on fakes)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from functions.core import clock
from functions.core.audit_store import AuditStore
from functions.core.container import per_container
from functions.core.secrets import page_token_key
from functions.core.service import AuditTrail
from functions.core.settings import settings
from functions.core.table import Table
from functions.notifications import rules
from functions.notifications.channels import InAppInbox, SesEmail, SnsSms
from functions.notifications.delivery import Delivery
from functions.notifications.directory import RecordsDirectory
from functions.notifications.dynamo.messages import DynamoDeliveryLedger, DynamoDueMessages, DynamoMessageLog
from functions.notifications.dynamo.people import DynamoInbox, DynamoPreferenceBook, DynamoTemplateBook
from functions.notifications.inbound import SmsReplies
from functions.notifications.inbox import InboxReading
from functions.notifications.links import OptOutLinks
from functions.notifications.log import DeliveryLog
from functions.notifications.opt_out import OptOuts
from functions.notifications.ports import (
    Channel,
    DeliveryLedger,
    DueMessages,
    Inbox,
    MessageLog,
    PreferenceBook,
    RecipientDirectory,
    TemplateBook,
)
from functions.notifications.preferences import NotificationPreferences
from functions.notifications.sending import Sending
from functions.notifications.template_library import TemplateLibrary


@dataclass(frozen=True)
class Notifications:
    """The area's use cases, wired to one set of adapters."""

    sending: Sending
    delivery: Delivery
    sms_replies: SmsReplies
    opt_outs: OptOuts
    templates: TemplateLibrary
    preferences: NotificationPreferences
    log: DeliveryLog
    inbox: InboxReading
    audit: AuditTrail  # the API's resolver records refusals here, on the same cached chain head


@dataclass(frozen=True)
class Ports:
    """The adapters the use cases are built on: DynamoDB and AWS here, in-memory fakes in unit tests."""

    messages: MessageLog
    ledger: DeliveryLedger
    due: DueMessages
    templates: TemplateBook
    preferences: PreferenceBook
    inbox: Inbox
    directory: RecipientDirectory
    channels: Mapping[str, Channel]
    audit: AuditTrail  # where audited reads are recorded


def compose(ports: Ports, links: OptOutLinks, page_key: Callable[[], bytes],
            daily_messages: Mapping[str, int] = rules.DAILY_MESSAGES,
            now: Callable[[], datetime] = clock.now) -> Notifications:
    library = TemplateLibrary(ports.templates, now)
    opt_outs = OptOuts(ports.preferences, links, now)
    delivery = Delivery(ports.messages, ports.ledger, ports.due, ports.directory, ports.preferences, library,
                        ports.channels, links, opt_outs, now)
    return Notifications(
        sending=Sending(ports.messages, ports.directory, library, delivery, now, daily_messages=daily_messages),
        delivery=delivery,
        sms_replies=SmsReplies(ports.directory, opt_outs),
        opt_outs=opt_outs,
        templates=library,
        preferences=NotificationPreferences(ports.preferences, ports.directory, ports.audit, now),
        log=DeliveryLog(ports.messages, ports.audit, page_key, now),
        inbox=InboxReading(ports.inbox, ports.messages, ports.audit, page_key, now),
        audit=ports.audit,
    )


def build(table: Table, channels: Mapping[str, Channel] | None = None, public_url: str | None = None,
          daily_messages: Mapping[str, int] = rules.DAILY_MESSAGES) -> Notifications:
    """Every use case on `table` and the providers; `channels` replaces any of them (tests)."""
    config = settings()
    audit = AuditStore(table)
    inbox = DynamoInbox(table)
    wired: dict[str, Channel] = {
        "email": SesEmail(config.notifications_sender, configuration_set=config.notifications_ses_configuration_set),
        "sms": SnsSms(sender_id=config.notifications_sms_sender_id),
        "in_app": InAppInbox(inbox, now=lambda: clock.iso(clock.now())),
        **(channels or {}),
    }
    ports = Ports(messages=DynamoMessageLog(table, audit), ledger=DynamoDeliveryLedger(table),
                  due=DynamoDueMessages(table), templates=DynamoTemplateBook(table),
                  preferences=DynamoPreferenceBook(table), inbox=inbox, directory=RecordsDirectory(table),
                  channels=wired, audit=audit)
    return compose(ports, OptOutLinks(page_token_key, public_url or config.public_api_url), page_token_key,
                   daily_messages)


@per_container
def notifications() -> Notifications:
    return build(Table())
