"""What PracticeFlow costs a month on AWS: the synthesized templates (bench/pricing/inventory.py reads them), a
usage profile (bench/pricing/profiles.json: the issue's clinic and a 50-practitioner group) and the checked-in
us-east-1 price table (bench/pricing/prices.json, each price with its source and date) priced line by line, with the
changes that would lower it re-priced the same way. `python -m bench.cost [--cdk-out DIR]` writes
bench/results/cost.json; without --cdk-out it synthesizes the app (placeholder layer, about 10 s)."""

from __future__ import annotations

import argparse
import ast
import copy
import functools
import json
import math
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from bench.pricing.inventory import DAYS_PER_MONTH, HOURS_PER_MONTH, BackupRule, Inventory, resource_types, unpriced
from bench.support import RESULTS, ROOT

PRICES = ROOT / "bench" / "pricing" / "prices.json"
PROFILES = ROOT / "bench" / "pricing" / "profiles.json"
STAGE = "prod"
CARRIAGE_AND_WAF = {"ses_emails", "sms_us", "waf_web_acls", "waf_rules", "waf_requests"}


@dataclass(frozen=True)
class Line:
    service: str
    item: str
    quantity: float
    price: str  # key in prices.json
    basis: str  # "template", "profile", "measured" or "assumption": what the quantity rests on
    note: str = ""


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def measured() -> dict:
    """The numbers earlier benches measured that this model reads."""
    results = {name: load(RESULTS / f"{name}.json") for name in
               ("dynamodb_requests", "claims", "leave_requests", "workshop_audience", "cold_start", "slot_search")}
    warm = [row for name, row in results["dynamodb_requests"].items() if "warm" in name]
    reads = sum(n for row in warm for op, n in row["by_operation"].items() if op in ("Query", "GetItem")) / len(warm)
    booked = max(results["slot_search"]["booked"], key=int)
    search = results["slot_search"]["booked"][booked]["all practitioners, best first"]
    return {
        "reads_per_api_call": reads,
        "claim_lifecycle": results["claims"]["dynamodb_requests"]["by_operation"],
        "claim_steps": results["claims"]["dynamodb_requests"]["by_step"],
        "leave_request": results["leave_requests"]["by_operation"],
        "workshop": results["workshop_audience"],
        "import_ms": {module: row["import_ms"] for module, row in results["cold_start"]["handlers"].items()},
        "slot_search": {"practitioners": results["slot_search"]["practitioners"], "queries": search["requests"],
                        "items_read": search["items_read"]},
    }


# --- the month, from the profile ------------------------------------------------------------------------------

def month(profile: dict, a: dict, inv: Inventory, m: dict, group: bool) -> dict[str, float]:
    """Monthly quantities every line item is priced from."""
    u: dict[str, float] = {}
    u["appointments"] = profile["appointments_per_day"] * profile["clinic_days_per_month"]
    u["claims"] = profile["claims_per_week"] * 52 / 12
    u["open_hours"] = profile["open_hours_per_day"] * profile["clinic_days_per_month"]
    u["closed_hours"] = HOURS_PER_MONTH - u["open_hours"]
    users = profile["staff_users"] + profile["practitioners"]
    reminders = profile["reminder_emails"] + profile["sms"]
    u["api_calls"] = (u["appointments"] * a["api_calls_per_appointment"]
                      + u["claims"] * a["api_calls_per_claim"]
                      + profile["patients_signing_in"] * a["api_calls_per_patient_sign_in"]
                      + users * u["open_hours"] * a["staff_api_calls_per_user_open_hour"]
                      + reminders * a["reminder_link_opens"] * 2)
    u["audit_entries"] = u["api_calls"] * a["api_audited_share"]
    u["changes"] = u["api_calls"] * a["api_change_share"]
    u["messages"] = reminders + profile["other_emails"]
    u["mau"] = profile["patients_signing_in"] + users
    u["emails"] = profile["reminder_emails"] + profile["other_emails"]
    runs_by_target: dict[str, float] = {}
    for _name, runs, target in inv.schedules:
        runs_by_target[target] = runs_by_target.get(target, 0) + runs
    _dynamodb(u, profile, a, inv, m)
    _lambda(u, profile, a, inv, m, runs_by_target)
    _workflows(u, profile, a, inv, runs_by_target)
    _observability(u, profile, a, inv, runs_by_target, group)
    u["events"] = u["changes"] * a["events_per_change"] if inv.buses else 0.0
    u["sns_publishes"] = profile["reminder_emails"] * 0.02 + profile["sms"] * 0.02 + 20
    u["kms_requests"] = (a["kms_principals_active_per_open_hour"] * 12 * u["open_hours"] + sum(runs_by_target.values())
                         + u["cold_starts"] * a["kms_requests_per_cold_start"])
    return u


def _dynamodb(u: dict, profile: dict, a: dict, inv: Inventory, m: dict) -> None:
    """Reads per call as measured; each audit entry a two-item transaction plus its gsi1 copy; each change a
    transaction of its items and their index copies; the measured claim, leave and workshop runs on top."""
    rru = a["read_units_per_read_request"]
    polls = a["claim_ack_hours"] + a["claim_remit_days"]
    claim, leave = m["claim_lifecycle"], m["leave_request"]
    search = m["slot_search"]
    search_items = search["items_read"] * profile["practitioners"] / search["practitioners"]
    u["read_units"] = (u["api_calls"] * m["reads_per_api_call"] * rru
                       + u["appointments"] * math.ceil(search_items * 400 / 4096)
                       + u["claims"] * (claim.get("Query", 0) + claim.get("GetItem", 0) + 2 * polls) * rru
                       + profile["leave_requests"] * (leave["GetItem"] + leave["Query"]) * rru)
    u["index_write_units"] = u["audit_entries"] + u["changes"] * a["gsi_writes_per_change"]
    claim_writes = claim.get("TransactWriteItems", 0) * 2 * 2 + claim.get("PutItem", 0) + claim.get("UpdateItem", 0)
    u["write_units"] = (u["audit_entries"] * 2 * 2 + u["changes"] * a["items_per_change"] * 2 + u["index_write_units"]
                        + u["claims"] * claim_writes + profile["leave_requests"] * leave["TransactWriteItems"] * 4
                        + profile["workshop_invitations"] * 4)
    # The table after `months_of_data`: an item in an ALL-projected index is stored again there.
    all_projected = any(i.projection == "ALL" for i in inv.indexes)
    copies = 1 + a["index_copy_share" if all_projected else "index_copy_share_keys_only"]
    growth = copies * (u["audit_entries"] * a["bytes_per_audit_entry"] + u["appointments"] * a["bytes_per_appointment"]
                       + u["claims"] * a["bytes_per_claim"] + u["messages"] * a["bytes_per_message"]) / 1e9
    base = profile["patients"] * a["bytes_per_patient"] * copies / 1e9
    months = profile["months_of_data"]
    u["table_gb_growth_per_month"] = growth
    u["table_gb"] = base + growth * months
    u["backup_gb_months"], u["backup_cold_gb_months"] = _backups(inv.backup_rules, base, growth, months)


def _lambda(u: dict, profile: dict, a: dict, inv: Inventory, m: dict, runs_by_target: dict[str, float]) -> None:
    """Per function: API calls spread by area, workflow steps, scheduled runs, messages and outbox batches; INIT
    billed at the import time measured for that handler."""
    task_runs = {"billing": u["claims"] * (6 + a["claim_ack_hours"] + a["claim_remit_days"] + 2),
                 "staff": profile["leave_requests"] * 8,
                 "inventory": (profile["purchase_orders"] + _runs_of(runs_by_target, inv, "low-stock-reorder")) * 4,
                 "outreach": profile["workshops_promoted"] * 8 + profile["workshop_invitations"] / 25}
    invocations, gb_seconds, cold = {}, {}, {}
    for f in inv.functions:
        if f.kind == "api":
            n, ms = u["api_calls"] * a["api_share_by_area"].get(f.area, 0.02), a["lambda_api_ms"]
            starts = a["cold_starts_per_api_function_open_hour"] * u["open_hours"] + 0.1 * u["closed_hours"]
        elif f.kind == "tasks":
            n, ms = task_runs.get(f.area, 0), a["lambda_task_ms"]
        elif f.kind == "jobs":
            n, ms = runs_by_target.get(f.logical_id, 0), a["lambda_job_ms"] * profile["practices"]
        elif f.module.endswith("solver_worker"):
            n, ms = profile["roster_drafts"], a["solver_seconds"] * 1000
        elif f.module.endswith("outbox"):
            n, ms = u["changes"] * a["events_per_change"] / a["outbox_events_per_batch"], a["lambda_worker_ms"]
        else:  # a message worker
            n, ms = u["messages"] * 1.05, a["lambda_worker_ms"]
        if f.kind != "api":
            starts = min(n, HOURS_PER_MONTH)  # at most one a busy hour
        init_ms = m["import_ms"].get(f.module, 650) + a["cold_start_extra_ms"]
        invocations[f], cold[f] = n, starts
        gb_seconds[f] = (n * ms + starts * init_ms) / 1000 * f.memory_mb / 1024
    u["lambda_invocations"] = sum(invocations.values())
    u["cold_starts"] = sum(cold.values())
    u["lambda_arm_gb_s"] = sum(v for f, v in gb_seconds.items() if f.arm)
    u["lambda_x86_gb_s"] = sum(v for f, v in gb_seconds.items() if not f.arm)
    traced_api = inv.stage_traced or any(f.traced for f in inv.functions if f.kind == "api")
    traced = sum(n for f, n in invocations.items() if f.traced and f.kind != "api")
    u["traces"] = a["xray_sampled_share"] * ((u["api_calls"] if traced_api else 0) + traced)


def _workflows(u: dict, profile: dict, a: dict, inv: Inventory, runs_by_target: dict[str, float]) -> None:
    """Transitions along each workflow's usual path (statemachines/*.asl.json) and the logs they write."""
    claim = 6 + 3 * a["claim_ack_hours"] + 3 * a["claim_remit_days"] + 3  # each poll: Wait, Task, Choice
    reorder_runs = _runs_of(runs_by_target, inv, "low-stock-reorder") + profile["purchase_orders"]
    per_machine = {"claim-submission": u["claims"] * claim,
                   "leave-approval": profile["leave_requests"] * a["leave_transitions"],
                   "low-stock-reorder": reorder_runs * a["reorder_transitions_per_run"],
                   "workshop-promotion": profile["workshops_promoted"] * 20
                   + profile["workshop_invitations"] / 25 * a["promotion_transitions_per_invitation_batch"]}
    logged = {"ALL": 1, "ERROR": 0.02, "FATAL": 0.01}
    u["transitions"] = u["state_machine_log_gb"] = 0.0
    for name, level in inv.state_machines.items():
        n = next((v for k, v in per_machine.items() if name.endswith(k)), 0.0)
        u["transitions"] += n
        u["state_machine_log_gb"] += n * a["state_machine_log_bytes_per_transition"] * logged.get(level, 0) / 1e9


def _observability(u: dict, profile: dict, a: dict, inv: Inventory, runs_by_target: dict[str, float],
                   group: bool) -> None:
    """Logs ingested and kept for the template's retention; per-method API metrics in the hours each method is
    called; the EMF metrics the code sends."""
    u["lambda_log_gb"] = (u["lambda_invocations"] + u["cold_starts"] * 0.5) * a["log_bytes_per_invocation"] / 1e9
    u["access_log_gb"] = u["api_calls"] * a["access_log_bytes_per_request"] / 1e9 if inv.access_logged else 0.0
    months = profile["months_of_data"]
    retentions = sorted(r / DAYS_PER_MONTH if r else months for r in inv.log_groups.values()) or [0]
    kept_months = min(retentions[len(retentions) // 2], months)
    ingested = u["lambda_log_gb"] + u["access_log_gb"] + u["state_machine_log_gb"]
    u["log_stored_gb"] = ingested * kept_months * a["log_compression"]
    called = a["api_methods_called_per_open_hour_group" if group else "api_methods_called_per_open_hour"]
    method_hours = (min(inv.methods, called) * u["open_hours"]
                    + min(inv.methods, a["api_methods_called_per_closed_hour"]) * u["closed_hours"])
    metrics = method_hours * a["api_detailed_metrics_per_method"] / HOURS_PER_MONTH
    u["api_metric_months"] = metrics if inv.detailed_metrics else 0.0
    sent = emf_metrics(inv, a, runs_by_target, u["open_hours"])
    u["custom_metric_months"] = sum(hours for _name, hours in sent) / HOURS_PER_MONTH


def _runs_of(runs_by_target: dict[str, float], inv: Inventory, machine: str) -> float:
    return sum(runs for target, runs in runs_by_target.items()
               if target not in {f.logical_id for f in inv.functions} and machine.replace("-", "") in target.lower())


def _backups(rules: list[BackupRule], base: float, growth: float, months: float) -> tuple[float, float]:
    """GB-months of the recovery points each rule keeps at `months` (each a full copy of the table then)."""
    warm = cold = 0.0
    for rule in rules:
        interval = DAYS_PER_MONTH / rule.runs_per_month
        age = 0.0
        while age < min(rule.keep_days, months * DAYS_PER_MONTH):
            size = base + growth * (months - age / DAYS_PER_MONTH)
            if rule.cold_after_days is not None and age > rule.cold_after_days:
                cold += size
            else:
                warm += size
            age += interval
    return warm, cold


RARE_METRICS = ("Broken", "Failed", "Bounced", "Overdue", "Invalid", "Missed", "Uncertain", "Reused", "Over",
                "Suppressed", "Deferred")


def emf_metrics(inv: Inventory, a: dict, runs_by_target: dict[str, float],
                open_hours: float) -> list[tuple[str, float]]:
    """Every EMF metric the functions send (read from the code), with the hours a month it is sent in: a job's
    metrics in each run's hour, failures now and then, the rest in the hours requests and steps happen."""
    jobs = {f.module: min(HOURS_PER_MONTH, runs_by_target.get(f.logical_id, 0))
            for f in inv.functions if f.kind == "jobs"}
    found = []
    for module, name in _metrics_in_code(a["dynamic_metric_names"]):
        if module in jobs:
            hours = jobs[module]
            if a.get("job_metrics_only_when_not_zero"):
                hours = min(hours, a["custom_metric_hours_event_driven"])
        elif any(word in name for word in RARE_METRICS):
            hours = a["custom_metric_hours_rare"]
        else:
            hours = min(a["custom_metric_hours_event_driven"], open_hours)
        found.append((f"{module}:{name}", hours))
    return found


@functools.cache
def _metrics_in_code(dynamic_variants: int) -> tuple[tuple[str, str], ...]:
    """(module, metric name) for every `add_metric(name=...)` and `count("...")` under functions/."""
    sources = {path: path.read_text(encoding="utf-8") for path in sorted((ROOT / "functions").rglob("*.py"))}
    return tuple((".".join(path.relative_to(ROOT).with_suffix("").parts), name)
                 for path, source in sources.items() if "add_metric(" in source or "count(" in source
                 for name in _metric_names(source, dynamic_variants))


def _metric_names(source: str, dynamic_variants: int) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name))):
            continue
        called = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
        if called not in ("add_metric", "count"):
            continue
        arg = next((k.value for k in node.keywords if k.arg == "name"), node.args[0] if node.args else None)
        for choice in (arg.body, arg.orelse) if isinstance(arg, ast.IfExp) else (arg,):
            if isinstance(choice, ast.Constant) and isinstance(choice.value, str) and choice.value[:1].isupper():
                names.append(choice.value)
            elif isinstance(choice, ast.JoinedStr):  # a name built at run time: one metric per value it takes
                names += [f"{ast.unparse(choice)}#{i}" for i in range(dynamic_variants)]
    return names


# --- line items -----------------------------------------------------------------------------------------------

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
        "dynamodb_storage", "assumption", f"the table after {profile['months_of_data']} months")
    add(table, "DynamoDB", "point-in-time recovery", u["table_gb"] if inv.pitr else 0, "dynamodb_pitr", "assumption",
        "on in the template; the table's size assumed")
    rules = ", ".join(f"{r.name} kept {r.keep_days:g} d" for r in inv.backup_rules)
    add(backup, "AWS Backup", f"recovery points: {rules}", u["backup_gb_months"], "dynamodb_backup_storage",
        "assumption", "rules from the template; each backup a full copy of the table, whose size is assumed")
    add(backup, "AWS Backup", "recovery points in cold storage", u["backup_cold_gb_months"],
        "dynamodb_backup_cold_storage", "assumption")
    add("AWS::StepFunctions::StateMachine", "Step Functions", "state transitions (claim workflow polls hourly, "
        "then daily)", u["transitions"], "step_functions_standard_transitions", "assumption",
        "path lengths from statemachines/*.asl.json")
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
    add("AWS::CloudWatch::CompositeAlarm", cw, "composite alarms", inv.composite_alarms,
        "cloudwatch_composite_alarms", "template")
    add("AWS::CloudWatch::Dashboard", cw, "dashboards", inv.dashboards, "cloudwatch_dashboards", "template")
    add(fn, cw, "EMF metrics from the code (in the hours each is sent)", u["custom_metric_months"],
        "cloudwatch_custom_metrics", "assumption", "names read from functions/; hours per metric assumed")
    add(f"{fn} AWS::ApiGateway::Stage", "X-Ray", "traces recorded (Active tracing)", u["traces"],
        "xray_traces_recorded", "assumption")
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


# --- what would lower it --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    name: str
    keeps: str  # why no HIPAA-relevant control is dropped
    inventory: Callable[[Inventory], Inventory] = lambda inv: inv
    assumptions: Callable[[dict], dict] = lambda a: a


def _with(**changes) -> Callable[[Inventory], Inventory]:
    return lambda inv: replace(copy.deepcopy(inv), **changes)


def _backup(daily_days: float | None = None, cold_after: float | None = None) -> Callable[[Inventory], Inventory]:
    def change(inv: Inventory) -> Inventory:
        rules = [replace(r, keep_days=daily_days if daily_days and r.runs_per_month > 20 else r.keep_days,
                         cold_after_days=cold_after if cold_after and r.runs_per_month < 2 else r.cold_after_days)
                 for r in inv.backup_rules]
        return replace(copy.deepcopy(inv), backup_rules=rules)
    return change


def _fewer_alarm_metrics(inv: Inventory) -> Inventory:
    """One account-wide alarm where there is one per function."""
    return replace(copy.deepcopy(inv), alarm_metrics=inv.alarm_metrics - max(0, len(inv.functions) - 1))


CHANGES = (
    Change("Cognito Essentials plan instead of Plus (threat protection off)",
           "MFA stays required (TOTP is in Essentials); the password policy, admin-only sign-up and the audit "
           "trail stay. Loses compromised-credential and adaptive sign-in checks (cdk-nag AwsSolutions-COG3 then "
           "needs an acknowledgement).",
           lambda inv: replace(copy.deepcopy(inv), user_pool_plans=["ESSENTIALS"] * len(inv.user_pool_plans))),
    Change("API stage metrics without per-method detail (MetricsEnabled off)",
           "The stage's own Count/4XX/5XX/Latency stay (free), and so do the 5xx and p99 alarms; per area, "
           "Lambda's free Invocations/Errors/Duration give requests, errors and p90/p99 per area function.",
           _with(detailed_metrics=False)),
    Change("One account-wide Lambda Throttles alarm instead of one per function",
           "Every throttle still alarms; with no reserved concurrency a throttle is an account-level event anyway.",
           _fewer_alarm_metrics),
    Change("One account-wide Lambda Errors alarm instead of one per function",
           "Every function error still alarms; which function is on the dashboard and in the logs, not in the "
           "alarm's name.",
           _fewer_alarm_metrics),
    Change("Daily backups kept 7 days instead of 35 (PITR already restores any second of the last 35 days)",
           "Backups stay: PITR (35 days), daily recovery points (7 days) and monthly ones (10 years) in the vault.",
           _backup(daily_days=7)),
    Change("Monthly backups to cold storage after 90 days",
           "The same monthly recovery points, kept as long, on a cheaper tier (restores take longer).",
           _backup(cold_after=90)),
    Change("Indexes project keys and the attributes their lists show (INCLUDE) instead of ALL",
           "Same data, same encryption and backups; smaller index copies shrink storage, PITR and every backup. "
           "Adapters that read whole items from an index then fetch them (more read units, priced in).",
           lambda inv: replace(copy.deepcopy(inv), indexes=[replace(i, projection="INCLUDE") for i in inv.indexes]),
           lambda a: {**a, "read_units_per_read_request": a["read_units_per_read_request"] * 1.3}),
    Change("Claim workflow asks for the acknowledgement every 6 hours instead of hourly",
           "The workflow and its audit are unchanged; an acknowledgement is noticed up to 6 hours later.",
           assumptions=lambda a: {**a, "claim_ack_hours": a["claim_ack_hours"] / 6}),
    Change("One customer managed key for data and operations logs",
           "Everything stays encrypted with a customer managed, rotated key; only the split between data and ops "
           "keys goes.",
           lambda inv: replace(copy.deepcopy(inv), kms_keys=min(inv.kms_keys, 1))),
    Change("Scheduled jobs send their EMF metrics only when the count is not zero",
           "The same numbers on the dashboard (a missing point reads as zero); the 15-minute jobs stop paying for "
           "every hour.",
           assumptions=lambda a: {**a, "job_metrics_only_when_not_zero": True}),
    Change("The page-token signing key as an SSM SecureString parameter instead of a Secrets Manager secret",
           "Still encrypted with the customer managed key and read by the same roles; standard parameters are free.",
           _with(secrets=0)),
    Change("X-Ray sampling at 5% with no per-second reservoir",
           "Tracing stays on for every function; fewer requests traced (and fewer URLs with ids in traces).",
           assumptions=lambda a: {**a, "xray_sampled_share": 0.05}),
    Change("Step Functions logging at ERROR instead of ALL",
           "Executions keep their 90-day history in Step Functions; failures are still logged and alarmed.",
           lambda inv: replace(copy.deepcopy(inv), state_machines={k: "ERROR" for k in inv.state_machines})),
)


def savings(inv: Inventory, profiles: dict, prices: dict, m: dict) -> list[dict]:
    """Each change priced alone against today's template (largest saving for the clinic first), and the totals
    with it and every change above it applied: the first row under $10 is where the target is met."""
    base_a = {k: v["value"] for k, v in profiles["assumptions"].items()}

    def target(inventory: Inventory, assumptions: dict, name: str) -> dict[str, float]:
        return totals(price_profile(inventory, name, profiles, prices, m, assumptions)[0])

    rows = []
    for change in CHANGES:
        row: dict = {"change": change.name, "keeps": change.keeps}
        for name in profiles["profiles"]:
            before, after = target(inv, base_a, name), target(change.inventory(inv), change.assumptions(base_a), name)
            row[f"{name}_saves_usd"] = round(before["target_usd"] - after["target_usd"], 2)
            row[f"{name}_saves_usd_after_free_tier"] = round(
                before["target_usd_after_free_tier"] - after["target_usd_after_free_tier"], 2)
        rows.append((change, row))
    rows.sort(key=lambda pair: -pair[1]["clinic_saves_usd_after_free_tier"])
    combined_inv, combined_a = inv, base_a
    for change, row in rows:
        combined_inv, combined_a = change.inventory(combined_inv), change.assumptions(combined_a)
        for name in profiles["profiles"]:
            t = target(combined_inv, combined_a, name)
            row[f"{name}_with_this_and_above"] = {"target_usd": t["target_usd"],
                                                  "target_usd_after_free_tier": t["target_usd_after_free_tier"]}
    return [row for _change, row in rows]


# The rest of issue #15 adds resources this template does not have yet; priced on top of every change above, so
# the lead can see what the target has to absorb (each is an estimate of what the issue asks for).
COMING = (
    ("a CloudWatch dashboard per stage", lambda inv: replace(inv, dashboards=inv.dashboards + 1)),
    ("about 40 more alarm metrics (iterator age, failed invocations and a dead-letter queue per rule, SES bounce "
     "and complaint rates, SMS spend, failed notifications, a heartbeat per daily job)",
     lambda inv: replace(inv, alarm_metrics=inv.alarm_metrics + 40, queues=inv.queues + 13)),
    ("the audit archive bucket with Object Lock (1 GB, daily archive)",
     lambda inv: replace(inv, buckets=inv.buckets + 1)),
    ("a copy of each monthly recovery point in a second region (cold after 90 days; transfer not priced)",
     lambda inv: replace(inv, backup_rules=[*inv.backup_rules, *(replace(r, name=f"{r.name} copy")
                                                                for r in inv.backup_rules if r.runs_per_month < 2)])),
)


def coming(inv: Inventory, profiles: dict, prices: dict, m: dict) -> list[dict]:
    """What each addition costs on top of today's template with every change in CHANGES applied."""
    a = {k: v["value"] for k, v in profiles["assumptions"].items()}
    for change in CHANGES:
        inv, a = change.inventory(inv), change.assumptions(a)
    rows = []
    for name, add in COMING:
        row: dict = {"adds": name}
        for profile in profiles["profiles"]:
            before = totals(price_profile(inv, profile, profiles, prices, m, a)[0])
            after = totals(price_profile(add(copy.deepcopy(inv)), profile, profiles, prices, m, a)[0])
            row[f"{profile}_adds_usd"] = round(after["target_usd"] - before["target_usd"], 2)
            row[f"{profile}_adds_usd_after_free_tier"] = round(
                after["target_usd_after_free_tier"] - before["target_usd_after_free_tier"], 2)
        inv = add(copy.deepcopy(inv))
        for profile in profiles["profiles"]:
            t = totals(price_profile(inv, profile, profiles, prices, m, a)[0])
            row[f"{profile}_with_this_and_above"] = {"target_usd": t["target_usd"],
                                                     "target_usd_after_free_tier": t["target_usd_after_free_tier"]}
        rows.append(row)
    return rows


# --- the run --------------------------------------------------------------------------------------------------

def synthesize(stage: str = STAGE) -> dict[str, dict]:
    """The app's templates for `stage` (placeholder layer: the template is the same, the layer is not built)."""
    from infra import packaging
    from infra.app import CODE_CONTEXT, LAYER_CONTEXT, STAGE_CONTEXT, build_app

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        context = {STAGE_CONTEXT: stage, LAYER_CONTEXT: str(packaging.placeholder_layer(out / "layer")),
                   CODE_CONTEXT: str(out / "code")}
        build_app(outdir=out / "cdk.out", context=context, validate=False).app.synth()
        return read_templates(out / "cdk.out")


def read_templates(cdk_out: Path) -> dict[str, dict]:
    return {path.name.removesuffix(".template.json"): load(path) for path in sorted(cdk_out.glob("*.template.json"))}


def model(templates: dict[str, dict]) -> dict:
    gaps = unpriced(templates)
    if gaps:
        raise SystemExit(f"resource types with no price and no reason to be free: {sorted(gaps)} "
                         "(add them to bench/pricing/inventory.py)")
    inv = Inventory.read(templates)
    prices, profiles, m = load(PRICES), load(PROFILES), measured()
    result: dict = {
        "measured": str(date.today()), "command": "python -m bench.cost",
        "prices": f"bench/pricing/prices.json ({prices['region']}, collected {prices['collected']}; each price's "
                  "source and the date it was read are there)",
        "how": ("Monthly USD. `usd` is list price; `usd_after_free_tier` takes off the always-free tiers (per "
                "account: only if the account runs nothing else). `target_*` leaves out email/SMS carriage and WAF, "
                "as the issue does. `basis` says what a quantity rests on: the template, the profile, numbers "
                "measured in bench/results, or an assumption in bench/pricing/profiles.json (each with its reason)."),
        "resource_types": sorted(resource_types(templates)),
        "profiles": {},
    }
    for name, profile in profiles["profiles"].items():
        rows, u = price_profile(inv, name, profiles, prices, m)
        result["profiles"][name] = {"described": profile["described"], **totals(rows),
                                    "derived": {k: round(v, 3) for k, v in u.items()}, "lines": rows}
    result["changes_to_reach_10_usd"] = savings(inv, profiles, prices, m)
    result["rest_of_issue_15_after_those_changes"] = coming(inv, profiles, prices, m)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cost", description=__doc__)
    parser.add_argument("--cdk-out", type=Path, help="read the templates from this cdk.out instead of synthesizing")
    args = parser.parse_args(argv or [])  # `./practice bench cost` calls main() with its own argv in sys.argv
    templates = read_templates(args.cdk_out) if args.cdk_out else synthesize()
    result = model(templates)
    (RESULTS / "cost.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for name, profile in result["profiles"].items():
        print(f"{name}: ${profile['usd']:.2f} a month list (${profile['target_usd']:.2f} without carriage and WAF; "
              f"${profile['target_usd_after_free_tier']:.2f} after the always-free tiers)")
        for row in profile["lines"][:10]:
            print(f"  {row['usd']:8.2f}  {row['service']}: {row['item']}")
    for row in result["changes_to_reach_10_usd"]:
        clinic = row["clinic_with_this_and_above"]
        print(f"  clinic ${clinic['target_usd_after_free_tier']:6.2f} (list ${clinic['target_usd']:6.2f}) "
              f"after: {row['change']}")
    for row in result["rest_of_issue_15_after_those_changes"]:
        clinic = row["clinic_with_this_and_above"]
        print(f"  clinic ${clinic['target_usd_after_free_tier']:6.2f} (list ${clinic['target_usd']:6.2f}) "
              f"adding: {row['adds']}")


if __name__ == "__main__":
    main(sys.argv[1:])
