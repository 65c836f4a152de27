"""The `practice` commands that work on a data directory without a server: token, job run, audit verify."""

import json
import os

import pytest

from functions.core.audit import AuditDraft
from functions.core.audit_store import AuditStore, entry_sk
from functions.core.keys import collection_pk
from infra.catalog import CATALOG
from localcloud import cli, tokens
from localcloud.cloud import LocalCloud
from localcloud.store import DataDir


def _entry(practice: str, n: int) -> AuditDraft:
    return AuditDraft(practice_id=practice, actor="u1", role="coordinator", action="patient.read",
                      entity="PATIENT", entity_id=str(n), request_id="r", at="2026-11-26T10:00:00.000Z")


@pytest.fixture(autouse=True)
def _environment_restored():
    # the commands set local defaults (fake credentials, quiet Powertools) in the environment
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture
def data_dir(tmp_path):
    with LocalCloud(CATALOG, tmp_path) as cloud:
        store = AuditStore(cloud.table())
        for n in range(3):
            store.record(_entry("north", n))
        store.record(_entry("south", 0))
    return tmp_path


def test_token_is_signed_with_the_data_dirs_key(tmp_path, capsys):
    assert cli.main(["token", "--role", "patient", "--practice", "demo", "--patient", "p-1",
                     "--data-dir", str(tmp_path)]) == 0
    claims = tokens.verify(capsys.readouterr().out.strip(), DataDir(tmp_path).token_signing_key())
    assert claims["custom:patient_id"] == "p-1" and claims["cognito:groups"] == ["patient"]
    assert cli.main(["token", "--role", "patient", "--data-dir", str(tmp_path)]) == 2  # no --patient


def test_audit_verify_passes_intact_chains_and_fails_a_broken_one(data_dir, capsys):
    assert cli.main(["audit", "verify", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "north: intact (3 entries)" in out and "south: intact (1 entries)" in out

    with LocalCloud(CATALOG, data_dir) as cloud:  # someone edits an entry behind the API's back
        table = cloud.table()
        entry = table.get(collection_pk("north", "AUDIT"), entry_sk(2))
        table.put({**entry, "actor": "someone-else"})
    assert cli.main(["audit", "verify", "--data-dir", str(data_dir)]) == 1
    out = capsys.readouterr().out
    assert "north: BROKEN" in out and "entry 2 was changed" in out
    assert cli.main(["audit", "verify", "--practice", "south", "--data-dir", str(data_dir)]) == 0


def test_job_run_without_a_server_runs_in_process_and_saves(data_dir, capsys):
    assert cli.main(["job", "run", "verify-audit-chains", "--data-dir", str(data_dir)]) == 0
    assert json.loads(capsys.readouterr().out) == {"practices": 2, "entries_checked": 4, "broken": 0}
    # the job's checkpoint was saved: the next nightly run has nothing new to check
    assert cli.main(["job", "run", "verify-audit-chains", "--data-dir", str(data_dir)]) == 0
    assert json.loads(capsys.readouterr().out)["entries_checked"] == 0
    assert cli.main(["job", "run", "no-such-job", "--data-dir", str(data_dir)]) == 2
