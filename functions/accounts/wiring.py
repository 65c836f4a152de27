"""Accounts' one composition root: the user pool, the invitation book and records' patients, wired once per
container (`functions.core.container.reset()` forgets them)."""

import boto3
from botocore.config import Config

from functions.accounts.cognito import CognitoUserDirectory
from functions.accounts.dynamo import DynamoInvitationBook
from functions.accounts.invitations import Invitations
from functions.accounts.records_patients import RecordsPatientContacts
from functions.core import clock
from functions.core.audit_store import AuditStore
from functions.core.container import per_container
from functions.core.settings import SettingsError
from functions.core.settings import settings as environment
from functions.core.table import Table
from functions.records.dynamo import DynamoPatientRecords


@per_container
def audit() -> AuditStore:
    """One trail per container: it caches each practice's chain head between requests."""
    return AuditStore(Table())


@per_container
def directory() -> CognitoUserDirectory:
    pool = environment().user_pool_id
    if pool is None:
        raise SettingsError("invalid or missing environment: USER_POOL_ID")
    # the function's own role (not the request's tenant role) holds the pool's three admin actions
    client = boto3.client("cognito-idp", config=Config(retries={"mode": "standard", "max_attempts": 3},
                                                       connect_timeout=2, read_timeout=5))
    return CognitoUserDirectory(client, pool)


@per_container
def invitations() -> Invitations:
    return Invitations(directory(), DynamoInvitationBook(Table(), audit()),
                       RecordsPatientContacts(DynamoPatientRecords(Table(), audit())), audit(), clock.now)
