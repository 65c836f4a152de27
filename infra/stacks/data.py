"""The stateful stack: deployed first, changed rarely, never deleted with the service stack."""

from __future__ import annotations

from aws_cdk import Stack
from constructs import Construct

from infra.catalog import Catalog
from infra.constructs.data import DataConstruct
from infra.options import StageOptions


class DataStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, catalog: Catalog, stage: str,
                 options: StageOptions | None = None, **kwargs) -> None:
        super().__init__(scope, construct_id, description=f"PracticeFlow {stage}: table, event bus, secrets", **kwargs)
        options = options or StageOptions()
        self.data = DataConstruct(self, "Data", spec=catalog.table, stage=stage, backup_lock=options.backup_vault_lock,
                                  backup_copy=options.backup_copy)
