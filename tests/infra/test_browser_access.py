"""Browsers and what the API leaves behind: the stage's allowed origins reach the API functions and every path a
signed-in method or a public route serves takes a preflight (OPTIONS) without the authorizer; none of it when a
stage allows no origin. Execution logs go to a group the stack makes (encrypted, expiring) before the stage
exists, and X-Ray never sees a URL (API Gateway tracing off; no tracer in the functions)."""

from __future__ import annotations

import pytest

from infra.catalog import CATALOG, ROOT
from infra.options import DEFAULT_SMS_SPEND_USD, StageOptions, stage_options
from tests.infra.conftest import ORIGINS, STAGE, ref_id
from tests.infra.test_catalog_agreement import resource_paths
from tests.infra.test_template import function_ids

pytestmark = pytest.mark.xdist_group("infra")


def test_a_stage_allows_no_origin_and_tells_no_one_unless_its_context_says():
    assert stage_options({}, "prod") == StageOptions()
    assert stage_options({"practiceflow:cors-origins": {"dev": ["https://dev.clinic.example"]}}, "prod") \
        == StageOptions()


def test_context_gives_each_stage_its_origins_emails_and_webhook():
    context = {"practiceflow:cors-origins": "https://app.clinic.example, https://app.clinic.example,http://localhost:5173",
               "practiceflow:alarm-emails": {"prod": ["oncall@clinic.example"]},
               "practiceflow:alarm-webhook": "https://chat.clinic.example/hook",
               "practiceflow:sms-spend-alarm-usd": {"prod": "50"}}
    assert stage_options(context, "prod") == StageOptions(
        cors_origins=("https://app.clinic.example", "http://localhost:5173"), alarm_emails=("oncall@clinic.example",),
        alarm_webhook="https://chat.clinic.example/hook", sms_spend_alarm_usd=50.0)
    assert stage_options(context, "dev").sms_spend_alarm_usd == DEFAULT_SMS_SPEND_USD


@pytest.mark.parametrize("origin", ["*", "https://app.clinic.example/", "https://*.clinic.example",
                                    "http://app.clinic.example", "app.clinic.example", "https://app.clinic.example/x"])
def test_an_origin_a_browser_would_never_send_or_a_plain_http_site_is_refused(origin):
    with pytest.raises(ValueError, match="cors-origins"):
        stage_options({"practiceflow:cors-origins": [origin]}, "prod")


def test_a_webhook_must_be_https_and_an_email_an_address():
    with pytest.raises(ValueError, match="alarm-webhook"):
        stage_options({"practiceflow:alarm-webhook": "http://chat.clinic.example/hook"}, "prod")
    with pytest.raises(ValueError, match="alarm-emails"):
        stage_options({"practiceflow:alarm-emails": "oncall"}, "prod")


def test_the_api_functions_answer_exactly_the_stages_origins(synthesized):
    api = synthesized.templates["Service"]["Resources"]
    for name, logical_id in function_ids(synthesized).items():
        variables = api[logical_id]["Properties"]["Environment"]["Variables"]
        if CATALOG.function(name).mounts:
            assert variables["CORS_ALLOWED_ORIGINS"] == ",".join(ORIGINS), name
        else:
            assert "CORS_ALLOWED_ORIGINS" not in variables, name


def test_every_path_with_a_method_takes_a_preflight_without_the_authorizer(synthesized):
    paths = resource_paths(synthesized)
    methods = [m["Properties"] for m in synthesized.resources("Api", "AWS::ApiGateway::Method").values()]
    served = {paths[ref_id(m["ResourceId"])] for m in methods if m["HttpMethod"] != "OPTIONS"}
    preflights = [m for m in methods if m["HttpMethod"] == "OPTIONS"]
    assert {paths[ref_id(m["ResourceId"])] for m in preflights} == served
    assert any(path.endswith("{proxy+}") for path in served)
    ids = function_ids(synthesized)
    for preflight in preflights:
        assert preflight["AuthorizationType"] == "NONE"
        assert "AuthorizerId" not in preflight and "RequestValidatorId" not in preflight
        # the function answers it, with the origins it was given: one list, one place that judges it
        assert preflight["Integration"]["Type"] == "AWS_PROXY"
        found = synthesized.imports(preflight["Integration"]["Uri"])
        target = [n for n, i in ids.items() if ("Service", i) in found]
        assert len(target) == 1 and CATALOG.function(target[0]).mounts


def test_api_gateway_execution_logs_go_to_an_encrypted_expiring_group_made_before_the_stage(synthesized):
    ((stage_id, stage),) = synthesized.resources("Api", "AWS::ApiGateway::Stage").items()
    ((rest_api_id, _),) = synthesized.resources("Data", "AWS::ApiGateway::RestApi").items()
    groups = {i: g for i, g in synthesized.resources("Data", "AWS::Logs::LogGroup").items()
              if "API-Gateway-Execution-Logs_" in str(g["Properties"].get("LogGroupName"))}
    ((_, group),) = groups.items()
    # the name API Gateway writes to: API-Gateway-Execution-Logs_<rest api id>/<stage>
    assert group["Properties"]["LogGroupName"] == {
        "Fn::Join": ["", ["API-Gateway-Execution-Logs_", {"Ref": rest_api_id}, f"/{STAGE}"]]}
    assert group["Properties"]["KmsKeyId"] and group["Properties"]["RetentionInDays"] > 0
    # made before the stage: the data stack deploys before the API stack
    assert {s["LoggingLevel"] for s in stage["Properties"]["MethodSettings"]} == {"ERROR"}
    assert synthesized.target(stage["Properties"]["RestApiId"]) == ("Data", rest_api_id)


def test_no_trace_records_a_url_or_an_annotation(synthesized):
    (stage,) = synthesized.resources("Api", "AWS::ApiGateway::Stage").values()
    assert stage["Properties"].get("TracingEnabled", False) is False
    assert "xrayTraceId" not in stage["Properties"]["AccessLogSetting"]["Format"]
    # the functions' own traces (Lambda active tracing) hold the function and request id only: no SDK
    # subsegments, annotations or metadata, because nothing imports a tracer
    for path in (ROOT / "functions").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "aws_xray_sdk" not in text and "Tracer(" not in text and "put_annotation" not in text, path
