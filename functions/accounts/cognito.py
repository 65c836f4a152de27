"""`CognitoUserDirectory`: the user pool, through exactly three admin calls (AdminGetUser, AdminCreateUser,
AdminAddUserToGroup), which are all the function's role may make (infra/iam.py, Access.USER_INVITE).

The pool signs in by email (its username attribute), so an email is one user across every practice; the user's
`sub` is the id the API sees as `Caller.user_id`."""

from typing import Any

from botocore.exceptions import ClientError

from functions.accounts.models import DirectoryUser, NewUser
from functions.core.auth import PATIENT_CLAIM, PRACTICE_CLAIM
from functions.core.errors import Conflict, Invalid, NotFound

PENDING = "FORCE_CHANGE_PASSWORD"  # created by an admin, temporary password never changed


def _attributes(pairs: list[dict[str, str]]) -> dict[str, str]:
    return {pair["Name"]: pair["Value"] for pair in pairs}


def _user(attributes: dict[str, str], status: str) -> DirectoryUser:
    return DirectoryUser(user_id=attributes["sub"], email=attributes.get("email", ""),
                         practice_id=attributes.get(PRACTICE_CLAIM), patient_id=attributes.get(PATIENT_CLAIM),
                         pending=status == PENDING)


def _code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")


class CognitoUserDirectory:
    def __init__(self, client: Any, user_pool_id: str) -> None:
        self.client, self.pool = client, user_pool_id

    def find(self, email: str) -> DirectoryUser | None:
        """AdminGetUser by the email (the pool's username attribute)."""
        try:
            found = self.client.admin_get_user(UserPoolId=self.pool, Username=email)
        except ClientError as error:
            if _code(error) == "UserNotFoundException":
                return None
            raise
        return _user(_attributes(found["UserAttributes"]), found["UserStatus"])

    def create(self, user: NewUser) -> DirectoryUser:
        """AdminCreateUser: Cognito emails the temporary password (the invitation). The email is marked verified:
        the practice typed it, and the invitation arriving there proves it, so recovery by email works at once."""
        attributes = {"email": user.email, "email_verified": "true", PRACTICE_CLAIM: user.practice_id}
        if user.patient_id:
            attributes[PATIENT_CLAIM] = user.patient_id
        if user.given_name:
            attributes["given_name"] = user.given_name
        if user.family_name:
            attributes["family_name"] = user.family_name
        try:
            created = self.client.admin_create_user(
                UserPoolId=self.pool, Username=user.email, DesiredDeliveryMediums=["EMAIL"],
                UserAttributes=[{"Name": name, "Value": value} for name, value in attributes.items()])
        except ClientError as error:
            if _code(error) in ("UsernameExistsException", "AliasExistsException"):
                raise Conflict("this email signs in already", code="email_in_use") from None
            if _code(error) == "InvalidParameterException":  # an address Cognito will not take, though ours did
                raise Invalid("the sign-in service refused this email address", {"fields": ["email"]},
                              code="email_refused") from None
            raise
        made = created["User"]
        return _user(_attributes(made["Attributes"]), made["UserStatus"])

    def resend(self, email: str) -> None:
        """AdminCreateUser with MessageAction RESEND: a new temporary password, emailed again."""
        try:
            self.client.admin_create_user(UserPoolId=self.pool, Username=email, MessageAction="RESEND",
                                          DesiredDeliveryMediums=["EMAIL"])
        except ClientError as error:
            if _code(error) == "UnsupportedUserStateException":
                raise Conflict("this user has signed in already: there is no invitation to resend",
                               code="account_active") from None
            if _code(error) == "UserNotFoundException":
                raise NotFound("no such user", code="user_not_found") from None
            raise

    def add_to_groups(self, email: str, groups: tuple[str, ...]) -> None:
        """AdminAddUserToGroup, once per group (a user already in it stays in it, no error)."""
        for group in groups:
            self.client.admin_add_user_to_group(UserPoolId=self.pool, Username=email, GroupName=group)
