"""The stateful stack: deployed first, changed rarely, never deleted with the service or API stacks. Besides the
data it holds who signs in (the user pool) and the REST API's identity, whose id is in every link already sent."""

from __future__ import annotations

from aws_cdk import Aws, CfnOutput, Stack
from constructs import Construct

from infra.catalog import Catalog
from infra.constructs.api import RestApiIdentity
from infra.constructs.data import DataConstruct
from infra.constructs.users import UsersConstruct
from infra.options import StageOptions


class DataStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, catalog: Catalog, stage: str, sender: str,
                 options: StageOptions = StageOptions(), **kwargs) -> None:  # noqa: B008 - frozen, nothing set
        super().__init__(scope, construct_id,
                         description=f"PracticeFlow {stage}: table, event bus, secrets, users, the API's identity",
                         **kwargs)
        self.data = DataConstruct(self, "Data", spec=catalog.table, stage=stage, backup_lock=options.backup_vault_lock,
                                  backup_copy=options.backup_copy)
        # the pool's email goes out from the stage's sender; its app client's hosted sign-in is the stage's option
        self.users = UsersConstruct(self, "Users", catalog=catalog, stage=stage, sender=sender, options=options)
        self.api_identity = RestApiIdentity(self, "Api", stage=stage, key=self.data.key)
        CfnOutput(self, "ApiUrl", description="The API, once the API stack has deployed its routes and stage",
                  value=f"https://{self.api_identity.rest_api_id}.execute-api.{Aws.REGION}.{Aws.URL_SUFFIX}/{stage}/")
        CfnOutput(self, "UserPoolId", value=self.users.user_pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=self.users.client.user_pool_client_id)
