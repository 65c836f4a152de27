"""One construct per concern: data, functions, API, workflows, monitoring."""

import re

from aws_cdk import Fn, RemovalPolicy, Stack
from constructs import Construct

# What outlives its stack (logs, the backup vault): kept on a delete or a replacement, yet removed when the deploy
# that created it rolls back (CloudFormation's RetainExceptOnCreate), so a failed first deploy can be retried.
RETAINED = RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE


def pascal(name: str) -> str:
    """A catalogue name ("verify-audit-chains") as a construct id ("VerifyAuditChains")."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_ ]", name))


def stack_unique(scope: Construct, name: str) -> str:
    """`name` and the first eight hex digits of the stack's id: fixed for the stack's life, new for a stack made
    again (a first deploy retried, a stack deleted and re-created), so a name where CloudFormation cannot
    generate one (log groups under /aws/vendedlogs/, the backup vault) never meets a retained namesake."""
    stack_uuid = Fn.select(2, Fn.split("/", Stack.of(scope).stack_id))
    return Fn.join("-", [name, Fn.select(0, Fn.split("-", stack_uuid))])
