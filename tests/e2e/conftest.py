"""The end-to-end tests' shared start: the demo practice seeded once per test worker, each server started on a
copy of it. Seeding goes through every area's handlers and is most of a first start; test_serve.py's restart
test still starts from an empty directory, so the first-start path stays covered."""

import shutil
from pathlib import Path

import pytest

from tests.e2e.test_serve import Server


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("demo-template") / "data"
    server = Server(data_dir, "seed")
    try:
        server.wait_until_healthy(timeout_s=180)
        assert server.stop() == 0
    finally:
        server.kill()
    return data_dir


@pytest.fixture
def demo_data(tmp_path, demo_template) -> Path:
    """A data directory holding the seeded demo practice, this test's own."""
    data_dir = tmp_path / "data"
    shutil.copytree(demo_template, data_dir)
    return data_dir
