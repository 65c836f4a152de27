"""The production wiring of the notifications service: the table, the records directory, SES, SNS and the
inbox, one per container. Tests build the service themselves with fakes where they need them."""

from functions.core import clock
from functions.core.audit_store import AuditStore
from functions.core.container import per_container
from functions.core.secrets import page_token_key
from functions.core.settings import settings
from functions.core.table import Table
from functions.notifications.channels import InAppInbox, SesEmail, SnsSms
from functions.notifications.directory import RecordsDirectory
from functions.notifications.links import OptOutLinks
from functions.notifications.repo import NotificationsRepo
from functions.notifications.service import NotificationService


def public_url() -> str:
    """Where opt-out links point: the API's public base URL."""
    return settings().public_api_url


@per_container
def service() -> NotificationService:
    config = settings()
    table = Table()
    repo = NotificationsRepo(table, AuditStore(table))
    channels = {
        "email": SesEmail(config.notifications_sender, configuration_set=config.notifications_ses_configuration_set),
        "sms": SnsSms(sender_id=config.notifications_sms_sender_id),
        "in_app": InAppInbox(repo, now=lambda: clock.iso(clock.now())),
    }
    return NotificationService(repo, RecordsDirectory(table), channels, OptOutLinks(page_token_key, public_url()),
                               page_key=page_token_key)
