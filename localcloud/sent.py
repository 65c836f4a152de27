"""What the local cloud "sent": the emails moto's SES and the SMS moto's SNS accepted, newest last, so a
developer (or an end-to-end test) can see what a patient would have received. Local only: bodies included.

Reads moto's backends directly (moto 5.2.5: `ses_backends[account][region].sent_messages`, a list of
Message(id, source, subject, body, destinations) whose body is the HTML part when there is one; and
`sns_backends[account][region].sms_messages`, message id -> (phone number, text)). Must run inside the
active mock."""

from typing import Any

from localcloud.provision import ACCOUNT, REGION


def sent_emails(account: str = ACCOUNT, region: str = REGION) -> list[dict[str, Any]]:
    from moto.ses.models import ses_backends

    backend = ses_backends[account][region]
    found = []
    for message in backend.sent_messages:
        destinations = getattr(message, "destinations", {}) or {}
        found.append({
            "id": message.id,
            "from": getattr(message, "source", None),
            "to": list(destinations.get("ToAddresses", [])),
            "cc": list(destinations.get("CcAddresses", [])),
            "subject": getattr(message, "subject", None),
            "body": getattr(message, "body", None) or getattr(message, "raw_data", None),
        })
    return found


def sent_sms(account: str = ACCOUNT, region: str = REGION) -> list[dict[str, Any]]:
    from moto.sns.models import sns_backends

    backend = sns_backends[account][region]
    return [{"id": message_id, "to": phone, "text": text} for message_id, (phone, text) in backend.sms_messages.items()]


def sent(account: str = ACCOUNT, region: str = REGION) -> dict[str, list[dict[str, Any]]]:
    """{"email": [...], "sms": [...]}: everything accepted since the cloud started."""
    return {"email": sent_emails(account, region), "sms": sent_sms(account, region)}
