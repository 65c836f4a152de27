"""The API stack: the REST API's routes, authorizer and stage (and the stage's firewall when turned on), in front
of the service stack's functions. Its own stack because a route is two to five resources of CloudFormation's 500
a stack may hold; deployed after the service stack, replaced without touching the functions or the API's
identity (in the data stack)."""

from __future__ import annotations

from aws_cdk import Stack
from constructs import Construct

from infra.catalog import Catalog
from infra.constructs.api import ApiConstruct
from infra.constructs.shield import ShieldConstruct
from infra.options import StageOptions
from infra.stacks.data import DataStack
from infra.stacks.service import ServiceStack


class ApiStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, catalog: Catalog, stage: str, data: DataStack,
                 service: ServiceStack, options: StageOptions, **kwargs) -> None:
        super().__init__(scope, construct_id, description=f"PracticeFlow {stage}: the REST API's routes and stage",
                         **kwargs)
        lambdas = {name: built.function for name, built in service.functions.functions.items()}
        self.api = ApiConstruct(self, "Api", catalog=catalog, stage=stage, identity=data.api_identity,
                                user_pool=data.users.user_pool, functions=lambdas, ops_key=service.ops_key,
                                cors_origins=options.cors_origins, firewalled=options.waf)
        self.shield = ShieldConstruct(self, "Shield", catalog=catalog, stage=stage, stage_arn=self.api.stage.stage_arn,
                                      rate_limit=options.waf_rate_limit, key=service.ops_key) if options.waf else None
