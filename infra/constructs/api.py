"""Sign-in and the REST API: a Cognito user pool whose groups are the practice's roles, and an API
Gateway REST API with the Cognito authorizer on every method, each catalogue mount routed to its function."""

from __future__ import annotations

import json

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from functions.core.auth import PATIENT_CLAIM, PRACTICE_CLAIM, Role
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
GROUP_DESCRIPTIONS = {
    Role.COORDINATOR: "Practice coordinators: run the practice's routine work",
    Role.PRIVACY_OFFICER: "Privacy officer: the audit trail, disclosures and compliance",
    Role.PRACTITIONER: "Practitioners: see their patients and schedule",
    Role.FRONT_DESK: "Front desk: registration, check-in, booking",
    Role.BILLING: "Billing: charges, claims, payments",
    Role.STAFF: "Other staff: own roster, leave and training",
    Role.PATIENT: "Patients: their own records and appointments",
}


# the catalogue's user_pool_trigger names, as Cognito's operations
USER_POOL_TRIGGERS = {"post_authentication": cognito.UserPoolOperation.POST_AUTHENTICATION}


def _attribute(claim: str) -> str:
    return claim.removeprefix("custom:")


class UserPoolConstruct(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, stage: str) -> None:
        super().__init__(scope, construct_id)
        self.user_pool = cognito.UserPool(
            self, "UserPool",
            user_pool_name=f"practiceflow-{stage}",
            self_sign_up_enabled=False,  # the practice invites its staff and patients
            sign_in_aliases=cognito.SignInAliases(email=True),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            custom_attributes={
                # a user belongs to one practice for life: a tenant move is a new account
                _attribute(PRACTICE_CLAIM): cognito.StringAttribute(min_len=1, max_len=64, mutable=False),
                _attribute(PATIENT_CLAIM): cognito.StringAttribute(min_len=1, max_len=64, mutable=True),
            },
            password_policy=cognito.PasswordPolicy(
                min_length=14, require_lowercase=True, require_uppercase=True, require_digits=True,
                require_symbols=True, temp_password_validity=Duration.days(3),
            ),
            mfa=cognito.Mfa.REQUIRED,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            # Essentials: TOTP MFA and everything above; Plus's threat protection costs $0.02 per active user
            feature_plan=cognito.FeaturePlan.ESSENTIALS,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        for role in Role:
            cognito.CfnUserPoolGroup(
                self, f"Group{role.value.title().replace('_', '')}",
                user_pool_id=self.user_pool.user_pool_id, group_name=role.value,
                description=GROUP_DESCRIPTIONS[role],
            )
        self.client = self.user_pool.add_client(
            "AppClient",
            auth_flows=cognito.AuthFlow(user_srp=True),
            generate_secret=False,
            prevent_user_existence_errors=True,
            id_token_validity=Duration.hours(1),
            access_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(1),
            read_attributes=cognito.ClientAttributes()
            .with_standard_attributes(email=True, email_verified=True, given_name=True, family_name=True)
            .with_custom_attributes(_attribute(PRACTICE_CLAIM), _attribute(PATIENT_CLAIM)),
            # users may not write their own tenant or patient binding: only the practice's admin API may
            write_attributes=cognito.ClientAttributes().with_standard_attributes(
                email=True, given_name=True, family_name=True),
        )
        nag.acknowledge(
            self.user_pool, "AwsSolutions-COG8",
            "Essentials, not Plus: Plus's threat protection (compromised-credential and adaptive-risk sign-in checks) "
            "would cost more than the rest of a clinic's bill. A stolen or guessed password alone still opens "
            "nothing: TOTP MFA is required of every user, passwords are 14+ characters of four classes, only the "
            "practice creates accounts, failed sign-ins do not reveal whether a user exists and Cognito locks out "
            "repeated failures; every sign-in is in CloudTrail and every read or change of health data in the "
            "practice's audit trail.")


class ApiConstruct(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, catalog: Catalog, stage: str,
                 functions: dict[str, lambda_.IFunction], ops_key: kms.IKey,
                 cors_origins: tuple[str, ...] = ()) -> None:
        super().__init__(scope, construct_id)
        self.users = UserPoolConstruct(self, "Users", stage=stage)
        self.access_logs = logs.LogGroup(
            self, "AccessLogs", retention=LOG_RETENTION, encryption_key=ops_key, removal_policy=RETAINED,
        )
        self.cors_origins = cors_origins
        self.preflight_methods: list[apigateway.Method] = []
        self.authorizer = apigateway.CognitoUserPoolsAuthorizer(
            self, "Authorizer", cognito_user_pools=[self.users.user_pool],
            authorizer_name=f"practiceflow-{stage}-cognito",
        )
        self.api = apigateway.RestApi(
            self, "RestApi",
            rest_api_name=f"practiceflow-{stage}",
            description="PracticeFlow: the practice coordinator's API",
            endpoint_types=[apigateway.EndpointType.REGIONAL],
            cloud_watch_role=True,  # execution logging needs API Gateway's account-level CloudWatch role
            cloud_watch_role_removal_policy=RemovalPolicy.RETAIN,
            deploy_options=apigateway.StageOptions(
                stage_name=stage,
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
            ),
        )
        # API Gateway writes execution logs (ERROR: authorizer and integration failures) to this group by its name;
        # made here, before the stage, it is encrypted and expires instead of being made by the service without
        # either. The name holds the API's id, new for every API, so a retried first deploy never meets it.
        self.execution_logs = logs.LogGroup(
            self, "ExecutionLogs",
            log_group_name=f"API-Gateway-Execution-Logs_{self.api.rest_api_id}/{stage}",
            retention=LOG_RETENTION, encryption_key=ops_key, removal_policy=RETAINED,
        )
        self.api.deployment_stage.node.add_dependency(self.execution_logs)
        # Bodies and parameters are validated by the functions' pydantic models; this validator makes API
        # Gateway enforce whatever request models and required parameters a method declares.
        self.validator = self.api.add_request_validator(
            "Validator", validate_request_body=True, validate_request_parameters=True)
        signed_in = {"authorizer": self.authorizer, "authorization_type": apigateway.AuthorizationType.COGNITO,
                     "request_validator": self.validator}
        self.mounts: dict[str, str] = {}
        self.public_methods: list[apigateway.Method] = []
        for spec in catalog.api_functions():
            # one invoke permission per function for this API (not one per method): 82 methods made 96 permissions
            # and took the API stack past CloudFormation's 500 resources
            integration = apigateway.LambdaIntegration(functions[spec.name], proxy=True,
                                                       scope_permission_to_method=False)
            for mount in spec.mounts:
                if mount in self.mounts:
                    raise ValueError(f"/{mount} is mounted by both {self.mounts[mount]} and {spec.name}")
                self.mounts[mount] = spec.name
                resource = self.api.root.add_resource(mount)
                resource.add_method("ANY", integration, **signed_in)
                proxy = resource.add_resource("{proxy+}")
                proxy.add_method("ANY", integration, **signed_in)
                self._preflight(spec.name, resource, integration)
                self._preflight(spec.name, proxy, integration)
            for route in spec.public_routes:
                self._public_route(spec.name, route, spec.mounts, integration)
        for spec in catalog.functions:
            if spec.user_pool_trigger is not None:
                # add_trigger also gives Cognito (this pool only) lambda:InvokeFunction on the function
                self.users.user_pool.add_trigger(USER_POOL_TRIGGERS[spec.user_pool_trigger], functions[spec.name])
        self._acknowledge()

    def _preflight(self, function: str, resource: apigateway.IResource, integration: apigateway.Integration) -> None:
        """A browser asks OPTIONS before a cross-origin call, without the token: on a path with this method API
        Gateway skips the authorizer, and the function answers it (core.api.AllowedOrigins, the same origins).
        None without allowed origins: no browser could use the answer, and each method is a resource of the
        stack's 500."""
        if not self.cors_origins:
            return
        method = resource.add_method("OPTIONS", integration, authorization_type=apigateway.AuthorizationType.NONE)
        self.preflight_methods.append(method)
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
            reason = (f"/{route} is a link in a message, followed without signing in: {function} accepts it only "
                      "with a valid signed token in the path, and the stage throttles it to "
                      f"{PUBLIC_THROTTLE_RATE} requests/s.")
            nag.acknowledge(public, "AwsSolutions-APIG4", reason)
            nag.acknowledge(public, "AwsSolutions-COG4", reason)

    def _acknowledge(self) -> None:
        stage = self.api.deployment_stage
        nag.acknowledge(stage, "AwsSolutions-APIG3",
                        "No WAF yet: every method requires a Cognito token, the stage is throttled, and a "
                        "WAF web ACL is an account-level choice (cost, managed rule sets) left to the operator.")
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
        cloudwatch_role = self.api.node.find_child("CloudWatchRole")
        nag.acknowledge(
            cloudwatch_role,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AmazonAPIGatewayPushToCloudWatchLogs]",
            "API Gateway's account-level logging role uses the AWS-maintained policy made for it; only "
            "apigateway.amazonaws.com can assume it.")
