"""The bill: each billable item of a month with the resource types it comes from, priced from the checked-in
price table (list price and after the always-free tiers), and a profile priced end to end."""

from __future__ import annotations

from dataclasses import dataclass

from bench.pricing.inventory import Inventory
from bench.pricing.usage import claim_poll_hours, month
from bench.support import ROOT

PRICES = ROOT / "bench" / "pricing" / "prices.json"
PROFILES = ROOT / "bench" / "pricing" / "profiles.json"
# What the issue's $10 target leaves out: message carriage and the web application firewall.
CARRIAGE_AND_WAF = {"ses_emails", "sms_us", "waf_web_acls", "waf_rules", "waf_requests"}


@dataclass(frozen=True)
class Line:
    service: str
    item: str
    quantity: float
    price: str  # key in prices.json
    basis: str  # "template", "profile", "measured" or "assumption": what the quantity rests on
    note: str = ""


def lines(inv: Inventory, u: dict[str, float], a: dict, profile: dict) -> list[tuple[Line, set[str]]]:
    """Each billable item with the resource types it comes from."""
    out: list[tuple[Line, set[str]]] = []

    def add(types: str, service: str, item: str, quantity: float, price: str, basis: str, note: str = "") -> None:
        out.append((Line(service, item, quantity, price, basis, note), set(types.split())))

    fn, table, backup, cw = "AWS::Lambda::Function", "AWS::DynamoDB::Table", "AWS::Backup::BackupPlan", "CloudWatch"
    add(fn, "Lambda", "requests", u["lambda_invocations"], "lambda_requests", "profile")
    add(fn, "Lambda", "compute, arm64 (INIT billed at the measured import time)", u["lambda_arm_gb_s"],
        "lambda_arm_gb_seconds", "assumption", "durations assumed; cold-start imports measured (cold_start.json)")
    if any(not f.arm for f in inv.functions):
        add(fn, "Lambda", "compute, x86_64", u["lambda_x86_gb_s"], "lambda_x86_gb_seconds", "assumption")
    add("AWS::ApiGateway::RestApi", "API Gateway", "REST requests", u["api_calls"], "api_gateway_rest_requests",
        "assumption", "calls per appointment, claim, sign-in and desk hour: bench/pricing/profiles.json")
    add("AWS::ApiGateway::Stage", cw, f"API detailed metrics ({inv.methods} methods x "
        f"{a['api_detailed_metrics_per_method']}, in the hours each is called)", u["api_metric_months"],
        "cloudwatch_custom_metrics", "assumption", "MetricsEnabled on every method; billed only in hours it is called")
    add(table, "DynamoDB", "write request units (transactions double; index writes included)", u["write_units"],
        "dynamodb_write_request_units", "measured", "requests per call measured in bench/results; units assumed")
    add(table, "DynamoDB", "read request units", u["read_units"], "dynamodb_read_request_units", "measured")
    projections = sorted({i.projection for i in inv.indexes})
    add(table, "DynamoDB", f"storage ({len(inv.indexes)} indexes, projections {projections})", u["table_gb"],
        "dynamodb_storage", "assumption", f"the table after {profile['months_of_data']} months; audit entry and "
        "patient sizes measured (item_sizes.json), the rest assumed")
    add(table, "DynamoDB", "point-in-time recovery", u["table_gb"] if inv.pitr else 0, "dynamodb_pitr", "assumption",
        "on in the template; the table's size assumed")
    rules = ", ".join(f"{r.name} kept {r.keep_days:g} d" for r in inv.backup_rules)
    add(backup, "AWS Backup", f"recovery points: {rules}", u["backup_gb_months"], "dynamodb_backup_storage",
        "assumption", "rules from the template; each backup a full copy of the table, whose size is assumed")
    add(backup, "AWS Backup", "recovery points in cold storage", u["backup_cold_gb_months"],
        "dynamodb_backup_cold_storage", "assumption")
    ack_every, remit_every = claim_poll_hours()
    add("AWS::StepFunctions::StateMachine", "Step Functions", f"state transitions (claim workflow polls every "
        f"{ack_every:g} h, then every {remit_every:g} h)", u["transitions"], "step_functions_standard_transitions",
        "assumption", "path lengths and the claim workflow's Waits from statemachines/*.asl.json")
    add("AWS::Events::EventBus", "EventBridge", "custom events (outbox)", u["events"], "eventbridge_custom_events",
        "assumption")
    add("AWS::SQS::Queue", "SQS", f"requests ({inv.queues} dead-letter queues)",
        a["dead_letter_messages"] * 3 * inv.queues, "sqs_requests", "assumption", "empty in normal running")
    add("AWS::SNS::Topic", "SNS", f"publishes ({inv.topics} topics)", u["sns_publishes"], "sns_publishes",
        "assumption")
    add("AWS::SES::ConfigurationSet", "SES", "emails (carriage)", u["emails"] if inv.ses_configuration_sets else 0,
        "ses_emails", "profile")
    add("AWS::SNS::Topic", "SNS SMS", "text messages (carriage)", profile["sms"], "sms_us", "profile")
    rotations = min(2, int(profile["months_of_data"] // 12))
    add("AWS::KMS::Key", "KMS", f"customer managed keys ({inv.kms_keys}, rotated yearly: {rotations} rotation(s) "
        "billed)", inv.kms_keys * (1 + rotations), "kms_keys", "template")
    add("AWS::KMS::Key", "KMS", "requests (table keys re-fetched per caller after 5 idle minutes)",
        u["kms_requests"], "kms_requests", "assumption")
    add("AWS::SecretsManager::Secret", "Secrets Manager", "secrets", inv.secrets, "secrets_manager_secrets",
        "template")
    add("AWS::SecretsManager::Secret", "Secrets Manager", "GetSecretValue (once per cold start)",
        u["cold_starts"] * (inv.secrets > 0), "secrets_manager_calls", "assumption")
    add("AWS::Logs::LogGroup AWS::StepFunctions::StateMachine", cw, "logs ingested (Lambda, API access log, "
        "Step Functions)", u["lambda_log_gb"] + u["access_log_gb"] + u["state_machine_log_gb"],
        "cloudwatch_logs_ingestion", "assumption")
    add("AWS::Logs::LogGroup", cw, "logs stored (retention from the template)", u["log_stored_gb"],
        "cloudwatch_logs_storage", "assumption")
    add("AWS::CloudWatch::Alarm", cw, "alarm metrics (standard resolution)", inv.alarm_metrics,
        "cloudwatch_alarm_metrics", "template")
    add("AWS::CloudWatch::Alarm", cw, "alarm metrics (high resolution)", inv.high_resolution_alarm_metrics,
        "cloudwatch_high_resolution_alarm_metrics", "template")
    add("AWS::CloudWatch::Alarm", cw, "Metrics Insights query alarms (metrics analyzed)",
        inv.insights_query_alarms * a["metrics_analyzed_per_insights_alarm"], "cloudwatch_insights_alarm_metrics",
        "assumption", "the query reads metrics a service sends only when not zero (EventBridge FailedInvocations)")
    add("AWS::CloudWatch::CompositeAlarm", cw, "composite alarms", inv.composite_alarms,
        "cloudwatch_composite_alarms", "template")
    add("AWS::CloudWatch::Dashboard", cw, "dashboards", inv.dashboards, "cloudwatch_dashboards", "template")
    add(fn, cw, "EMF metrics from the code (in the hours each is sent)", u["custom_metric_months"],
        "cloudwatch_custom_metrics", "assumption", "names read from functions/; hours per metric assumed")
    add(f"{fn} AWS::ApiGateway::Stage", "X-Ray", "traces recorded (Active tracing)", u["traces"],
        "xray_traces_recorded", "assumption", "the API stage's and the workflows' sampling rules from the template; "
        "functions that others do not invoke at Lambda's default")
    add("AWS::S3::Bucket", "S3", "storage", inv.buckets * a["evidence_bucket_gb"], "s3_standard_storage",
        "assumption")
    add("AWS::S3::Bucket", "S3", "PUT requests", inv.buckets * a["evidence_bucket_puts"], "s3_put_requests",
        "assumption")
    add("AWS::WAFv2::WebACL", "WAF", "web ACLs", inv.web_acls, "waf_web_acls", "template")
    add("AWS::WAFv2::WebACL", "WAF", "rules", inv.web_acl_rules, "waf_rules", "template")
    add("AWS::WAFv2::WebACL", "WAF", "requests inspected", u["api_calls"] * (inv.web_acls > 0), "waf_requests",
        "profile")
    plans = {"LITE": "cognito_lite_mau", "ESSENTIALS": "cognito_essentials_mau", "PLUS": "cognito_plus_mau"}
    for plan in inv.user_pool_plans:
        add("AWS::Cognito::UserPool", "Cognito", f"monthly active users ({plan} plan)", u["mau"],
            plans.get(plan, "cognito_essentials_mau"), "profile", "patients signing in, staff and practitioners")
    return out


def priced(items: list[tuple[Line, set[str]]], prices: dict) -> list[dict]:
    """USD per line, list price and after the always-free tier (shared out over the lines of one price)."""
    totals: dict[str, float] = {}
    for line, _types in items:
        totals[line.price] = totals.get(line.price, 0) + line.quantity
    rows = []
    for line, types in items:
        price = prices[line.price]
        usd = line.quantity / price["per"] * price["usd"]
        free = price.get("free_per_month", 0)
        share = line.quantity / totals[line.price] if totals[line.price] else 0
        billable = max(0.0, totals[line.price] - free) * share
        rows.append({"service": line.service, "item": line.item, "quantity": round(line.quantity, 3),
                     "unit": price["unit"], "unit_price_usd": price["usd"], "per": price["per"],
                     "usd": round(usd, 4), "usd_after_free_tier": round(billable / price["per"] * price["usd"], 4),
                     "basis": line.basis, "in_target": line.price not in CARRIAGE_AND_WAF,
                     "price_read_today": not price["seen"].startswith("assumption"),
                     "from": sorted(types), **({"note": line.note} if line.note else {})})
    return sorted(rows, key=lambda r: -r["usd"])


def totals(rows: list[dict]) -> dict[str, float]:
    return {"usd": round(sum(r["usd"] for r in rows), 2),
            "usd_after_free_tier": round(sum(r["usd_after_free_tier"] for r in rows), 2),
            "target_usd": round(sum(r["usd"] for r in rows if r["in_target"]), 2),
            "target_usd_after_free_tier": round(sum(r["usd_after_free_tier"] for r in rows if r["in_target"]), 2)}


def price_profile(inv: Inventory, name: str, profiles: dict, prices: dict, m: dict,
                  assumptions: dict | None = None) -> tuple[list[dict], dict[str, float]]:
    a = assumptions or {k: v["value"] for k, v in profiles["assumptions"].items()}
    profile = profiles["profiles"][name]
    u = month(profile, a, inv, m, group=name == "group")
    return priced(lines(inv, u, a, profile), prices["prices"]), u
