"""What PracticeFlow costs a month on AWS: the synthesized templates, a usage profile (the issue's clinic and a
50-practitioner group) and the checked-in us-east-1 price table, priced line by line, with the changes that would
lower it re-priced the same way. `python -m bench.cost [--cdk-out DIR]` writes bench/results/cost.json; without
--cdk-out it synthesizes the app (placeholder layer, about 10 s). The parts are in bench/pricing/: inventory.py
(what the templates hold that is billable), usage.py (a month of use), bill.py (line items and prices),
changes.py (what would lower it, what the rest of issue #15 adds), prices.json and profiles.json."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import date
from pathlib import Path

from bench.pricing.bill import PRICES, PROFILES, price_profile, totals
from bench.pricing.changes import coming, savings
from bench.pricing.inventory import Inventory, resource_types, unpriced
from bench.pricing.usage import load, measured
from bench.support import RESULTS

STAGE = "prod"


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
    """cost.json for these templates; a resource type the model does not know stops it."""
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
    result["stage_options_after_those_changes"] = coming(inv, profiles, prices, m)
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
    for row in result["stage_options_after_those_changes"]:
        clinic = row["clinic_with_this_and_above"]
        print(f"  clinic ${clinic['target_usd_after_free_tier']:6.2f} (list ${clinic['target_usd']:6.2f}) "
              f"adding: {row['adds']}")


if __name__ == "__main__":
    main(sys.argv[1:])
