"""AWS Backup from the stage's context: nothing by default; `practiceflow:backup-vault-lock` locks the vault in
compliance mode after a grace period, within a range that holds every recovery point the plan makes;
`practiceflow:backup-copy-region` with `practiceflow:backup-copy-vault-arn` copies each monthly recovery point to
the operator's vault in that region, kept and cooled as the original is."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from infra.app import DEFAULT_SENDER, OPTION_CONTEXTS
from infra.catalog import CATALOG
from infra.options import BackupCopy, VaultLock, stage_options
from infra.stacks.data import DataStack

pytestmark = pytest.mark.xdist_group("infra")

COPY_VAULT = "arn:aws:backup:us-west-2:123456789012:backup-vault:practiceflow-copies"
LOCK = "practiceflow:backup-vault-lock"
REGION = "practiceflow:backup-copy-region"
VAULT = "practiceflow:backup-copy-vault-arn"


def data_template(context: dict, stage: str = "prod", region: str = "us-east-1") -> dict:
    """The data stack alone (no functions to package), built with the stage's options as the app builds it."""
    app = cdk.App(analytics_reporting=False)
    stack = DataStack(app, "Data", catalog=CATALOG, stage=stage, sender=DEFAULT_SENDER,
                      options=stage_options(context, stage),
                      env=cdk.Environment(account="123456789012", region=region))
    return Template.from_stack(stack).to_json()


def only(template: dict, kind: str) -> dict:
    (found,) = [r["Properties"] for r in template["Resources"].values() if r["Type"] == kind]
    return found


def rules(template: dict) -> dict[str, dict]:
    return {r["RuleName"]: r for r in only(template, "AWS::Backup::BackupPlan")["BackupPlan"]["BackupPlanRule"]}


def test_the_operator_sets_the_backup_options_through_the_apps_context():
    assert {LOCK, REGION, VAULT} <= set(OPTION_CONTEXTS)


def test_nothing_is_locked_or_copied_by_default(synthesized):
    (vault,) = synthesized.resources("Data", "AWS::Backup::BackupVault").values()
    assert "LockConfiguration" not in vault["Properties"]
    (plan,) = synthesized.resources("Data", "AWS::Backup::BackupPlan").values()
    assert all("CopyActions" not in rule for rule in plan["Properties"]["BackupPlan"]["BackupPlanRule"])


def test_a_locked_vault_keeps_recovery_points_within_the_range_and_is_fixed_after_the_grace_period():
    template = data_template({LOCK: {"prod": "min-days=7,max-days=3650,changeable-for-days=5"}})
    assert only(template, "AWS::Backup::BackupVault")["LockConfiguration"] == {
        "MinRetentionDays": 7, "MaxRetentionDays": 3650, "ChangeableForDays": 5}
    assert "LockConfiguration" not in only(data_template({LOCK: {"prod": True}}, stage="dev"),
                                           "AWS::Backup::BackupVault")


def test_true_locks_with_the_plans_own_range_and_three_days_grace():
    assert stage_options({LOCK: True}, "prod").backup_vault_lock == VaultLock(7, 3650, 3)
    assert stage_options({LOCK: {"min-days": 1, "max-days": 4000}}, "any").backup_vault_lock == VaultLock(1, 4000, 3)


@pytest.mark.parametrize("lock", ["min-days=8", "max-days=3000"])
def test_a_lock_that_would_refuse_the_plans_own_recovery_points_is_refused(lock):
    with pytest.raises(ValueError, match="must hold the plan's recovery points"):
        data_template({LOCK: lock})


@pytest.mark.parametrize("lock, problem", [
    ("changeable-for-days=2", "at least 3"), ("min-days=9,max-days=8", "min-days <= max-days"),
    ("min-days=seven", "whole numbers"), ("retention=7", "only"), ("min-days", "write min-days")])
def test_a_malformed_lock_is_refused_with_what_to_write(lock, problem):
    with pytest.raises(ValueError, match=problem):
        stage_options({LOCK: lock}, "prod")


def test_monthly_recovery_points_are_copied_to_the_vault_in_the_other_region():
    template = data_template({REGION: {"prod": "us-west-2"}, VAULT: {"prod": COPY_VAULT}})
    by_name = rules(template)
    assert by_name["Monthly"]["CopyActions"] == [{
        "DestinationBackupVaultArn": COPY_VAULT,
        "Lifecycle": {"DeleteAfterDays": 3650, "MoveToColdStorageAfterDays": 90}}]
    assert "CopyActions" not in by_name["Daily"]  # a week of dailies is no disaster copy
    assert stage_options({REGION: "us-west-2", VAULT: COPY_VAULT}, "x").backup_copy == BackupCopy("us-west-2",
                                                                                                  COPY_VAULT)


@pytest.mark.parametrize("context, problem", [
    ({REGION: "us-west-2"}, "go together"), ({VAULT: COPY_VAULT}, "go together"),
    ({REGION: "eu-west-1", VAULT: COPY_VAULT}, "not in eu-west-1"),
    ({REGION: "mars-1", VAULT: COPY_VAULT}, "not a region"),
    ({REGION: "us-west-2", VAULT: "arn:aws:s3:::bucket"}, "not a backup vault ARN")])
def test_a_copy_needs_a_region_and_a_vault_there(context, problem):
    with pytest.raises(ValueError, match=problem):
        stage_options(context, "prod")


def test_a_copy_to_the_stacks_own_region_is_refused():
    with pytest.raises(ValueError, match="this stack's own"):
        data_template({REGION: "us-west-2", VAULT: COPY_VAULT}, region="us-west-2")
