"""The function that invites users (accounts-api) holds exactly the user pool calls its code makes, on exactly
the practice's user pool, and is told the pool's id; no other function may touch the pool."""

from __future__ import annotations

import pytest

from infra.catalog import CATALOG, Access
from tests.infra.conftest import as_list, ref_id
from tests.infra.test_template import allowed, data_target, function_ids, role_statements

pytestmark = pytest.mark.xdist_group("infra")

INVITE_ACTIONS = {"cognito-idp:AdminGetUser", "cognito-idp:AdminCreateUser", "cognito-idp:AdminAddUserToGroup"}
# the pool as a policy resource: built in this stack, or imported from the data stack
THE_POOL = {"own:AWS::Cognito::UserPool", "data:AWS::Cognito::UserPool:Arn"}


def test_only_the_accounts_api_reaches_the_user_pool(synthesized):
    inviters = {f.name for f in CATALOG.functions if Access.USER_INVITE in f.access}
    assert inviters == {"accounts-api"}
    for spec in CATALOG.functions:
        cognito = {action for action in allowed(synthesized, spec.name) if action.startswith("cognito-idp:")}
        assert cognito == (INVITE_ACTIONS if spec.name in inviters else set()), spec.name


def test_the_accounts_api_holds_exactly_the_invite_actions_on_exactly_the_pool(synthesized):
    statements = [s for s in role_statements(synthesized, function_ids(synthesized)["accounts-api"])
                  if any(a.startswith("cognito-idp:") for a in as_list(s["Action"]))]
    (invite,) = statements
    assert invite["Effect"] == "Allow" and set(as_list(invite["Action"])) == INVITE_ACTIONS
    (pool,) = as_list(invite["Resource"])
    assert data_target(synthesized, pool) in THE_POOL
    assert "Condition" not in invite


def test_the_accounts_api_is_told_the_pool_it_may_reach(synthesized):
    api = synthesized.templates["Service"]["Resources"]
    for name, logical_id in function_ids(synthesized).items():
        env = api[logical_id]["Properties"]["Environment"]["Variables"]
        assert ("USER_POOL_ID" in env) == (name == "accounts-api"), name
    env = api[function_ids(synthesized)["accounts-api"]]["Properties"]["Environment"]["Variables"]
    (invite,) = [s for s in role_statements(synthesized, function_ids(synthesized)["accounts-api"])
                 if s.get("Sid") == "InviteUsers"]
    pool_id, pool_arn = env["USER_POOL_ID"], invite["Resource"]
    if "Fn::ImportValue" in pool_id:  # both from the data stack's exports of the one pool
        assert data_target(synthesized, pool_id) == "data:AWS::Cognito::UserPool:Ref"
    else:
        assert ref_id(pool_id) == ref_id(pool_arn)
