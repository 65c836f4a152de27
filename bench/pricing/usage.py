"""A month of use, from a profile: API calls, DynamoDB units, Lambda invocations and GB-s, workflow transitions,
logs and metrics, read from the templates' settings (`Inventory`), the profile's assumptions and what other
benches measured (bench/results)."""

from __future__ import annotations

import ast
import fnmatch
import functools
import json
import math
from pathlib import Path

from bench.pricing.inventory import DAYS_PER_MONTH, HOURS_PER_MONTH, BackupRule, Inventory
from bench.support import RESULTS, ROOT


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def measured() -> dict:
    """The numbers earlier benches measured that this model reads."""
    results = {name: load(RESULTS / f"{name}.json") for name in ("dynamodb_requests", "claims", "leave_requests",
                                                                  "workshop_audience", "cold_start", "slot_search",
                                                                  "item_sizes")}
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
        "item_sizes": results["item_sizes"]["kinds"],
        "slot_search": {"practitioners": results["slot_search"]["practitioners"], "queries": search["requests"],
                        "items_read": search["items_read"]},
    }


CLAIM_WORKFLOW = ROOT / "statemachines" / "claim_submission.asl.json"


@functools.cache
def claim_poll_hours() -> tuple[float, float]:
    """How long the claim workflow waits between asks for the acknowledgement and for the 835 (its ASL's Waits)."""
    states = load(CLAIM_WORKFLOW)["States"]
    return states["WaitForAck"]["Seconds"] / 3600, states["WaitForRemit"]["Seconds"] / 3600


def month(profile: dict, a: dict, inv: Inventory, m: dict, group: bool) -> dict[str, float]:
    """Monthly quantities every line item is priced from."""
    u: dict[str, float] = {}
    ack_every, remit_every = claim_poll_hours()
    # a claim asks until the answer is there: the last ask finds it
    u["claim_ack_polls"] = math.ceil(a["claim_ack_hours"] / ack_every)
    u["claim_remit_polls"] = math.ceil(a["claim_remit_days"] * 24 / remit_every)
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
    polls = u["claim_ack_polls"] + u["claim_remit_polls"]
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
    # The table after `months_of_data`. Each item and each index copy carries 100 bytes of overhead; an
    # ALL-projected index stores the whole item again, a KEYS_ONLY/INCLUDE one its keys and a few attributes.
    all_projected = any(i.projection == "ALL" for i in inv.indexes)

    def stored(item_bytes: float, indexes: float) -> float:
        copy = item_bytes + 100 if all_projected else a["index_copy_bytes_not_all"]
        return item_bytes + 100 + indexes * copy

    audit, patient = m["item_sizes"]["AUDIT_ENTRY"], m["item_sizes"]["PATIENT"]
    other = a["indexes_per_item"]
    growth = (u["audit_entries"] * stored(audit["mean_bytes"], audit["mean_indexes"])
              + u["appointments"] * stored(a["bytes_per_appointment"], other)
              + u["claims"] * stored(a["bytes_per_claim"], other)
              + u["messages"] * stored(a["bytes_per_message"], other)) / 1e9
    base = profile["patients"] * stored(patient["mean_bytes"], patient["mean_indexes"]) / 1e9
    months = profile["months_of_data"]
    u["table_gb_growth_per_month"] = growth
    u["table_gb"] = base + growth * months
    u["backup_gb_months"], u["backup_cold_gb_months"] = _backups(inv.backup_rules, base, growth, months)


def _lambda(u: dict, profile: dict, a: dict, inv: Inventory, m: dict, runs_by_target: dict[str, float]) -> None:
    """Per function: API calls spread by area, workflow steps, scheduled runs, messages and outbox batches; INIT
    billed at the import time measured for that handler."""
    task_runs = {"billing": u["claims"] * (6 + u["claim_ack_polls"] + u["claim_remit_polls"] + 2),
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
    # the API stage and the workflows decide by the sampling rules; a function they invoke follows them, any other
    # traced function samples by Lambda's own default
    default = a["xray_sampled_share"]
    api_share = sampled_share(inv, f"{inv.api_name}/{inv.stage_name}", default) if inv.stage_traced else default
    workflow_share = sampled_share(inv, next(iter(inv.state_machines), ""), default)
    traced_api = inv.stage_traced or any(f.traced for f in inv.functions if f.kind == "api")
    u["traces"] = (api_share * u["api_calls"] if traced_api else 0) + sum(
        n * (workflow_share if f.kind == "tasks" else default)
        for f, n in invocations.items() if f.traced and f.kind != "api")


def sampled_share(inv: Inventory, service: str, default: float) -> float:
    """The share of a service's requests traced: its highest-priority matching rule's fixed rate when the rule
    keeps no per-second reservoir (at a practice's pace a reservoir of one traces nearly everything), else the
    default rule's."""
    rules = sorted((r for r in inv.sampling_rules if fnmatch.fnmatchcase(service, r.service_name)),
                   key=lambda r: r.priority)
    return rules[0].fixed_rate if rules and rules[0].reservoir_size == 0 else default


def _workflows(u: dict, profile: dict, a: dict, inv: Inventory, runs_by_target: dict[str, float]) -> None:
    """Transitions along each workflow's usual path (statemachines/*.asl.json) and the logs they write."""
    claim = 6 + 3 * u["claim_ack_polls"] + 3 * u["claim_remit_polls"] + 3  # each poll: Wait, Task, Choice
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


# Sent by the operations watcher every run, zeros too: its alarms read a missing point as a stopped watcher.
ALWAYS_SENT = ("ParkedMessages", "JobsOverdue")
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
            if a.get("job_metrics_only_when_not_zero") and name not in ALWAYS_SENT:
                hours = min(hours, a["custom_metric_hours_event_driven"])
        elif any(word in name for word in RARE_METRICS):
            hours = a["custom_metric_hours_rare"]
        else:
            hours = min(a["custom_metric_hours_event_driven"], open_hours)
        found.append((f"{module}:{name}", hours))
    # the business numbers (functions/core/business.py), sent by name or counted from events: gauges once a day
    from functions.core.business import BUSINESS_METRICS

    found += [(f"functions.core.business:{m.name}",
               DAYS_PER_MONTH if m.gauge else min(a["custom_metric_hours_event_driven"], open_hours))
              for m in BUSINESS_METRICS]
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
