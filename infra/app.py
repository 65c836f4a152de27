"""The CDK app: the catalogue's stacks for one stage. `python -m infra.app` is what cdk.json runs;
`synth()` is the same for scripts (`practice synth`), with the real dependency layer and cdk-nag on."""

from __future__ import annotations

import os

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")  # before jsii starts

from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import aws_cdk as cdk  # noqa: E402
from aws_cdk import cx_api  # noqa: E402
from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks  # noqa: E402

from functions.core.settings import SIMULATOR_STAGES  # noqa: E402
from infra import packaging  # noqa: E402
from infra.catalog import CATALOG, Catalog  # noqa: E402
from infra.options import (  # noqa: E402
    ALARM_EMAILS_CONTEXT,
    ALARM_WEBHOOK_CONTEXT,
    BACKUP_COPY_REGION_CONTEXT,
    BACKUP_COPY_VAULT_CONTEXT,
    BACKUP_VAULT_LOCK_CONTEXT,
    CORS_ORIGINS_CONTEXT,
    SIGN_IN_CONTEXTS,
    SMS_SPEND_CONTEXT,
    WAF_CONTEXT,
    WAF_RATE_LIMIT_CONTEXT,
    stage_options,
)
from infra.stacks.api import ApiStack  # noqa: E402
from infra.stacks.data import DataStack  # noqa: E402
from infra.stacks.monitoring import MonitoringStack  # noqa: E402
from infra.stacks.service import ServiceStack  # noqa: E402

DEFAULT_STAGE = "dev"
STAGE_CONTEXT = "stage"
# "build" (default): pip-install the runtime dependencies into a cached layer; "placeholder": a tiny stand-in
# for tests that only read the template; anything else: a path to a prepared layer directory.
LAYER_CONTEXT = "practiceflow:layer"
CODE_CONTEXT = "practiceflow:code"  # where to stage the functions/ asset (default build/code)
# The From of notification email; its domain must be a verified SES identity in the account.
SENDER_CONTEXT = "practiceflow:sender"
# per stage, what operators set (infra/options.py): browser origins, who alarms reach, the SMS spend alarm, WAF,
# the backups' lock and copy, the hosted sign-in
OPTION_CONTEXTS = (CORS_ORIGINS_CONTEXT, ALARM_EMAILS_CONTEXT, ALARM_WEBHOOK_CONTEXT, SMS_SPEND_CONTEXT, WAF_CONTEXT,
                   WAF_RATE_LIMIT_CONTEXT, BACKUP_VAULT_LOCK_CONTEXT, BACKUP_COPY_REGION_CONTEXT,
                   BACKUP_COPY_VAULT_CONTEXT, *SIGN_IN_CONTEXTS)
DEFAULT_SENDER = "PracticeFlow <notifications@practiceflow.local>"  # = core.settings' notifications_sender


@dataclass(frozen=True)
class PracticeFlowApp:
    app: cdk.App
    stage: str
    data: DataStack
    service: ServiceStack
    api: ApiStack
    monitoring: MonitoringStack

    @property
    def stacks(self) -> tuple[cdk.Stack, ...]:
        """In the order they deploy."""
        return (self.data, self.service, self.api, self.monitoring)


def stack_name(stage: str, unit: str) -> str:
    return f"PracticeFlow-{stage}-{unit}"


def _layer_dir(setting: str) -> Path:
    if setting == "build":
        return packaging.build_layer()
    if setting == "placeholder":
        return packaging.placeholder_layer()
    return Path(setting)


def build_app(
    catalog: Catalog = CATALOG,
    *,
    outdir: str | Path | None = None,
    context: dict[str, Any] | None = None,
    validate: bool = True,
    checks: bool = False,
) -> PracticeFlowApp:
    """Build (not yet synthesize) the app. `validate` is CloudFormation's built-in schema validation
    (6-8 s); `checks` adds cdk-nag's AWS Solutions and HIPAA Security packs as validation plugins."""
    app = cdk.App(
        outdir=str(outdir) if outdir is not None else None,
        context=context,
        builtin_cloud_formation_validation=validate,
        analytics_reporting=False,
    )
    stage = str(app.node.try_get_context(STAGE_CONTEXT) or DEFAULT_STAGE)
    if stage in SIMULATOR_STAGES:  # the functions would simulate the clearinghouse: never on AWS
        raise ValueError(f"stage {stage!r} is the local cloud's; deploy under another name (e.g. dev, prod)")
    layer_dir = _layer_dir(str(app.node.try_get_context(LAYER_CONTEXT) or "build"))
    code_setting = app.node.try_get_context(CODE_CONTEXT)
    code_dir = packaging.stage_function_code(Path(code_setting)) if code_setting else packaging.stage_function_code()
    env = cdk.Environment(account=os.environ.get("CDK_DEFAULT_ACCOUNT"), region=os.environ.get("CDK_DEFAULT_REGION"))

    options = stage_options({key: app.node.try_get_context(key) for key in OPTION_CONTEXTS}, stage)
    sender = str(app.node.try_get_context(SENDER_CONTEXT) or DEFAULT_SENDER)
    data = DataStack(app, stack_name(stage, "Data"), catalog=catalog, stage=stage, sender=sender, options=options,
                     env=env)
    service = ServiceStack(app, stack_name(stage, "Service"), catalog=catalog, stage=stage, data_stack=data,
                           layer_dir=str(layer_dir), code_dir=str(code_dir), sender=sender,
                           cors_origins=options.cors_origins, env=env)
    service.add_stack_dependency(data)
    api = ApiStack(app, stack_name(stage, "Api"), catalog=catalog, stage=stage, data=data, service=service,
                   options=options, env=env)
    api.add_stack_dependency(service)
    monitoring = MonitoringStack(app, stack_name(stage, "Monitoring"), catalog=catalog, stage=stage,
                                 data=data.data, service=service, api=api, options=options, env=env)
    monitoring.add_stack_dependency(api)
    for stack in (data, service, api, monitoring):
        cdk.Tags.of(stack).add("application", "practiceflow")
        cdk.Tags.of(stack).add("stage", stage)
    if checks:
        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), HIPAASecurityChecks(app))
    return PracticeFlowApp(app, stage, data, service, api, monitoring)


def synth(stage: str = DEFAULT_STAGE, outdir: str | Path = packaging.ROOT / "cdk.out", *,
          catalog: Catalog = CATALOG, checks: bool = True, sender: str = DEFAULT_SENDER,
          options: dict[str, Any] | None = None) -> cx_api.CloudAssembly:
    """Synthesize a deployable assembly: the real dependency layer (built once per dependency list),
    CloudFormation validation, and cdk-nag (raises when a finding is not acknowledged). `options`: the stage's
    OPTION_CONTEXTS (origins, alarm subscribers), as `cdk -c` would pass them."""
    unknown = set(options or {}) - set(OPTION_CONTEXTS)
    if unknown:
        raise ValueError(f"unknown options {sorted(unknown)}; known: {list(OPTION_CONTEXTS)}")
    built = build_app(catalog, outdir=outdir, context={STAGE_CONTEXT: stage, SENDER_CONTEXT: sender, **(options or {})},
                      validate=True, checks=checks)
    return built.app.synth()


def main() -> None:
    # Under the CDK CLI, outdir and context come from the environment; run bare, it writes ./cdk.out.
    outdir = None if os.environ.get("CDK_OUTDIR") else packaging.ROOT / "cdk.out"
    build_app(outdir=outdir, checks=True).app.synth()


if __name__ == "__main__":
    main()
