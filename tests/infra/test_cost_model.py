"""The cost model (bench/cost.py) stays in step with the synthesized template: every resource type is priced or
free for a stated reason, every priced type reaches a line item, and a change to the template changes the price."""

from __future__ import annotations

import copy

import pytest

from bench import cost
from bench.pricing.bill import PRICES, PROFILES, price_profile
from bench.pricing.inventory import FREE, PRICED, Inventory, resource_types, runs_per_month, unpriced
from bench.pricing.usage import load, measured

pytestmark = pytest.mark.xdist_group("infra")


def clinic_rows(templates: dict[str, dict]) -> list[dict]:
    return price_profile(Inventory.read(templates), "clinic", load(PROFILES), load(PRICES), measured())[0]


def usd(rows: list[dict], service: str, item_starts: str) -> float:
    return sum(r["usd"] for r in rows if r["service"] == service and r["item"].startswith(item_starts))


def test_every_resource_type_in_the_template_is_priced_or_free_with_a_reason(synthesized):
    assert unpriced(synthesized.templates) == set()
    assert all(len(reason) > 10 for reason in {**PRICED, **FREE}.values())


def test_a_new_billable_resource_type_without_a_price_fails_the_model(synthesized):
    templates = copy.deepcopy(synthesized.templates)
    templates["Data"]["Resources"]["Reports"] = {"Type": "AWS::RDS::DBInstance", "Properties": {}}

    assert unpriced(templates) == {"AWS::RDS::DBInstance"}
    with pytest.raises(SystemExit, match="AWS::RDS::DBInstance"):
        cost.model(templates)


def test_every_priced_type_in_the_template_reaches_a_line_item(synthesized):
    rows = clinic_rows(synthesized.templates)
    reached = {kind for row in rows for kind in row["from"]}

    assert {kind for kind in resource_types(synthesized.templates) if kind in PRICED} <= reached
    assert all(row["usd"] >= 0 for row in rows)


def test_every_price_names_its_source_and_where_it_was_read():
    prices = load(PRICES)["prices"]

    assert all(p["source"].startswith("https://aws.amazon.com/") and p["seen"] and p["usd"] > 0
               for p in prices.values())
    assert len(clinic_rows({})) > 20  # every line's price key is in the table (a missing one raises KeyError)


def test_one_more_alarm_or_key_in_the_template_costs_more(synthesized):
    before = clinic_rows(synthesized.templates)
    templates = copy.deepcopy(synthesized.templates)
    resources = templates["Service"]["Resources"]
    resources["AnotherAlarm"] = {"Type": "AWS::CloudWatch::Alarm",
                                 "Properties": {"MetricName": "Errors", "Period": 300}}
    resources["AnotherKey"] = {"Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": True}}
    after = clinic_rows(templates)

    alarms, keys = ("CloudWatch", "alarm metrics (standard"), ("KMS", "customer managed keys")
    assert usd(after, *alarms) - usd(before, *alarms) == pytest.approx(0.10)
    assert usd(after, *keys) - usd(before, *keys) == pytest.approx(2.0)  # a key-month and its first rotation


def test_the_user_pool_is_priced_at_its_feature_plan(synthesized):
    pools = [r for t in synthesized.templates.values() for r in t["Resources"].values()
             if r["Type"] == "AWS::Cognito::UserPool"]
    plan = pools[0]["Properties"].get("UserPoolTier", "ESSENTIALS")
    cognito = [r for r in clinic_rows(synthesized.templates) if r["service"] == "Cognito"]

    assert [r["item"] for r in cognito] == [f"monthly active users ({plan.upper()} plan)"]


def test_the_sampling_rule_sets_how_many_workflow_requests_are_traced(synthesized):
    traced = usd(clinic_rows(synthesized.templates), "X-Ray", "traces")
    templates = copy.deepcopy(synthesized.templates)
    for resource in templates["Service"]["Resources"].values():
        if resource["Type"] == "AWS::XRay::SamplingRule":
            resource["Properties"]["SamplingRule"]["ReservoirSize"] = 1  # one a second: nearly all, at this pace

    assert usd(clinic_rows(templates), "X-Ray", "traces") > traced


@pytest.mark.parametrize(("expression", "runs"), [
    ("rate(15 minutes)", 2920.0),
    ("rate(1 hour)", 730.0),
    ("cron(15 3 * * ? *)", 30.42),
    ("cron(45 3 ? * SUN *)", 30.42 / 7),
    ("cron(0 * 1 * ? *)", 24.0),
    ("cron(0 5 1 * ? *)", 1.0),
])
def test_schedules_fire_as_often_as_their_expression_says(expression, runs):
    assert runs_per_month(expression) == pytest.approx(runs)
