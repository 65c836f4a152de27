"""What would lower the bill, and what the rest of issue #15 will add: each a change to the template's settings
(or to an assumption) priced by the same model, so the savings and additions are the model's, not guesses."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, replace

from bench.pricing.bill import price_profile, totals
from bench.pricing.inventory import Inventory


@dataclass(frozen=True)
class Change:
    name: str
    keeps: str  # why no HIPAA-relevant control is dropped
    inventory: Callable[[Inventory], Inventory] = lambda inv: inv
    assumptions: Callable[[dict], dict] = lambda a: a


def _with(**changes) -> Callable[[Inventory], Inventory]:
    return lambda inv: replace(copy.deepcopy(inv), **changes)


CHANGES = (
    Change("Indexes project keys and the attributes their lists show (INCLUDE) instead of ALL",
           "Same data, same encryption and backups; smaller index copies shrink storage, PITR and every backup. "
           "Adapters that read whole items from an index then fetch them (more read units, priced in).",
           lambda inv: replace(copy.deepcopy(inv), indexes=[replace(i, projection="INCLUDE") for i in inv.indexes]),
           lambda a: {**a, "read_units_per_read_request": a["read_units_per_read_request"] * 1.3}),
    Change("Scheduled jobs send their EMF metrics only when the count is not zero",
           "The same numbers on the dashboard (a missing point reads as zero); the 15-minute jobs stop paying for "
           "every hour. Not the watcher's two: their alarms read a missing point as a stopped watcher.",
           assumptions=lambda a: {**a, "job_metrics_only_when_not_zero": True}),
    Change("The page-token signing key as an SSM SecureString parameter instead of a Secrets Manager secret",
           "Still encrypted with the customer managed key and read by the same roles; standard parameters are free. "
           "CloudFormation cannot create a SecureString, so a deploy step (or a custom resource) writes it.",
           _with(secrets=0)),
    Change("Step Functions logging at ERROR instead of ALL",
           "Executions keep their 90-day history in Step Functions; failures are still logged and alarmed. Needs an "
           "AwsSolutions-SF1 acknowledgement for a few cents: not worth doing.",
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


# What a stage's options add to the default template; priced on top of every change above (an estimate each).
COMING = (
    ("a copy of each monthly recovery point in a second region, when the stage turns it on "
     "(practiceflow:backup-copy-region; cold after 90 days; transfer not priced)",
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
