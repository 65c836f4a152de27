"""The REST API: API Gateway with the user pool's Cognito authorizer (infra/constructs/users.py) on every method,
each catalogue mount routed to its function."""

from __future__ import annotations

import json

from aws_cdk import RemovalPolicy
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra import nag
from infra.catalog import Catalog
from infra.constructs import RETAINED
from infra.constructs.functions import LOG_RETENTION

# Per stage, across all callers: generous for a practice's front desk, a ceiling against a runaway client.
THROTTLE_RATE = 100
THROTTLE_BURST = 200
# Public routes (links in messages, no sign-in) get a much lower ceiling: nobody clicks that fast.
PUBLIC_THROTTLE_RATE = 5
PUBLIC_THROTTLE_BURST = 10
# A public route is a link a person follows: GET shows what it does, POST does it.
PUBLIC_METHODS = ("GET", "POST")
# The path is logged as its template (/patients/{proxy+}) and no caller IP or user id is kept,
# because a concrete path or a user id can identify a patient.
ACCESS_LOG_FORMAT = {
    "requestId": "$context.requestId",
    "requestTime": "$context.requestTime",
    "httpMethod": "$context.httpMethod",
    "resourcePath": "$context.resourcePath",
    "status": "$context.status",
    "responseLength": "$context.responseLength",
    "responseLatency": "$context.responseLatency",
    "integrationLatency": "$context.integrationLatency",
    "integrationStatus": "$context.integrationStatus",
    "error": "$context.error.message",
}
def route_table(catalog: Catalog, cors_origins: tuple[str, ...]) -> str:
    """What the API serves, as text: a new deployment is made exactly when it changes (CDK hashes the methods of an
    API it owns, not of one made in another stack). The stage's own settings (throttles, access log) are not in
    it: CloudFormation updates the stage in place, without a new deployment."""
    return json.dumps({"routes": [[spec.name, spec.mounts, spec.public_routes] for spec in catalog.api_functions()],
                       "cors": cors_origins}, sort_keys=True)


class RestApiIdentity(Construct):
    """The REST API itself, without routes: its id is in the URL of every link a message carries (opt-out,
    confirm, decide), so it lives in the data stack and outlives any replacement of the API's routes."""

    def __init__(self, scope: Construct, construct_id: str, *, stage: str, key: kms.IKey) -> None:
        super().__init__(scope, construct_id)
        self.rest_api_name = f"practiceflow-{stage}"  # its metrics' ApiName
        self.rest_api = apigateway.CfnRestApi(
            self, "RestApi", name=self.rest_api_name,
            description="PracticeFlow: the practice coordinator's API",
            endpoint_configuration=apigateway.CfnRestApi.EndpointConfigurationProperty(types=["REGIONAL"]),
        )
        self.rest_api.apply_removal_policy(RemovalPolicy.RETAIN)
        nag.acknowledge(self.rest_api, "AwsSolutions-APIG2",
                        "The API's routes are made in the API stack (ApiConstruct), each signed-in and public method "
                        "with the request validator made there; this is only the API's identity.")
        self.rest_api_id = self.rest_api.ref
        self.root_resource_id = self.rest_api.attr_root_resource_id
        # API Gateway writes execution logs (ERROR: authorizer and integration failures) to a group it names after
        # the API and stage; made here first, it is encrypted and expires instead of being made by the service
        # without either. It lives as long as the API's id it is named for, so no re-made API stack meets it.
        self.execution_logs = logs.LogGroup(
            self, "ExecutionLogs", log_group_name=f"API-Gateway-Execution-Logs_{self.rest_api_id}/{stage}",
            retention=LOG_RETENTION, encryption_key=key, removal_policy=RETAINED,
        )


class ApiConstruct(Construct):
    """The routes of the REST API whose identity the data stack keeps: every catalogue mount with the Cognito
    authorizer, the public (signed-link) routes and CORS preflights, and the stage that serves them."""

    def __init__(self, scope: Construct, construct_id: str, *, catalog: Catalog, stage: str,
                 identity: RestApiIdentity, user_pool: cognito.IUserPool,
                 functions: dict[str, lambda_.IFunction], ops_key: kms.IKey,
                 cors_origins: tuple[str, ...] = (), firewalled: bool = False) -> None:
        super().__init__(scope, construct_id)
        self.firewalled = firewalled
        self.access_logs = logs.LogGroup(
            self, "AccessLogs", retention=LOG_RETENTION, encryption_key=ops_key, removal_policy=RETAINED,
        )
        self.cors_origins = cors_origins
        self.preflight_methods: list[apigateway.Method] = []
        self.api = apigateway.RestApi.from_rest_api_attributes(
            self, "RestApi", rest_api_id=identity.rest_api_id, root_resource_id=identity.root_resource_id,
            rest_api_name=identity.rest_api_name)
        self.authorizer = apigateway.CognitoUserPoolsAuthorizer(
            self, "Authorizer", cognito_user_pools=[user_pool], authorizer_name=f"practiceflow-{stage}-cognito",
        )
        # Bodies and parameters are validated by the functions' pydantic models; this validator makes API
        # Gateway enforce whatever request models and required parameters a method declares.
        self.validator = apigateway.RequestValidator(
            self, "Validator", rest_api=self.api, validate_request_body=True, validate_request_parameters=True)
        signed_in = {"authorizer": self.authorizer, "authorization_type": apigateway.AuthorizationType.COGNITO,
                     "request_validator": self.validator}
        self.mounts: dict[str, str] = {}
        self.public_methods: list[apigateway.Method] = []
        self.methods: list[apigateway.Method] = []
        for spec in catalog.api_functions():
            # one invoke permission per function for this API (not one per method): 82 methods made 96 permissions
            integration = apigateway.LambdaIntegration(functions[spec.name], proxy=True,
                                                       scope_permission_to_method=False)
            for mount in spec.mounts:
                if mount in self.mounts:
                    raise ValueError(f"/{mount} is mounted by both {self.mounts[mount]} and {spec.name}")
                self.mounts[mount] = spec.name
                resource = self.api.root.add_resource(mount)
                proxy = resource.add_resource("{proxy+}")
                self.methods.append(resource.add_method("ANY", integration, **signed_in))
                self.methods.append(proxy.add_method("ANY", integration, **signed_in))
                self._preflight(spec.name, resource, integration)
                self._preflight(spec.name, proxy, integration)
            for route in spec.public_routes:
                self._public_route(spec.name, route, spec.mounts, integration)
        self._stage(catalog, stage, ops_key, identity)
        self._acknowledge()

    def _stage(self, catalog: Catalog, stage: str, ops_key: kms.IKey, identity: RestApiIdentity) -> None:
        deployment = apigateway.Deployment(self, "Deployment", api=self.api,
                                           description=f"PracticeFlow {stage}: the catalogue's routes")
        deployment.add_to_logical_id(route_table(catalog, self.cors_origins))
        for method in self.methods:
            deployment.node.add_dependency(method)
        # API Gateway writes execution logs (infra: RestApiIdentity) through the account's CloudWatch role
        self.cloudwatch_role = iam.Role(
            self, "CloudWatchRole", assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name(
                "service-role/AmazonAPIGatewayPushToCloudWatchLogs")])
        self.cloudwatch_role.apply_removal_policy(RemovalPolicy.RETAIN)  # other APIs of the account may log with it
        account = apigateway.CfnAccount(self, "Account", cloud_watch_role_arn=self.cloudwatch_role.role_arn)
        account.apply_removal_policy(RemovalPolicy.RETAIN)
        self.stage = apigateway.Stage(
            self, "Stage", deployment=deployment, stage_name=stage,
            # API Gateway's traces record each request's full URL, and ours hold patient ids, searched names
            # and signed link tokens: X-Ray is no place for them (the functions' traces carry no URL)
            tracing_enabled=False,
            # per-method metrics cost about $15 a month for a clinic; the stage's own Count, 4XX, 5XX and
            # Latency (the alarms' metrics) and each function's Lambda metrics are sent without them
            metrics_enabled=False,
            logging_level=apigateway.MethodLoggingLevel.ERROR,
            data_trace_enabled=False,  # data traces would log request and response bodies: health data
            throttling_rate_limit=THROTTLE_RATE,
            throttling_burst_limit=THROTTLE_BURST,
            access_log_destination=apigateway.LogGroupLogDestination(self.access_logs),
            access_log_format=apigateway.AccessLogFormat.custom(json.dumps(ACCESS_LOG_FORMAT)),
            method_options={
                f"/{route}/{method}": apigateway.MethodDeploymentOptions(
                    throttling_rate_limit=PUBLIC_THROTTLE_RATE, throttling_burst_limit=PUBLIC_THROTTLE_BURST,
                    logging_level=apigateway.MethodLoggingLevel.ERROR, data_trace_enabled=False,
                    metrics_enabled=False)
                for spec in catalog.api_functions() for route in spec.public_routes for method in PUBLIC_METHODS
            },
        )
        self.stage.node.add_dependency(identity.execution_logs, account)

    def _preflight(self, function: str, resource: apigateway.IResource, integration: apigateway.Integration) -> None:
        """A browser asks OPTIONS before a cross-origin call, without the token: on a path with this method API
        Gateway skips the authorizer, and the function answers it (core.api.AllowedOrigins, the same origins).
        None without allowed origins: no browser could use the answer, and each method is a resource of the
        stack's 500."""
        if not self.cors_origins:
            return
        method = resource.add_method("OPTIONS", integration, authorization_type=apigateway.AuthorizationType.NONE)
        self.preflight_methods.append(method)
        self.methods.append(method)
        reason = (f"A CORS preflight carries no token by design (Fetch standard): {function} answers it with the "
                  "allowed origins' headers only, touches no data, and the stage is throttled.")
        nag.acknowledge(method, "AwsSolutions-APIG4", reason)  # cdk-nag's COG4 already exempts OPTIONS

    def _public_route(self, function: str, route: str, mounts: tuple[str, ...],
                      integration: apigateway.Integration) -> None:
        """A path the function serves without sign-in (it checks a signed token itself). Its own resource
        takes precedence over the mount's {proxy+}, so only these methods on this path skip Cognito."""
        parts = route.strip("/").split("/")
        if parts[0] not in mounts or len(parts) < 2:
            raise ValueError(f"{function}'s public route /{route} is not under one of its mounts {mounts}")
        resource = self.api.root
        for part in parts:
            resource = resource.get_resource(part) or resource.add_resource(part)
        self._preflight(function, resource, integration)
        for method in PUBLIC_METHODS:
            public = resource.add_method(method, integration, authorization_type=apigateway.AuthorizationType.NONE,
                                         request_validator=self.validator)
            self.public_methods.append(public)
            self.methods.append(public)
            reason = (f"/{route} is a link in a message, followed without signing in: {function} accepts it only "
                      "with a valid signed token in the path, and the stage throttles it to "
                      f"{PUBLIC_THROTTLE_RATE} requests/s.")
            nag.acknowledge(public, "AwsSolutions-APIG4", reason)
            nag.acknowledge(public, "AwsSolutions-COG4", reason)

    def _acknowledge(self) -> None:
        stage = self.stage
        if not self.firewalled:
            nag.acknowledge(stage, "AwsSolutions-APIG3",
                            "This stage's operator left the web application firewall off (practiceflow:waf, on "
                            "for prod): every method but the signed-link routes requires a Cognito token, and the "
                            "stage and each public route are throttled.")
        nag.acknowledge(stage, "HIPAA.Security-APIGWXrayEnabled",
                        "API Gateway's X-Ray segments record each request's full URL: patient ids, searched names "
                        "and signed link tokens. Tracing is off at the API; the functions keep Lambda's active "
                        "tracing, whose segments carry no URL, and the access log keeps each request's id.")
        nag.acknowledge(stage, "HIPAA.Security-APIGWCacheEnabledAndEncrypted",
                        "Caching is off on purpose: responses are per-caller health data, and a cache keyed "
                        "by path could serve one caller's data to another.")
        nag.acknowledge(stage, "HIPAA.Security-APIGWSSLEnabled",
                        "A client certificate authenticates API Gateway to an HTTP back end; the only back "
                        "ends here are Lambda proxy integrations, invoked over AWS's signed API.")
        nag.acknowledge(
            self.cloudwatch_role,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AmazonAPIGatewayPushToCloudWatchLogs]",
            "API Gateway's account-level logging role uses the AWS-maintained policy made for it; only "
            "apigateway.amazonaws.com can assume it.")
