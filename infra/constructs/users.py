"""Who signs in: the Cognito user pool, whose groups are the practice's roles and whose custom attributes bind a
user to one practice (and a patient user to one record). It lives in the data stack: replacing the service or API
stack must never delete a user.

The pool's triggers are catalogue functions of the service stack, deployed after this one. The pool names each by
its ARN, built from the function's fixed name (infra/constructs/functions.py `function_name`), instead of a
reference, which would make the data stack depend on the service stack; the service stack gives this pool alone
permission to invoke it. Until the service stack's first deploy, sign-in would fail: there are no users yet."""

from __future__ import annotations

from email.utils import parseaddr

from aws_cdk import Aws, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from functions.core.auth import PATIENT_CLAIM, PRACTICE_CLAIM, Role
from infra import nag
from infra.catalog import Catalog, Function
from infra.constructs.functions import function_name
from infra.options import StageOptions

GROUP_DESCRIPTIONS = {
    Role.COORDINATOR: "Practice coordinators: run the practice's routine work",
    Role.PRIVACY_OFFICER: "Privacy officer: the audit trail, disclosures and compliance",
    Role.PRACTITIONER: "Practitioners: see their patients and schedule",
    Role.FRONT_DESK: "Front desk: registration, check-in, booking",
    Role.BILLING: "Billing: charges, claims, payments",
    Role.STAFF: "Other staff: own roster, leave and training",
    Role.PATIENT: "Patients: their own records and appointments",
}


# the catalogue's user_pool_trigger names, as the pool's LambdaConfig fields
USER_POOL_TRIGGERS = {"post_authentication": "PostAuthentication"}


def function_arn(stage: str, spec: Function) -> str:
    """The ARN the catalogue function will have once the service stack has made it."""
    return f"arn:{Aws.PARTITION}:lambda:{Aws.REGION}:{Aws.ACCOUNT_ID}:function:{function_name(stage, spec)}"


def ses_email(scope: Construct, sender: str) -> cognito.UserPoolEmail:
    """The pool's email (invitations, codes) through SES from the stage's sender, whose domain is the verified
    identity notifications send from: Cognito's own sender allows 50 emails a day, fewer than a practice's first
    morning of invitations."""
    name, address = parseaddr(sender)
    if "@" not in address:
        raise ValueError(f"the sender {sender!r} has no email address")
    return cognito.UserPoolEmail.with_ses(from_email=address, from_name=name or None,
                                          ses_verified_domain=address.rsplit("@", 1)[1],
                                          ses_region=Stack.of(scope).region)


def _hosted_sign_in(options: StageOptions) -> dict:
    """The app client's OAuth: with the stage's callback URLs, the authorization code grant only (no implicit grant,
    which hands tokens over in the URL), to those URLs, for the OpenID profile and email; else no OAuth at all, and
    the app signs in with SRP itself (CDK would otherwise default the callback to https://example.com)."""
    if not options.hosted_sign_in:
        return {"disable_o_auth": True}
    return {
        "o_auth": cognito.OAuthSettings(
            flows=cognito.OAuthFlows(authorization_code_grant=True, implicit_code_grant=False,
                                     client_credentials=False),
            scopes=[cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
            callback_urls=list(options.auth_callback_urls),
            logout_urls=list(options.auth_logout_urls) or None,
        ),
        "supported_identity_providers": [cognito.UserPoolClientIdentityProvider.COGNITO],
    }


def _attribute(claim: str) -> str:
    return claim.removeprefix("custom:")


class UsersConstruct(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, catalog: Catalog, stage: str, sender: str,
                 options: StageOptions = StageOptions()) -> None:  # noqa: B008 - frozen, nothing set
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
            email=ses_email(self, sender),
            # Essentials: TOTP MFA and everything above; Plus's threat protection costs $0.02 per active user
            feature_plan=cognito.FeaturePlan.ESSENTIALS,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        pool = self.user_pool.node.default_child  # the L2 pool's own triggers take functions of its stack only
        for spec in catalog.functions:
            if spec.user_pool_trigger is not None:
                pool.add_property_override(f"LambdaConfig.{USER_POOL_TRIGGERS[spec.user_pool_trigger]}",
                                           function_arn(stage, spec))
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
            **_hosted_sign_in(options),
        )
        # the hosted sign-in pages' domain: only with OAuth on (options.py holds the prefix to the callback URLs)
        self.domain = self.user_pool.add_domain("Domain", cognito_domain=cognito.CognitoDomainOptions(
            domain_prefix=options.auth_domain_prefix)) if options.auth_domain_prefix else None
        nag.acknowledge(
            self.user_pool, "AwsSolutions-COG8",
            "Essentials, not Plus: Plus's threat protection (compromised-credential and adaptive-risk sign-in checks) "
            "would cost more than the rest of a clinic's bill. A stolen or guessed password alone still opens "
            "nothing: TOTP MFA is required of every user, passwords are 14+ characters of four classes, only the "
            "practice creates accounts, failed sign-ins do not reveal whether a user exists and Cognito locks out "
            "repeated failures; every sign-in is in CloudTrail and every read or change of health data in the "
            "practice's audit trail.")
