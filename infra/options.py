"""What an operator sets per stage in CDK context (cdk.json or `cdk deploy -c key=value`): the browser origins the
API answers, who the alarms reach, whether the API has a web application firewall, how backups are locked and
copied. Each key takes a value for every stage, or a mapping of stage to value; a list may be given as one
comma-separated string (as `-c` passes it). Nothing is set by default."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

CORS_ORIGINS_CONTEXT = "practiceflow:cors-origins"
ALARM_EMAILS_CONTEXT = "practiceflow:alarm-emails"
ALARM_WEBHOOK_CONTEXT = "practiceflow:alarm-webhook"
SMS_SPEND_CONTEXT = "practiceflow:sms-spend-alarm-usd"
WAF_CONTEXT = "practiceflow:waf"  # true: the API gets the web application firewall (infra/constructs/shield.py)
WAF_RATE_LIMIT_CONTEXT = "practiceflow:waf-rate-limit"  # requests per address per 5 minutes, the whole API
# An origin is exactly what a browser sends: scheme, host and port, no path and no wildcard. Plain http only for
# a developer's own machine.
ORIGIN = re.compile(r"^(https://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?|http://(localhost|127\.0\.0\.1)(:\d{1,5})?)$")
EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")
WEBHOOK = re.compile(r"^https://[^\s]+$")
# Sign-in through Cognito's hosted pages (OAuth 2.0 authorization code grant) for the app's browser client: where
# Cognito may send a user back after signing in and after signing out, and the Cognito domain's prefix. Without
# callback URLs the client has no OAuth flow at all: the app signs in with SRP itself.
AUTH_CALLBACK_URLS_CONTEXT = "practiceflow:auth-callback-urls"
AUTH_LOGOUT_URLS_CONTEXT = "practiceflow:auth-logout-urls"
AUTH_DOMAIN_PREFIX_CONTEXT = "practiceflow:auth-domain-prefix"
SIGN_IN_CONTEXTS = (AUTH_CALLBACK_URLS_CONTEXT, AUTH_LOGOUT_URLS_CONTEXT, AUTH_DOMAIN_PREFIX_CONTEXT)
# a redirect URL: https, or http only back to a developer's own machine (as Cognito itself allows)
AUTH_URL = re.compile(r"^(https://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?|http://(localhost|127\.0\.0\.1)(:\d{1,5})?)"
                      r"(/[^\s,#]*)?$")
# Cognito's rule for a prefix domain: lower-case letters, digits and hyphens, not starting or ending with a hyphen,
# and not naming aws, amazon or cognito
DOMAIN_PREFIX = re.compile(r"^(?!.*(aws|amazon|cognito))[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
# placeholder hosts that must never become a real redirect (CDK's default callback is https://example.com)
PLACEHOLDER_HOSTS = re.compile(r"^https?://([^/]*\.)?example\.(com|org|net)(:\d+)?(/|$)")
# SNS's default account spend limit for SMS is $1; a clinic's 1,000 texts a month cost under $10.
DEFAULT_SMS_SPEND_USD = 20.0
# A clinic's staff often share one address (the practice's NAT): 2,000 per 5 minutes is ~7 requests/s from it.
DEFAULT_WAF_RATE_LIMIT = 2000
WAF_SMALLEST_RATE_LIMIT = 100  # WAF's own minimum


# --- AWS Backup: the vault's lock and a copy of the monthly recovery points in another region ------------------------
# The lock: "min-days=7,max-days=3650,changeable-for-days=3" (or that as a mapping, or true for those defaults). In
# compliance mode once the grace period (changeable-for) has passed: no one, root included, can then delete a recovery
# point early, shorten the rules or remove the lock.
BACKUP_VAULT_LOCK_CONTEXT = "practiceflow:backup-vault-lock"
# The copy: the region, and the ARN of a vault there that the operator made (CloudFormation builds in its stack's own
# region only; a vault for the copies would need a stack of its own there, with its own key): both or neither.
BACKUP_COPY_REGION_CONTEXT = "practiceflow:backup-copy-region"
BACKUP_COPY_VAULT_CONTEXT = "practiceflow:backup-copy-vault-arn"
LOCK_KEYS = frozenset({"min-days", "max-days", "changeable-for-days"})
# AWS Backup's floor for the grace period before a compliance-mode lock is immutable
MIN_CHANGEABLE_FOR_DAYS = 3
REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$")
VAULT_ARN = re.compile(r"^arn:aws[a-z-]*:backup:(?P<region>[a-z0-9-]+):\d{12}:backup-vault:[A-Za-z0-9_.-]{2,50}$")


@dataclass(frozen=True)
class VaultLock:
    """Recovery points in the vault are kept at least `min_days` and at most `max_days`; the lock may be changed or
    removed for `changeable_for_days` after it is set, then never."""

    min_days: int = 7
    max_days: int = 3650
    changeable_for_days: int = MIN_CHANGEABLE_FOR_DAYS


@dataclass(frozen=True)
class BackupCopy:
    region: str
    vault_arn: str


def _for_lock_stage(value: Any, stage: str) -> Any:
    # a mapping of the lock's own keys is the lock itself, for every stage; any other mapping is per stage
    if isinstance(value, Mapping) and not set(value) <= LOCK_KEYS:
        return value.get(stage)
    return value


def vault_lock(value: Any) -> VaultLock | None:
    if value in (None, "", False, "false"):
        return None
    if value in (True, "true"):
        return VaultLock()
    if isinstance(value, str):
        pairs = [item.split("=", 1) for item in value.split(",") if item.strip()]
        if any(len(pair) != 2 for pair in pairs):
            raise ValueError(f"context {BACKUP_VAULT_LOCK_CONTEXT}: write min-days=N,max-days=N,changeable-for-days=N")
        value = {name.strip(): number.strip() for name, number in pairs}
    if not isinstance(value, Mapping) or not set(value) <= LOCK_KEYS:
        raise ValueError(f"context {BACKUP_VAULT_LOCK_CONTEXT}: only {sorted(LOCK_KEYS)} may be given")
    try:
        days = {name: int(number) for name, number in value.items()}
    except (TypeError, ValueError):
        raise ValueError(f"context {BACKUP_VAULT_LOCK_CONTEXT}: days are whole numbers") from None
    lock = VaultLock(min_days=days.get("min-days", VaultLock.min_days),
                     max_days=days.get("max-days", VaultLock.max_days),
                     changeable_for_days=days.get("changeable-for-days", VaultLock.changeable_for_days))
    if not 1 <= lock.min_days <= lock.max_days <= 36500:
        raise ValueError(f"context {BACKUP_VAULT_LOCK_CONTEXT}: 1 <= min-days <= max-days <= 36500")
    if lock.changeable_for_days < MIN_CHANGEABLE_FOR_DAYS:
        raise ValueError(f"context {BACKUP_VAULT_LOCK_CONTEXT}: changeable-for-days is at least "
                         f"{MIN_CHANGEABLE_FOR_DAYS} (AWS Backup's grace period for a compliance-mode lock)")
    return lock


def backup_copy(region: Any, vault_arn: Any) -> BackupCopy | None:
    region, vault_arn = (str(region or "").strip(), str(vault_arn or "").strip())
    if not region and not vault_arn:
        return None
    if not region or not vault_arn:
        raise ValueError(f"context {BACKUP_COPY_REGION_CONTEXT} and {BACKUP_COPY_VAULT_CONTEXT} go together: the "
                         "region to copy monthly recovery points to, and the vault there (made beforehand, with its "
                         "own key) that receives them")
    if not REGION.match(region):
        raise ValueError(f"context {BACKUP_COPY_REGION_CONTEXT}: not a region: {region!r}")
    found = VAULT_ARN.match(vault_arn)
    if not found:
        raise ValueError(f"context {BACKUP_COPY_VAULT_CONTEXT}: not a backup vault ARN: {vault_arn!r}")
    if found["region"] != region:
        raise ValueError(f"context {BACKUP_COPY_VAULT_CONTEXT}: the vault is in {found['region']}, not in {region}")
    return BackupCopy(region=region, vault_arn=vault_arn)


@dataclass(frozen=True)
class StageOptions:
    cors_origins: tuple[str, ...] = ()
    alarm_emails: tuple[str, ...] = ()
    alarm_webhook: str | None = None
    sms_spend_alarm_usd: float = DEFAULT_SMS_SPEND_USD
    waf: bool = False
    waf_rate_limit: int = DEFAULT_WAF_RATE_LIMIT
    auth_callback_urls: tuple[str, ...] = ()
    auth_logout_urls: tuple[str, ...] = ()
    auth_domain_prefix: str | None = None
    backup_vault_lock: VaultLock | None = None
    backup_copy: BackupCopy | None = None

    @property
    def hosted_sign_in(self) -> bool:
        """Whether the app client uses Cognito's hosted pages (OAuth): only when callback URLs are given."""
        return bool(self.auth_callback_urls)


def _for_stage(value: Any, stage: str) -> Any:
    return value.get(stage) if isinstance(value, Mapping) else value


def _strings(key: str, value: Any, pattern: re.Pattern[str]) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    items = [str(item).strip() for item in items if str(item).strip()]
    bad = [item for item in items if not pattern.match(item)]
    if bad:
        raise ValueError(f"context {key}: not allowed: {bad}")
    return tuple(dict.fromkeys(items))


def _flag(key: str, value: Any) -> bool:
    if value in (None, "", False, "false"):
        return False
    if value in (True, "true"):
        return True
    raise ValueError(f"context {key}: true or false, not {value!r}")


def stage_options(context: Mapping[str, Any], stage: str) -> StageOptions:
    """The options of `stage` from the app's context (`{key: value}` as `node.try_get_context` reads them)."""
    webhook = _strings(ALARM_WEBHOOK_CONTEXT, _for_stage(context.get(ALARM_WEBHOOK_CONTEXT), stage), WEBHOOK)
    if len(webhook) > 1:
        raise ValueError(f"context {ALARM_WEBHOOK_CONTEXT}: one webhook per stage")
    spend = _for_stage(context.get(SMS_SPEND_CONTEXT), stage)
    rate_limit = _for_stage(context.get(WAF_RATE_LIMIT_CONTEXT), stage)
    rate_limit = int(rate_limit) if rate_limit not in (None, "") else DEFAULT_WAF_RATE_LIMIT
    if rate_limit < WAF_SMALLEST_RATE_LIMIT:
        raise ValueError(f"context {WAF_RATE_LIMIT_CONTEXT}: at least {WAF_SMALLEST_RATE_LIMIT}")
    callbacks, logouts, prefix = _sign_in(context, stage)
    return StageOptions(
        cors_origins=_strings(CORS_ORIGINS_CONTEXT, _for_stage(context.get(CORS_ORIGINS_CONTEXT), stage), ORIGIN),
        alarm_emails=_strings(ALARM_EMAILS_CONTEXT, _for_stage(context.get(ALARM_EMAILS_CONTEXT), stage), EMAIL),
        alarm_webhook=webhook[0] if webhook else None,
        sms_spend_alarm_usd=float(spend) if spend not in (None, "") else DEFAULT_SMS_SPEND_USD,
        waf=_flag(WAF_CONTEXT, _for_stage(context.get(WAF_CONTEXT), stage)),
        waf_rate_limit=rate_limit,
        backup_vault_lock=vault_lock(_for_lock_stage(context.get(BACKUP_VAULT_LOCK_CONTEXT), stage)),
        backup_copy=backup_copy(_for_stage(context.get(BACKUP_COPY_REGION_CONTEXT), stage),
                                _for_stage(context.get(BACKUP_COPY_VAULT_CONTEXT), stage)),
        auth_callback_urls=callbacks,
        auth_logout_urls=logouts,
        auth_domain_prefix=prefix,
    )


def _sign_in(context: Mapping[str, Any], stage: str) -> tuple[tuple[str, ...], tuple[str, ...], str | None]:
    """The hosted sign-in's callback and logout URLs and domain prefix; all or nothing: a prefix or logout URLs
    without callback URLs would be a domain nobody may be sent back from."""
    callbacks = _strings(AUTH_CALLBACK_URLS_CONTEXT, _for_stage(context.get(AUTH_CALLBACK_URLS_CONTEXT), stage),
                         AUTH_URL)
    logouts = _strings(AUTH_LOGOUT_URLS_CONTEXT, _for_stage(context.get(AUTH_LOGOUT_URLS_CONTEXT), stage), AUTH_URL)
    prefixes = _strings(AUTH_DOMAIN_PREFIX_CONTEXT, _for_stage(context.get(AUTH_DOMAIN_PREFIX_CONTEXT), stage),
                        DOMAIN_PREFIX)
    if placeholders := [url for url in callbacks + logouts if PLACEHOLDER_HOSTS.match(url)]:
        raise ValueError(f"sign-in redirect URLs must be the app's own, not a placeholder: {placeholders}")
    if len(prefixes) > 1:
        raise ValueError(f"context {AUTH_DOMAIN_PREFIX_CONTEXT}: one domain prefix per stage")
    if callbacks and not prefixes:
        raise ValueError(f"context {AUTH_CALLBACK_URLS_CONTEXT} needs {AUTH_DOMAIN_PREFIX_CONTEXT}: the hosted "
                         "sign-in pages are served on the pool's domain")
    if not callbacks and (logouts or prefixes):
        raise ValueError(f"context {AUTH_LOGOUT_URLS_CONTEXT} and {AUTH_DOMAIN_PREFIX_CONTEXT} need "
                         f"{AUTH_CALLBACK_URLS_CONTEXT}: without callback URLs there is no hosted sign-in")
    return callbacks, logouts, prefixes[0] if prefixes else None
