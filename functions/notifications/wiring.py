"""The production wiring of the notifications service: the table, the records directory, SES, SNS and the
inbox, one per container. Tests build the service themselves with fakes where they need them."""

import os
from functools import cache

from functions.core import clock
from functions.core.audit_store import AuditStore
from functions.core.secrets import page_token_key
from functions.core.settings import settings
from functions.core.table import Table
from functions.notifications.channels import InAppInbox, SesEmail, SnsSms
from functions.notifications.directory import RecordsDirectory
from functions.notifications.links import OptOutLinks
from functions.notifications.repo import NotificationsRepo
from functions.notifications.service import NotificationService

# The sender must be a verified SES identity (localcloud verifies this domain on moto).
DEFAULT_SENDER = "PracticeFlow <notifications@practiceflow.local>"


def sender() -> str:
    return os.environ.get("NOTIFICATIONS_SENDER", DEFAULT_SENDER)


def public_url() -> str:
    """Where opt-out links point: the API's public base URL."""
    return settings().public_api_url


@cache
def service() -> NotificationService:
    table = Table()
    repo = NotificationsRepo(table, AuditStore(table))
    channels = {
        "email": SesEmail(sender(), configuration_set=os.environ.get("NOTIFICATIONS_SES_CONFIGURATION_SET")),
        "sms": SnsSms(sender_id=os.environ.get("NOTIFICATIONS_SMS_SENDER_ID")),
        "in_app": InAppInbox(repo, now=lambda: clock.iso(clock.now())),
    }
    return NotificationService(repo, RecordsDirectory(table), channels, OptOutLinks(page_token_key, public_url()),
                               page_key=page_token_key)
