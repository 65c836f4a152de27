"""The `practice` commands that run on the local cloud: serve, token, job run, audit verify, demo, openapi.

Imports are lazy: `practice token` must answer in well under a second, without loading moto or boto3."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from localcloud.demo import DEMO_PRACTICE

ROLES = ("coordinator", "practitioner", "front_desk", "billing", "staff", "patient")
ROOT = Path(__file__).resolve().parent.parent


def _local_defaults() -> None:
    """Fake AWS credentials (moto needs some, and nothing must reach a real account), and quiet
    Powertools: EMF metric lines on every request would bury the server's log."""
    for name, value in {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "local",
                        "AWS_SECRET_ACCESS_KEY": "local", "POWERTOOLS_METRICS_DISABLED": "true",
                        "POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": "WARNING"}.items():
        os.environ.setdefault(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)


def _fail(message: str, code: int = 2) -> int:
    print(f"practice: {message}", file=sys.stderr)
    return code


def _live_server(data_dir: Path) -> dict[str, Any] | None:
    """The server recorded for this data directory, if it still answers."""
    import urllib.request

    from localcloud.store import DataDir

    recorded = DataDir(data_dir).server()
    if not recorded or not recorded.get("url", "").startswith("http://"):
        return None
    try:
        with urllib.request.urlopen(f"{recorded['url']}/_local/health", timeout=2) as response:  # noqa: S310
            health = json.load(response)
    except (OSError, ValueError):
        return None
    return recorded if health.get("pid") == recorded.get("pid") else None


# --- serve ------------------------------------------------------------------------------------------

def serve(args: argparse.Namespace) -> int:
    import logging
    import signal
    import threading

    _local_defaults()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    logging.getLogger("botocore").setLevel(logging.WARNING)
    data_dir = Path(args.data_dir)
    running = _live_server(data_dir)
    if running:
        return _fail(f"a server is already running on this data directory at {running['url']} (pid {running['pid']})")

    from infra.catalog import CATALOG
    from localcloud import tokens
    from localcloud.cloud import LocalCloud
    from localcloud.demo import seed as seed_demo
    from localcloud.server import LocalServer
    from localcloud.uploads import PATH as UPLOADS_PATH

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    cloud = LocalCloud(CATALOG, data_dir)
    try:
        try:
            server = LocalServer(cloud, host=args.host, port=args.port)
        except OSError as error:
            return _fail(f"cannot listen on {args.host}:{args.port}: {error.strerror}")
        os.environ["PUBLIC_API_URL"] = server.url  # links in messages (opt-out, replies) point at this server
        # presigned certificate uploads go to this server, which stands in for S3 (localcloud/uploads.py)
        os.environ["EVIDENCE_UPLOAD_ENDPOINT"] = f"{server.url}{UPLOADS_PATH}"
        from functions.core import container

        container.reset()
        demo = seed_demo(cloud)
        key = cloud.token_key()
        lines = [f"PracticeFlow is serving at {server.url}  (data: {cloud.data.path}, {cloud.loaded} items loaded)",
                 f"  OpenAPI: {server.url}/openapi.json   Swagger UI: {server.url}/docs",
                 f"  demo practice {demo['practice']!r}; tokens (valid 24 h; `./practice token` for more):"]
        for role in ROLES:
            patient = demo["patients"][0] if role == "patient" else None
            token = tokens.mint(key, role, demo["practice"], patient=patient)
            lines.append(f"    {role:<12} {token}" + (f"\n                 (patient {patient})" if patient else ""))
        lines.append("  Ctrl-C to stop; data is saved after every change and on exit.")
        print("\n".join(lines), flush=True)
        # the socket is bound already; serve once the banner is out, so a caller that sees /_local/health
        # answer can rely on the banner too
        cloud.start_background()
        server.start()
        cloud.data.record_server(server.url, os.getpid())
        while not stop.wait(0.5):
            pass
        print("practice: stopping; saving data", file=sys.stderr, flush=True)
        server.stop()
        return 0
    finally:
        cloud.close()
        cloud.data.forget_server(os.getpid())


# --- token ------------------------------------------------------------------------------------------

def token(args: argparse.Namespace) -> int:
    from localcloud import tokens
    from localcloud.store import DataDir

    try:
        minted = tokens.mint(DataDir(args.data_dir).ensure().token_signing_key(), args.role, args.practice,
                             patient=args.patient, sub=args.sub, ttl_s=int(args.hours * 3600))
    except ValueError as error:
        return _fail(str(error))
    print(minted)
    return 0


# --- job run ----------------------------------------------------------------------------------------

def job_run(args: argparse.Namespace) -> int:
    _local_defaults()
    from infra.catalog import CATALOG

    names = [s.name for s in CATALOG.schedules]
    if args.name not in names:
        return _fail(f"no job {args.name!r}; jobs: {', '.join(names)}")
    running = _live_server(Path(args.data_dir))
    if running:
        import urllib.error
        import urllib.request

        url = f"{running['url']}/_local/jobs/{args.name}"
        request = urllib.request.Request(url, method="POST", data=b"")  # noqa: S310 - our loopback server
        try:
            with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310 - our own loopback URL
                print(json.dumps(json.load(response)["result"], indent=2, default=str))
            return 0
        except urllib.error.HTTPError as error:
            return _fail(f"the server refused the job: {error.code} {error.read().decode(errors='replace')}", 1)

    from localcloud.cloud import LocalCloud

    with LocalCloud(CATALOG, args.data_dir) as cloud:
        result = cloud.run_job(args.name)
    print(json.dumps(result, indent=2, default=str))
    return 0


# --- audit verify -----------------------------------------------------------------------------------

def audit_verify(args: argparse.Namespace) -> int:
    _local_defaults()
    from functions.compliance.audit_verification import AuditVerification
    from functions.core.audit_store import AuditStore
    from functions.core.registry import practice_ids
    from infra.catalog import CATALOG
    from localcloud.cloud import LocalCloud

    # read-only: a running server owns the data directory, and verifying changes nothing
    with LocalCloud(CATALOG, args.data_dir, persist=False) as cloud:
        table = cloud.table()
        verification = AuditVerification(AuditStore(table), lambda: practice_ids(table))
        practices = [args.practice] if args.practice else sorted(practice_ids(table))
        if not practices:
            print("no practices have an audit trail yet")
            return 0
        broken = 0
        for practice in practices:
            result = verification.verify_practice(practice, from_start=True)
            if result.intact:
                print(f"{practice}: intact ({result.checked} entries)")
            else:
                broken += 1
                print(f"{practice}: BROKEN ({result.checked} entries): " + "; ".join(result.problems))
    return 1 if broken else 0


# --- demo -------------------------------------------------------------------------------------------

def demo(args: argparse.Namespace) -> int:
    import tempfile

    # the functions' warnings (an approval overdue, a message deferred) are the day's story, told by the summary
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
    _local_defaults()
    from localcloud.demo_day.client import DemoFailed
    from localcloud.demo_day.run import run_demo
    from localcloud.demo_day.script import summary_lines
    from localcloud.store import write_atomically

    try:
        if args.data_dir:
            record = Path(args.data_dir) / DEMO_DAY_RECORD
            if _live_server(Path(args.data_dir)):
                return _fail("a server is running on this data directory; stop it first, or use another")
            if record.exists():
                return _fail(f"this data directory has lived its demo day already ({record}); use another")
            day = run_demo(args.data_dir, persist=True)
            write_atomically(record, json.dumps(day, indent=2, default=str))
        else:
            with tempfile.TemporaryDirectory(prefix="practice-demo-") as scratch:
                day = run_demo(scratch, persist=False)
    except DemoFailed as failed:
        return _fail(f"the demo day stopped: {failed}", 1)
    print(json.dumps(day, indent=2, default=str) if args.json else "\n".join(summary_lines(day)))
    return 0


DEMO_DAY_RECORD = "demo-day.json"  # a data directory's demo day, once lived: its numbers


# --- openapi ----------------------------------------------------------------------------------------

def openapi(args: argparse.Namespace) -> int:
    _local_defaults()
    from functions.openapi import build_document, render

    path = ROOT / "openapi.json"
    text = render(build_document())
    if args.check:
        if not path.exists():
            return _fail("openapi.json is missing; run `./practice openapi` and commit it", 1)
        if path.read_text(encoding="utf-8") != text:
            return _fail("openapi.json is out of date with the code; run `./practice openapi` and commit it", 1)
        print("openapi.json is current")
        return 0
    from localcloud.store import write_atomically

    write_atomically(path, text)
    print(f"wrote {path.relative_to(ROOT)}")
    return 0


def synth(args: argparse.Namespace) -> int:
    from infra.app import synth as synthesize

    options = dict(item.split("=", 1) for item in args.context)
    assembly = synthesize(stage=args.stage, outdir=ROOT / "cdk.out", sender=args.sender, options=options)
    stacks = ", ".join(stack.stack_name for stack in assembly.stacks)
    print(f"synthesized {stacks} to cdk.out/ (cdk-nag and CloudFormation validation passed)")
    return 0


BENCHMARKS = ("cold_start", "dynamodb_requests")


def bench(args: argparse.Namespace) -> int:
    import importlib

    names = args.names or [n for n in BENCHMARKS if (ROOT / "bench" / f"{n}.py").exists()] + sorted(
        p.stem for p in (ROOT / "bench").glob("*.py")
        if p.stem not in (*BENCHMARKS, "support") and not p.stem.startswith("_"))
    for name in names:
        print(f"== bench/{name}.py", flush=True)
        importlib.import_module(f"bench.{name}").main()
    return 0


# --- the parser -------------------------------------------------------------------------------------

def parser() -> argparse.ArgumentParser:
    from localcloud.store import DEFAULT_DATA_DIR

    root = argparse.ArgumentParser(prog="practice", description="PracticeFlow on one machine.",
                                   epilog="`practice test` runs the tests; `practice lint` runs ruff.")
    commands = root.add_subparsers(dest="command", metavar="COMMAND")

    def with_data_dir(command: argparse.ArgumentParser) -> argparse.ArgumentParser:
        command.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR),
                             help=f"where the local cloud keeps its data (default {DEFAULT_DATA_DIR})")
        return command

    run = with_data_dir(commands.add_parser("serve", help="run the API locally on the embedded cloud"))
    run.add_argument("--port", type=int, default=8000)
    run.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback only)")
    run.set_defaults(func=serve)

    mint = with_data_dir(commands.add_parser("token", help="print a bearer token for the local server"))
    mint.add_argument("--role", required=True, choices=ROLES, action="append",
                      help="a Cognito group; repeat for a user in several groups")
    mint.add_argument("--practice", default=DEMO_PRACTICE)
    mint.add_argument("--patient", help="the patient id a patient user is bound to")
    mint.add_argument("--sub", help="the user id (default derived from the role)")
    mint.add_argument("--hours", type=float, default=24.0, help="lifetime (default 24)")
    mint.set_defaults(func=token)

    job = commands.add_parser("job", help="scheduled jobs")
    job_commands = job.add_subparsers(dest="job_command", metavar="ACTION", required=True)
    job_run_parser = with_data_dir(job_commands.add_parser("run", help="run a schedule's job now"))
    job_run_parser.add_argument("name")
    job_run_parser.set_defaults(func=job_run)

    audit = commands.add_parser("audit", help="the audit trail")
    audit_commands = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = with_data_dir(audit_commands.add_parser("verify", help="re-hash audit chains; exit 1 if one is broken"))
    verify.add_argument("--practice", help="one practice (default: every practice)")
    verify.set_defaults(func=audit_verify)

    day = commands.add_parser("demo", help="live a day in the demo practice on the local cloud and summarize it")
    day.add_argument("--data-dir", help="keep the day's data here (seeded if new) to `practice serve` it after; "
                                        "default: a fresh directory, removed at the end")
    day.add_argument("--json", action="store_true", help="print the numbers behind the summary, as JSON, instead")
    day.set_defaults(func=demo)

    document = commands.add_parser("openapi", help="write openapi.json from the code (or --check it)")
    document.add_argument("--check", action="store_true", help="fail if the checked-in file differs")
    document.set_defaults(func=openapi)

    assembly = commands.add_parser("synth", help="build the Lambda layer and synthesize the CDK app to cdk.out/")
    assembly.add_argument("--stage", default="prod")
    assembly.add_argument("--sender", default="PracticeFlow <notifications@practiceflow.local>",
                          help="the From of notification email; its domain must be verified in SES")
    assembly.add_argument("-c", "--context", action="append", default=[], metavar="KEY=VALUE",
                          help="a stage option (infra/options.py), e.g. practiceflow:cors-origins=https://app.example")
    assembly.set_defaults(func=synth)

    measure = commands.add_parser("bench", help="run benchmarks; results go to bench/results/")
    measure.add_argument("names", nargs="*", help="benchmark module names under bench/ (default: all)")
    measure.set_defaults(func=bench)

    commands.add_parser("help", help="this message")
    return root


def main(argv: list[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    if not getattr(arguments, "func", None):
        parser().print_help()
        return 0
    return arguments.func(arguments)


if __name__ == "__main__":
    sys.exit(main())
