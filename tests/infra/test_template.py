"""What the synthesized templates promise: the table's shape and protection, each function's settings and
least-privilege role, the API's authorizer on every method, encrypted logs and queues, and the alarms."""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Match

from functions.core.settings import state_machine_arn_variable
from infra.catalog import CATALOG, Access
from tests.infra.conftest import STAGE, as_list, ref_id

pytestmark = pytest.mark.xdist_group("infra")

# The narrowest actions each access allows, written out independently of infra/iam.py.
EXPECTED_ACTIONS = {
    Access.TABLE_READ: {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem", "kms:Decrypt"},
    Access.TABLE_WRITE: {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                         "dynamodb:ConditionCheckItem", "kms:Decrypt", "kms:GenerateDataKey"},
    Access.TABLE_STREAM: {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
                          "dynamodb:ListStreams", "kms:Decrypt"},
    Access.EVENTS_PUT: {"events:PutEvents"},
    Access.PAGE_TOKEN_SECRET: {"secretsmanager:GetSecretValue", "kms:Decrypt"},
    Access.STATES_START: {"states:StartExecution"},
    Access.STATES_STOP: {"states:ListExecutions", "states:StopExecution"},
    Access.STATES_CALLBACK: {"states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"},
    Access.EMAIL_SEND: {"ses:SendEmail"},
    Access.SMS_SEND: {"sns:Publish", "sns:CheckIfPhoneNumberIsOptedOut"},
    Access.EVIDENCE_FILES: {"s3:PutObject", "s3:GetObject", "kms:Decrypt", "kms:GenerateDataKey"},
    Access.DEAD_LETTER_DEPTHS: {"sqs:GetQueueAttributes"},
    Access.AUDIT_ARCHIVE: {"s3:PutObject", "s3:GetObject", "kms:Decrypt", "kms:GenerateDataKey"},
    Access.USER_INVITE: {"cognito-idp:AdminGetUser", "cognito-idp:AdminCreateUser", "cognito-idp:AdminAddUserToGroup"},
}
# What every function may do besides its catalogue access: its own logs, traces, and its failure queues.
OPERATIONS_ACTIONS = {"logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments",
                      "xray:PutTelemetryRecords", "sqs:SendMessage", "kms:GenerateDataKey", "kms:Decrypt"}
# Catalogue actions whose resource cannot be named: listing streams, SMS to a phone number (no ARN), and
# resuming a workflow by task token (a token names no resource).
RESOURCELESS_DATA_ACTIONS = {"dynamodb:ListStreams", "sns:Publish", "sns:CheckIfPhoneNumberIsOptedOut",
                             "states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"}
# Catalogue actions on the service stack's own resources: the watcher's read of the dead-letter queues' depths.
OWN_RESOURCE_DATA_ACTIONS = {"sqs:GetQueueAttributes"}
# Actions that accept no resource narrower than "*".
RESOURCELESS_ACTIONS = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"} | RESOURCELESS_DATA_ACTIONS
# What an API function's own role holds instead of table access: assuming its tenant role with a session tag.
TENANT_ASSUME = {"sts:AssumeRole", "sts:TagSession"}
TABLE_ITEM_ACTIONS = {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem",
                      "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"}
# Functions' area-specific environment (infra/stacks/service.py area_environment).
AREA_ENVIRONMENT = {"notifications": {"NOTIFICATIONS_SENDER", "NOTIFICATIONS_SES_CONFIGURATION_SET"}}
# ... and what a function with the evidence bucket's access reads (infra/stacks/service.py)
EVIDENCE_ENVIRONMENT = {True: {"EVIDENCE_BUCKET"}}
# ... and the operations watcher (infra/constructs/watch.py)
WATCHER_ENVIRONMENT = {True: {"DEAD_LETTER_QUEUES", "WATCHED_JOBS"}}
# ... and one with the audit archive's (infra/stacks/service.py)
ARCHIVE_ENVIRONMENT = {True: {"AUDIT_ARCHIVE_BUCKET"}}
# ... and what the function that invites users reads (the pool's id)
USER_POOL_ENVIRONMENT = {True: {"USER_POOL_ID"}}


# --- helpers reading the templates -------------------------------------------------------------------------

def function_ids(synthesized) -> dict[str, str]:
    """catalogue name -> logical id of its AWS::Lambda::Function."""
    found = {}
    for logical_id, resource in synthesized.resources("Service", "AWS::Lambda::Function").items():
        name = resource["Properties"]["FunctionName"]
        found[name.removeprefix(f"practiceflow-{STAGE}-")] = logical_id
    return found


def data_target(synthesized, value) -> str:
    """What a policy resource points at: 'table', 'table/index/gsi1', 'stream', 'data-key', 'bus', 'secret',
    '*', or 'own:<Type>' for a resource of the service stack itself."""
    if isinstance(value, str):
        return value
    api = synthesized.templates["Service"]["Resources"]
    if "Ref" in value and value["Ref"].startswith("AWS::"):
        return f"<{value['Ref']}>"
    if (own := ref_id(value)) is not None:
        return f"own:{api[own]['Type']}"
    if "Fn::Join" in value:
        return "".join(data_target(synthesized, part) for part in value["Fn::Join"][1])
    exported = {o["Export"]["Name"]: o["Value"] for o in synthesized.templates["Data"]["Outputs"].values()
                if "Export" in o}
    target = exported[value["Fn::ImportValue"]]
    data = synthesized.templates["Data"]["Resources"]
    kind = data[ref_id(target)]["Type"]
    attribute = target["Fn::GetAtt"][1] if "Fn::GetAtt" in target else "Ref"
    return {
        ("AWS::DynamoDB::Table", "Arn"): "table",
        ("AWS::DynamoDB::Table", "StreamArn"): "stream",
        ("AWS::KMS::Key", "Arn"): "data-key",
        ("AWS::Events::EventBus", "Arn"): "bus",
        ("AWS::SecretsManager::Secret", "Ref"): "secret",
    }.get((kind, attribute), f"data:{kind}:{attribute}")


def role_statements(synthesized, function_logical_id: str) -> list[dict]:
    api = synthesized.templates["Service"]["Resources"]
    role_id = ref_id(api[function_logical_id]["Properties"]["Role"])
    role = api[role_id]["Properties"]
    assert "Policies" not in role, "no inline policies: everything is in the managed policy"
    statements = []
    for arn in role.get("ManagedPolicyArns", []):
        policy = api[ref_id(arn)]
        assert policy["Type"] == "AWS::IAM::ManagedPolicy"
        statements.extend(policy["Properties"]["PolicyDocument"]["Statement"])
    inline = [r for r in api.values() if r["Type"] == "AWS::IAM::Policy"
              and any(ref_id(x) == role_id for x in r["Properties"].get("Roles", []))]
    assert not inline, f"{role_id} has inline policies attached"
    return statements


def allowed(synthesized, name: str, effect: str = "Allow") -> dict[str, set[str]]:
    """action -> what it is allowed (or denied) on, for the catalogue function `name`."""
    found: dict[str, set[str]] = {}
    for statement in role_statements(synthesized, function_ids(synthesized)[name]):
        if statement["Effect"] != effect:
            continue
        for action in as_list(statement["Action"]):
            found.setdefault(action, set()).update(data_target(synthesized, r) for r in as_list(statement["Resource"]))
    return found


def tenant_role(synthesized, name: str) -> tuple[str, dict]:
    """(logical id, properties) of the catalogue function `name`'s tenant role."""
    (found,) = [(i, r["Properties"]) for i, r in synthesized.resources("Service", "AWS::IAM::Role").items()
                if r["Properties"].get("RoleName") == f"practiceflow-{STAGE}-{name}-tenant"]
    return found


def tenant_statements(synthesized, name: str) -> list[dict]:
    api = synthesized.templates["Service"]["Resources"]
    _, role = tenant_role(synthesized, name)
    assert "Policies" not in role
    policies = [api[ref_id(arn)]["Properties"]["PolicyDocument"] for arn in role["ManagedPolicyArns"]]
    return [statement for policy in policies for statement in policy["Statement"]]


def tenant_allowed(synthesized, name: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for statement in tenant_statements(synthesized, name):
        if statement["Effect"] == "Allow":
            targets = {data_target(synthesized, r) for r in as_list(statement["Resource"])}
            for action in as_list(statement["Action"]):
                found.setdefault(action, set()).update(targets)
    return found


def parks_failures(statement: dict) -> bool:
    """The key grant that lets a function (or Lambda for it) put a failure on its encrypted queue: through SQS only."""
    via = statement.get("Condition", {}).get("StringEquals", {}).get("kms:ViaService", {})
    return (set(as_list(statement["Action"])) == {"kms:GenerateDataKey", "kms:Decrypt"}
            and via == {"Fn::Join": ["", ["sqs.", {"Ref": "AWS::Region"}, ".amazonaws.com"]]})


def catalogue_actions(synthesized, name: str) -> set[str]:
    """The actions a function holds on data resources (anything not its own logs, traces, queues and their key)."""
    held: dict[str, set[str]] = {}
    for statement in role_statements(synthesized, function_ids(synthesized)[name]):
        if statement["Effect"] == "Allow" and not parks_failures(statement):
            for action in as_list(statement["Action"]):
                targets = {data_target(synthesized, r) for r in as_list(statement["Resource"])}
                held.setdefault(action, set()).update(targets)
    return {action for action, targets in held.items()
            if any(not t.startswith("own:") and t != "*" for t in targets)
            or action in RESOURCELESS_DATA_ACTIONS | OWN_RESOURCE_DATA_ACTIONS}


# --- the table and the data stack --------------------------------------------------------------------------

def test_table_has_the_catalogue_keys_and_indexes(synthesized):
    spec = CATALOG.table
    table = synthesized.template("Data")
    table.resource_count_is("AWS::DynamoDB::Table", 1)
    table.has_resource_properties("AWS::DynamoDB::Table", {
        "KeySchema": [{"AttributeName": spec.pk, "KeyType": "HASH"}, {"AttributeName": spec.sk, "KeyType": "RANGE"}],
        "GlobalSecondaryIndexes": [
            {"IndexName": index.name, "Projection": {"ProjectionType": "ALL"},
             "KeySchema": [{"AttributeName": index.pk, "KeyType": "HASH"},
                           {"AttributeName": index.sk, "KeyType": "RANGE"}]}
            for index in spec.indexes
        ],
        "TimeToLiveSpecification": {"AttributeName": spec.ttl_attribute, "Enabled": True},
        "BillingMode": "PAY_PER_REQUEST",
    })
    (resource,) = synthesized.resources("Data", "AWS::DynamoDB::Table").values()
    attributes = {a["AttributeName"]: a["AttributeType"] for a in resource["Properties"]["AttributeDefinitions"]}
    assert attributes == {name: "S" for name in {spec.pk, spec.sk} | {a for i in spec.indexes for a in (i.pk, i.sk)}}


def test_table_is_encrypted_recoverable_protected_and_streamed(synthesized):
    data = synthesized.template("Data")
    (key_id,) = synthesized.resources("Data", "AWS::KMS::Key")
    data.has_resource("AWS::DynamoDB::Table", {
        "Properties": {
            "SSESpecification": {"SSEEnabled": True, "SSEType": "KMS",
                                 "KMSMasterKeyId": {"Fn::GetAtt": [key_id, "Arn"]}},
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "DeletionProtectionEnabled": True,
            "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
        },
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
    })
    data.has_resource("AWS::KMS::Key", {"Properties": {"EnableKeyRotation": True}, "DeletionPolicy": "Retain"})


def test_table_is_in_a_backup_plan_with_an_encrypted_vault(synthesized):
    data = synthesized.template("Data")
    (table_id,) = synthesized.resources("Data", "AWS::DynamoDB::Table")
    data.has_resource_properties("AWS::Backup::BackupSelection", {
        "BackupSelection": Match.object_like({"Resources": [{"Fn::GetAtt": [table_id, "Arn"]}]}),
    })
    data.has_resource_properties("AWS::Backup::BackupVault", {"EncryptionKeyArn": Match.any_value()})


def test_daily_backups_are_kept_a_week_beside_35_days_of_pitr_and_monthly_ones_go_cold_after_90_days(synthesized):
    (plan,) = [p["Properties"]["BackupPlan"] for p in synthesized.resources("Data", "AWS::Backup::BackupPlan").values()]
    rules = {rule["RuleName"]: rule for rule in plan["BackupPlanRule"]}
    assert rules["Daily"]["ScheduleExpression"] == "cron(0 5 * * ? *)"
    assert rules["Daily"]["Lifecycle"] == {"DeleteAfterDays": 7}
    assert rules["Monthly"]["ScheduleExpression"] == "cron(0 5 1 * ? *)"
    # AWS Backup keeps a recovery point at least 90 days in cold storage; ten years covers state record laws
    assert rules["Monthly"]["Lifecycle"] == {"MoveToColdStorageAfterDays": 90, "DeleteAfterDays": 3650}
    (table,) = synthesized.resources("Data", "AWS::DynamoDB::Table").values()
    assert table["Properties"]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def test_one_key_encrypts_the_data_and_what_operations_keep_each_service_confined_to_its_own_data(synthesized):
    (key_id,) = synthesized.resources("Data", "AWS::KMS::Key")
    assert synthesized.resources("Service", "AWS::KMS::Key") == {}
    api = synthesized.templates["Service"]["Resources"]
    encrypted = [(r["Type"], r["Properties"].get("KmsKeyId") or r["Properties"].get("KmsMasterKeyId"))
                 for r in api.values() if r["Type"] in ("AWS::Logs::LogGroup", "AWS::SQS::Queue", "AWS::SNS::Topic")]
    assert encrypted and all(data_target(synthesized, key) == "data-key" for _, key in encrypted), encrypted
    # every service principal the key policy names is held to this account and to its own kind of data
    policy = synthesized.templates["Data"]["Resources"][key_id]["Properties"]["KeyPolicy"]["Statement"]
    services = [s for s in policy if "Service" in s["Principal"]]
    assert {"CloudWatchLogsEncryptsOurLogGroups", "CloudWatchAlarmsPublishToEncryptedTopic"} <= {
        s["Sid"] for s in services}
    for statement in services:
        condition = json.dumps(statement.get("Condition", {}))
        assert "aws:SourceAccount" in condition or "kms:EncryptionContext:aws:logs:arn" in condition, statement["Sid"]
    # and every role reaches it only through a service: DynamoDB, Secrets Manager or SQS
    for spec in CATALOG.functions:
        for statement in role_statements(synthesized, function_ids(synthesized)[spec.name]):
            if any(data_target(synthesized, r) == "data-key" for r in as_list(statement["Resource"])):
                assert "kms:ViaService" in statement["Condition"]["StringEquals"], (spec.name, statement)


def test_bus_is_named_for_the_stage_and_the_page_token_secret_is_generated_and_encrypted(synthesized):
    data = synthesized.template("Data")
    data.has_resource_properties("AWS::Events::EventBus", {"Name": f"practiceflow-{STAGE}"})
    (key_id,) = synthesized.resources("Data", "AWS::KMS::Key")
    data.has_resource("AWS::SecretsManager::Secret", {
        "Properties": {"GenerateSecretString": Match.object_like({"PasswordLength": 64}),
                       "KmsKeyId": {"Fn::GetAtt": [key_id, "Arn"]}},
        "DeletionPolicy": "Retain",
    })


# --- functions ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("spec", CATALOG.functions, ids=lambda f: f.name)
def test_function_is_built_as_the_catalogue_says(synthesized, spec):
    function = synthesized.templates["Service"]["Resources"][function_ids(synthesized)[spec.name]]["Properties"]
    assert function["Handler"] == spec.handler
    assert function["Runtime"] == "python3.12"
    assert function["Architectures"] == ["arm64"]
    assert (function["MemorySize"], function["Timeout"]) == (spec.memory_mb, spec.timeout_s)
    assert function["TracingConfig"] == {"Mode": "Active"}
    assert function.get("ReservedConcurrentExecutions") == spec.reserved_concurrency
    env = function["Environment"]["Variables"]
    workflows = {state_machine_arn_variable(m) for m in spec.state_machines}
    tenant = {"TENANT_ROLE_ARN"} if spec.tenant_scoped else set()
    browsers = {"CORS_ALLOWED_ORIGINS"} if spec.mounts else set()  # the test stage allows origins
    assert set(env) - browsers == {"TABLE_NAME", "EVENT_BUS_NAME", "PAGE_TOKEN_SECRET_ARN", "POWERTOOLS_SERVICE_NAME",
                        "POWERTOOLS_METRICS_NAMESPACE", "STAGE", "PUBLIC_API_URL"} | AREA_ENVIRONMENT.get(
        spec.area, set()) | workflows | tenant | EVIDENCE_ENVIRONMENT.get(Access.EVIDENCE_FILES in spec.access, set()) \
        | WATCHER_ENVIRONMENT.get(Access.DEAD_LETTER_DEPTHS in spec.access, set()) \
        | ARCHIVE_ENVIRONMENT.get(Access.AUDIT_ARCHIVE in spec.access, set()) \
        | USER_POOL_ENVIRONMENT.get(Access.USER_INVITE in spec.access, set())
    if spec.tenant_scoped:
        assert ref_id(env["TENANT_ROLE_ARN"]) == tenant_role(synthesized, spec.name)[0]
    assert (env["POWERTOOLS_SERVICE_NAME"], env["POWERTOOLS_METRICS_NAMESPACE"], env["STAGE"]) == (
        spec.area, "PracticeFlow", STAGE)
    assert data_target(synthesized, env["PAGE_TOKEN_SECRET_ARN"]) == "secret"
    assert len(function["Layers"]) == 1
    # it logs to its own encrypted group of the stack (not to a /aws/lambda/ group Lambda would make unencrypted),
    # and its role may write there
    logical_id = ref_id(function["LoggingConfig"]["LogGroup"])
    log_group = synthesized.templates["Service"]["Resources"][logical_id]
    assert log_group["Type"] == "AWS::Logs::LogGroup" and log_group["Properties"]["KmsKeyId"]
    assert allowed(synthesized, spec.name)["logs:PutLogEvents"] == {"own:AWS::Logs::LogGroup"}
    (write,) = [s for s in role_statements(synthesized, function_ids(synthesized)[spec.name])
                if s.get("Sid") == "WriteOwnLogs"]
    assert ref_id(write["Resource"]) == logical_id


def test_every_function_runs_as_its_deployed_stage_and_none_is_told_to_simulate(synthesized):
    from functions.core.settings import Settings

    api = synthesized.templates["Service"]["Resources"]
    for name, logical_id in function_ids(synthesized).items():
        env = api[logical_id]["Properties"]["Environment"]["Variables"]
        assert env["STAGE"] == STAGE and "BILLING_CLEARINGHOUSE" not in env, name
    # what such a function reads: no simulator, so the claim workflow cannot submit until a real adapter is set
    required = {"table_name": "t-1", "page_token_secret_arn": "arn:x"}
    assert Settings(**required, stage=STAGE).billing_clearinghouse is None


def test_the_local_stage_is_never_synthesized_for_aws():
    from infra.app import STAGE_CONTEXT, build_app

    with pytest.raises(ValueError, match="local cloud"):
        build_app(context={STAGE_CONTEXT: "local"})


def test_the_function_environment_names_are_the_ones_localcloud_sets():
    from localcloud.provision import Resources

    local = set(Resources("t", "b", "s", None, "arn:aws:iam::123456789012:role/t-tenant").environment())
    assert local == {"TABLE_NAME", "EVENT_BUS_NAME", "PAGE_TOKEN_SECRET_ARN", "POWERTOOLS_SERVICE_NAME",
                     "POWERTOOLS_METRICS_NAMESPACE", "STAGE", "PUBLIC_API_URL", "TENANT_ROLE_ARN"}


@pytest.mark.parametrize("spec", CATALOG.functions, ids=lambda f: f.name)
def test_each_role_allows_exactly_its_catalogue_access(synthesized, spec):
    expected = set().union(*(EXPECTED_ACTIONS[a] for a in spec.access))
    held = catalogue_actions(synthesized, spec.name)
    if spec.tenant_scoped:  # the table through the tenant role; the role itself may only assume that
        held = (held - TENANT_ASSUME) | set(tenant_allowed(synthesized, spec.name))
    assert held == expected
    everything = allowed(synthesized, spec.name)
    assert set(everything) <= expected | OPERATIONS_ACTIONS | (TENANT_ASSUME if spec.tenant_scoped else set())


@pytest.mark.parametrize("spec", CATALOG.functions, ids=lambda f: f.name)
def test_no_function_has_wildcard_actions_or_wildcard_data_resources(synthesized, spec):
    for action, targets in allowed(synthesized, spec.name).items():
        assert "*" not in action, f"{spec.name} has a wildcard action {action}"
        if "*" in targets:
            assert action in RESOURCELESS_ACTIONS, f"{spec.name} may {action} on '*'"


@pytest.mark.parametrize("spec", CATALOG.functions, ids=lambda f: f.name)
def test_each_function_has_its_own_role_assumed_only_by_lambda(synthesized, spec):
    api = synthesized.templates["Service"]["Resources"]
    roles = [ref_id(api[i]["Properties"]["Role"]) for i in function_ids(synthesized).values()]
    assert len(set(roles)) == len(roles)
    role = api[ref_id(api[function_ids(synthesized)[spec.name]]["Properties"]["Role"])]
    (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert "ManagedPolicyArns" in role["Properties"]
    assert all(ref_id(arn) for arn in role["Properties"]["ManagedPolicyArns"]), "no AWS-managed policies"


def test_table_access_is_on_the_table_and_its_indexes_only(synthesized):
    reads = tenant_allowed(synthesized, "records-api")
    assert reads["dynamodb:GetItem"] == {"table"}
    assert reads["dynamodb:Query"] == {"table"} | {f"table/index/{i.name}" for i in CATALOG.table.indexes}
    assert reads["dynamodb:PutItem"] == {"table"}
    assert reads["kms:Decrypt"] == {"data-key"}
    direct = allowed(synthesized, "records-api")
    assert direct["secretsmanager:GetSecretValue"] == {"secret"}
    assert direct["kms:Decrypt"] == {"data-key"}


def test_the_outbox_publisher_reads_the_stream_and_puts_events_but_cannot_touch_items(synthesized):
    publisher = allowed(synthesized, "outbox-publisher")
    assert publisher["events:PutEvents"] == {"bus"}
    assert publisher["dynamodb:GetRecords"] == {"stream"}
    for action in ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:GetItem",
                   "dynamodb:Query", "secretsmanager:GetSecretValue"):
        assert action not in publisher


@pytest.mark.parametrize("spec", [f for f in CATALOG.functions if Access.SMS_SEND in f.access], ids=lambda f: f.name)
def test_sms_senders_may_publish_to_phone_numbers_but_to_no_topic(synthesized, spec):
    assert allowed(synthesized, spec.name, "Deny")["sns:Publish"] == {"arn:<AWS::Partition>:sns:*:*:*"}


@pytest.mark.parametrize("spec", [f for f in CATALOG.functions if Access.EMAIL_SEND in f.access], ids=lambda f: f.name)
def test_email_senders_may_send_only_from_the_sender_identity_with_the_stages_configuration_set(synthesized, spec):
    from infra.app import DEFAULT_SENDER
    from infra.stacks.service import sender_domain

    ses = "arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>"
    assert allowed(synthesized, spec.name)["ses:SendEmail"] == {
        f"{ses}:identity/{sender_domain(DEFAULT_SENDER)}", f"{ses}:configuration-set/practiceflow-{STAGE}"}


def test_the_default_sender_is_the_one_the_notifications_code_uses():
    from functions.core.settings import Settings
    from infra.app import DEFAULT_SENDER as INFRA_DEFAULT

    assert Settings.model_fields["notifications_sender"].default == INFRA_DEFAULT


def test_the_records_api_cannot_publish_events_or_read_the_stream(synthesized):
    records = allowed(synthesized, "records-api")
    for action in ("events:PutEvents", "dynamodb:GetRecords", "states:StartExecution"):
        assert action not in records


def test_asynchronously_invoked_functions_have_an_encrypted_dead_letter_queue(synthesized):
    from infra.constructs.functions import async_targets

    api = synthesized.templates["Service"]["Resources"]
    for name, logical_id in function_ids(synthesized).items():
        config = api[logical_id]["Properties"].get("DeadLetterConfig")
        assert (config is not None) == (name in async_targets(CATALOG)), name
        if config:
            queue = api[ref_id(config["TargetArn"])]
            assert queue["Properties"]["KmsMasterKeyId"]
            assert allowed(synthesized, name)["sqs:SendMessage"] == {"own:AWS::SQS::Queue"}


def test_stream_consumers_get_only_new_items_of_their_kinds_and_park_failures(synthesized):
    api = synthesized.templates["Service"]["Resources"]
    mappings = synthesized.resources("Service", "AWS::Lambda::EventSourceMapping").values()
    ids = function_ids(synthesized)
    for spec in (f for f in CATALOG.functions if f.stream_kinds):
        (mapping,) = [m["Properties"] for m in mappings if ref_id(m["Properties"]["FunctionName"]) == ids[spec.name]]
        assert data_target(synthesized, mapping["EventSourceArn"]) == "stream"
        (pattern,) = [json.loads(f["Pattern"]) for f in mapping["FilterCriteria"]["Filters"]]
        assert pattern == {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"kind": {"S": list(spec.stream_kinds)}}}}
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert mapping["BisectBatchOnFunctionError"] is True
        assert mapping["MaximumRetryAttempts"] > 0
        queue = api[ref_id(mapping["DestinationConfig"]["OnFailure"]["Destination"])]
        assert queue["Type"] == "AWS::SQS::Queue" and queue["Properties"]["KmsMasterKeyId"]


# --- the API and sign-in -----------------------------------------------------------------------------------

def test_every_api_method_but_the_catalogue_public_routes_uses_the_cognito_authorizer(synthesized):
    from tests.infra.test_catalog_agreement import resource_paths

    (authorizer_id, authorizer), = synthesized.resources("Api", "AWS::ApiGateway::Authorizer").items()
    assert authorizer["Properties"]["Type"] == "COGNITO_USER_POOLS"
    paths = resource_paths(synthesized)
    public = {route for f in CATALOG.api_functions() for route in f.public_routes}
    methods = synthesized.resources("Api", "AWS::ApiGateway::Method").values()
    assert methods
    for method in methods:
        properties = method["Properties"]
        if properties["HttpMethod"] == "OPTIONS":  # a CORS preflight carries no token (test_browser_access.py)
            assert properties["AuthorizationType"] == "NONE" and "AuthorizerId" not in properties
        elif paths[ref_id(properties["ResourceId"])] in public:
            assert properties["AuthorizationType"] == "NONE" and properties["HttpMethod"] in {"GET", "POST"}
        else:
            assert properties["AuthorizationType"] == "COGNITO_USER_POOLS"
            assert properties["AuthorizerId"] == {"Ref": authorizer_id}


def test_api_stage_logs_to_an_encrypted_group_and_throttles(synthesized):
    (stage,) = [s["Properties"] for s in synthesized.resources("Api", "AWS::ApiGateway::Stage").values()]
    assert stage["StageName"] == STAGE
    settings = {(s["ResourcePath"], s["HttpMethod"]): s for s in stage["MethodSettings"]}
    for path, each in settings.items():
        assert each["LoggingLevel"] == "ERROR" and each["DataTraceEnabled"] is False, path
        assert each["ThrottlingRateLimit"] > 0 and each["ThrottlingBurstLimit"] > 0, path
    stage_wide = settings.pop(("/*", "*"))
    assert all(s["ThrottlingRateLimit"] < stage_wide["ThrottlingRateLimit"] for s in settings.values())
    assert len(settings) == 2 * sum(len(f.public_routes) for f in CATALOG.api_functions())
    log_group = synthesized.templates["Api"]["Resources"][ref_id(stage["AccessLogSetting"]["DestinationArn"])]
    assert log_group["Properties"]["KmsKeyId"]
    access_format = json.loads(stage["AccessLogSetting"]["Format"])
    assert "$context.path" not in access_format.values() and "$context.identity.sourceIp" not in access_format.values()


def test_the_api_stage_sends_no_per_method_metrics_and_its_alarms_read_stage_metrics(synthesized):
    # per-method metrics cost a clinic about $15 a month; the API's own Count/4XX/5XX/Latency are sent without them
    (stage,) = [s["Properties"] for s in synthesized.resources("Api", "AWS::ApiGateway::Stage").values()]
    assert stage["MethodSettings"] and not any(s.get("MetricsEnabled") for s in stage["MethodSettings"])
    api_alarms = [a["Properties"] for a in synthesized.resources("Monitoring", "AWS::CloudWatch::Alarm").values()
                  if a["Properties"].get("Namespace") == "AWS/ApiGateway"]
    assert api_alarms
    for alarm in api_alarms:
        assert {d["Name"] for d in alarm["Dimensions"]} <= {"ApiName", "Stage"}, alarm["AlarmName"]


def test_the_workflows_trace_one_request_in_twenty_and_the_api_stage_none(synthesized):
    from fnmatch import fnmatchcase

    rules = [r["Properties"]["SamplingRule"]
             for r in synthesized.resources("Service", "AWS::XRay::SamplingRule").values()]
    assert rules and all(r["FixedRate"] == 0.05 and r["ReservoirSize"] == 0 and r["Priority"] < 10000 for r in rules)
    (api,) = [r["Properties"]["Name"] for r in synthesized.resources("Data", "AWS::ApiGateway::RestApi").values()]
    machines = [m["Properties"]["StateMachineName"]
                for m in synthesized.resources("Service", "AWS::StepFunctions::StateMachine").values()]
    for service in machines:  # how each names itself in segments
        assert any(fnmatchcase(service, r["ServiceName"]) for r in rules), service
    # the stage is not traced (its segments would record full URLs), so no rule is kept for it
    assert not any(fnmatchcase(f"{api}/{STAGE}", r["ServiceName"]) for r in rules)
    # the rules are the account's: they name nothing of another stage
    assert not any(fnmatchcase(f"practiceflow-{STAGE}x/{STAGE}x", r["ServiceName"]) for r in rules)


def test_user_pool_has_the_role_groups_tenant_attributes_and_strong_sign_in(synthesized):
    from functions.core.auth import Role

    groups = {g["Properties"]["GroupName"]
              for g in synthesized.resources("Data", "AWS::Cognito::UserPoolGroup").values()}
    assert groups == {r.value for r in Role}
    (pool,) = [p["Properties"] for p in synthesized.resources("Data", "AWS::Cognito::UserPool").values()]
    schema = {a["Name"]: a for a in pool["Schema"]}
    assert schema["practice_id"]["Mutable"] is False
    assert schema["patient_id"]["Mutable"] is True
    assert pool["MfaConfiguration"] == "ON"
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] >= 14
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    (client,) = [c["Properties"] for c in synthesized.resources("Data", "AWS::Cognito::UserPoolClient").values()]
    assert not any(a.startswith("custom:") for a in client["WriteAttributes"]), "users may not rebind their tenant"


def test_the_user_pool_is_on_essentials_with_totp_mfa_required_for_everyone(synthesized):
    # Plus (threat protection) cost $0.02 per active user; MFA, not risk scoring, is what stops a stolen password
    (pool,) = [p["Properties"] for p in synthesized.resources("Data", "AWS::Cognito::UserPool").values()]
    assert pool["UserPoolTier"] == "ESSENTIALS"
    assert "UserPoolAddOns" not in pool
    assert pool["MfaConfiguration"] == "ON" and pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]


# --- logs, queues, alarms ----------------------------------------------------------------------------------

def test_every_log_group_is_encrypted_and_has_a_retention(synthesized):
    groups = synthesized.resources("Service", "AWS::Logs::LogGroup").values()
    assert groups
    for group in groups:
        assert group["Properties"]["KmsKeyId"] and group["Properties"]["RetentionInDays"] > 0


def test_every_queue_is_encrypted_and_refuses_plain_http(synthesized):
    queues = synthesized.resources("Service", "AWS::SQS::Queue")
    policies = synthesized.resources("Service", "AWS::SQS::QueuePolicy").values()
    for logical_id, queue in queues.items():
        assert queue["Properties"]["KmsMasterKeyId"]
        (policy,) = [p for p in policies if any(ref_id(q) == logical_id for q in p["Properties"]["Queues"])]
        deny, *sends = policy["Properties"]["PolicyDocument"]["Statement"]
        assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for send in sends:  # only the rules' dead-letter queue lets a service in: EventBridge, for its own rules
            assert send["Principal"] == {"Service": "events.amazonaws.com"} and send["Action"] == "sqs:SendMessage"
            assert "aws:SourceArn" in send["Condition"]["ArnEquals"]
    assert queues


def test_outside_events_arrive_on_encrypted_topics_the_catalogue_names(synthesized):
    topics = synthesized.resources("Service", "AWS::SNS::Topic")
    by_name = {t["Properties"]["TopicName"].removeprefix(f"practiceflow-{STAGE}-"): (i, t) for i, t in topics.items()}
    subscriptions = synthesized.resources("Service", "AWS::SNS::Subscription").values()
    functions = function_ids(synthesized)
    for spec in CATALOG.topics:
        topic_id, topic = by_name[spec.name]
        assert topic["Properties"]["KmsMasterKeyId"]
        subscribed = {s["Properties"]["Endpoint"]["Fn::GetAtt"][0] for s in subscriptions
                      if s["Properties"]["TopicArn"] == {"Ref": topic_id}}
        assert subscribed == {functions[name] for name in spec.subscribers}
    assert set(by_name) == {t.name for t in CATALOG.topics}  # the alarms' topic is the monitoring stack's


def test_bounces_reach_the_feedback_topic_through_the_sending_configuration_set(synthesized):
    ((config_set_id, config_set),) = synthesized.resources("Service", "AWS::SES::ConfigurationSet").items()
    (destination,) = synthesized.resources("Service", "AWS::SES::ConfigurationSetEventDestination").values()
    assert set(destination["Properties"]["EventDestination"]["MatchingEventTypes"]) == {"bounce", "complaint"}
    worker = synthesized.templates["Service"]["Resources"][function_ids(synthesized)["notifications-worker"]]
    assert config_set["Properties"]["Name"] == f"practiceflow-{STAGE}"
    assert worker["Properties"]["Environment"]["Variables"]["NOTIFICATIONS_SES_CONFIGURATION_SET"] == {
        "Ref": config_set_id}


# --- tenant isolation in IAM -------------------------------------------------------------------------------

TENANT_SCOPED = [f for f in CATALOG.functions if f.tenant_scoped]


def test_every_api_function_with_table_access_is_tenant_scoped_and_nothing_else_is():
    triggers = {f.name for f in CATALOG.functions if f.user_pool_trigger}  # a sign-in is for one practice too
    assert {f.name for f in TENANT_SCOPED} == {f.name for f in CATALOG.api_functions()} | triggers
    assert all(not f.mounts for f in CATALOG.functions if f.name.endswith(("-jobs", "-worker", "-tasks")))


@pytest.mark.parametrize("spec", TENANT_SCOPED, ids=lambda f: f.name)
def test_an_api_function_reaches_the_table_only_through_its_own_tenant_role(synthesized, spec):
    direct = allowed(synthesized, spec.name)
    assert not set(direct) & TABLE_ITEM_ACTIONS, f"{spec.name} keeps direct table access"
    # the data key: only through Secrets Manager (the page-token secret it encrypts) and, for the evidence
    # bucket's objects, S3; never DynamoDB
    kms = [s for s in role_statements(synthesized, function_ids(synthesized)[spec.name])
           if s["Effect"] == "Allow" and "kms:Decrypt" in as_list(s["Action"])
           and data_target(synthesized, s["Resource"]) == "data-key"]
    via = sorted(s["Condition"]["StringEquals"]["kms:ViaService"]["Fn::Join"][1][0] for s in kms)
    assert via == (["s3."] if Access.EVIDENCE_FILES in spec.access else []) + (
        ["secretsmanager."] if Access.PAGE_TOKEN_SECRET in spec.access else [])
    own = f"arn:<AWS::Partition>:iam::<AWS::AccountId>:role/practiceflow-{STAGE}-{spec.name}-tenant"
    assert {a: direct[a] for a in TENANT_ASSUME} == {a: {own} for a in TENANT_ASSUME}

    _, role = tenant_role(synthesized, spec.name)
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    function_role = ref_id(synthesized.templates["Service"]["Resources"][function_ids(synthesized)[spec.name]]
                           ["Properties"]["Role"])
    assert trust["Effect"] == "Allow" and ref_id(trust["Principal"]["AWS"]) == function_role
    assert set(trust["Action"]) == TENANT_ASSUME
    assert trust["Condition"] == {"StringLike": {"aws:RequestTag/practice_id": "?*"},
                                  "ForAllValues:StringEquals": {"aws:TagKeys": ["practice_id"]}}
    assert role["MaxSessionDuration"] == 3600


@pytest.mark.parametrize("spec", TENANT_SCOPED, ids=lambda f: f.name)
def test_a_tenant_role_allows_table_actions_only_on_its_sessions_practice_keys(synthesized, spec):
    table_statements = [s for s in tenant_statements(synthesized, spec.name)
                        if s["Effect"] == "Allow" and set(as_list(s["Action"])) & TABLE_ITEM_ACTIONS]
    assert table_statements
    for statement in table_statements:
        assert statement["Condition"] == {
            "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["PRACTICE#${aws:PrincipalTag/practice_id}#*"]},
            "Null": {"dynamodb:LeadingKeys": "false"},
        }


def role_documents(synthesized) -> dict[str, list[dict]]:
    """Every function role's and tenant role's statements, by a readable name."""
    found = {name: role_statements(synthesized, logical_id) for name, logical_id in function_ids(synthesized).items()}
    found |= {f"{spec.name} (tenant)": tenant_statements(synthesized, spec.name) for spec in TENANT_SCOPED}
    return found


def test_no_role_may_update_or_delete_in_an_audit_partition(synthesized):
    from functions.core.keys import collection_pk

    assert collection_pk("p1", "AUDIT") == "PRACTICE#p1#AUDIT"  # the layout the pattern below matches
    writers = 0
    for name, statements in role_documents(synthesized).items():
        changes = {"dynamodb:UpdateItem", "dynamodb:DeleteItem"}
        writes = any(s["Effect"] == "Allow" and set(as_list(s["Action"])) & changes for s in statements)
        if not writes and "-api" not in name:
            continue
        writers += 1
        denies = [s for s in statements if s["Effect"] == "Deny" and "dynamodb:UpdateItem" in as_list(s["Action"])]
        assert denies, f"{name} may update audit entries"
        for deny in denies:
            assert set(as_list(deny["Action"])) == {"dynamodb:UpdateItem", "dynamodb:DeleteItem"}
            assert data_target(synthesized, deny["Resource"]) == "table"
            assert deny["Condition"] == {"ForAnyValue:StringLike": {"dynamodb:LeadingKeys": ["PRACTICE#*#AUDIT"]}}
    assert writers >= len(TENANT_SCOPED) * 2


def test_the_stream_key_grant_holds_only_through_dynamodb(synthesized):
    for spec in (f for f in CATALOG.functions if Access.TABLE_STREAM in f.access):
        (statement,) = [s for s in role_statements(synthesized, function_ids(synthesized)[spec.name])
                        if s.get("Sid") == "TableStreamDecrypt"]
        assert statement["Condition"] == {"StringEquals": {"kms:ViaService": {
            "Fn::Join": ["", ["dynamodb.", {"Ref": "AWS::Region"}, ".amazonaws.com"]]}}}


# A small evaluator of the synthesized policies for DynamoDB item requests: explicit Deny wins, then any Allow
# whose action, resource and conditions all match. Enough of IAM's condition operators for these policies.
def _condition_holds(operator: str, key: str, expected, context: dict) -> bool:
    from tests.tenant_guard import string_like

    values = context.get(key)
    patterns = [p.replace("${aws:PrincipalTag/practice_id}", context["practice_id"]) for p in as_list(expected)]
    if operator == "Null":
        return (values is None) == (expected == "true")
    if operator == "ForAllValues:StringLike":
        return all(any(string_like(p, v) for p in patterns) for v in values or [])
    if operator == "ForAnyValue:StringLike":
        return any(any(string_like(p, v) for p in patterns) for v in values or [])
    if operator == "StringEquals":
        return context.get(key) in patterns
    raise AssertionError(f"the evaluator does not know {operator}")


def _matches(synthesized, statement: dict, action: str, resource: str, context: dict) -> bool:
    if action not in as_list(statement["Action"]):
        return False
    if resource not in {data_target(synthesized, r) for r in as_list(statement["Resource"])}:
        return False
    return all(_condition_holds(operator, key, expected, context)
               for operator, keys in statement.get("Condition", {}).items() for key, expected in keys.items())


def permits(synthesized, statements: list[dict], action: str, resource: str, leading_keys: list[str] | None,
            practice_id: str) -> bool:
    context = {"dynamodb:LeadingKeys": leading_keys, "practice_id": practice_id}
    if any(s["Effect"] == "Deny" and _matches(synthesized, s, action, resource, context) for s in statements):
        return False
    return any(s["Effect"] == "Allow" and _matches(synthesized, s, action, resource, context) for s in statements)


@pytest.mark.parametrize(("action", "resource", "leading_key", "allowed_to_p1"), [
    ("dynamodb:GetItem", "table", "PRACTICE#p1#PATIENT#01J", True),
    ("dynamodb:PutItem", "table", "PRACTICE#p1#AUDIT", True),  # appending an entry, or moving the head
    ("dynamodb:UpdateItem", "table", "PRACTICE#p1#APPOINTMENT#01J", True),
    ("dynamodb:Query", "table/index/gsi1", "PRACTICE#p1#PATIENT_NAME", True),
    ("dynamodb:GetItem", "table", "PRACTICE#p2#PATIENT#01J", False),  # another practice
    ("dynamodb:Query", "table/index/gsi1", "PRACTICE#p2#PATIENT_NAME", False),
    ("dynamodb:PutItem", "table", "PRACTICE#p10#PATIENT#01J", False),  # a practice id that extends p1
    ("dynamodb:Query", "table/index/gsi1", "PRACTICES", False),  # the registry the jobs walk
    ("dynamodb:UpdateItem", "table", "PRACTICE#p1#AUDIT", False),  # the audit trail is append-only
    ("dynamodb:DeleteItem", "table", "PRACTICE#p1#AUDIT", False),
    ("dynamodb:Scan", "table", None, False),
])
def test_a_p1_session_of_the_records_tenant_role_may_touch_p1s_keys_only(synthesized, action, resource, leading_key,
                                                                          allowed_to_p1):
    statements = tenant_statements(synthesized, "records-api")
    keys = None if leading_key is None else [leading_key]
    assert permits(synthesized, statements, action, resource, keys, practice_id="p1") is allowed_to_p1
    direct = role_statements(synthesized, function_ids(synthesized)["records-api"])
    assert not permits(synthesized, direct, action, resource, keys, practice_id="p1")
