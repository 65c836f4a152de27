"""Unit tests run the rules on in-memory fakes: a unit test that opens a socket or starts moto fails here,
so the fast tier stays fast and cannot quietly depend on a cloud. Those tests belong in tests/integration
(or tests/contract, for a port's behaviour on the DynamoDB adapter)."""

import socket
import sys
from importlib.abc import MetaPathFinder

import pytest


class UnitTestLeftTheMachine(AssertionError):
    pass


def _refuse_connect(*_args, **_kwargs):
    raise UnitTestLeftTheMachine("a unit test opened a network connection: use a fake from tests/fakes")


class _NoMoto(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "moto" or name.startswith("moto."):
            raise UnitTestLeftTheMachine(f"a unit test imported {name}: moto belongs in tests/integration")
        return None


def _refuse_moto(*_args, **_kwargs):
    raise UnitTestLeftTheMachine("a unit test started moto: it belongs in tests/integration")


@pytest.fixture(autouse=True)
def _stay_on_the_machine(monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _refuse_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse_connect)
    monkeypatch.setattr(socket, "create_connection", _refuse_connect)
    moto_core = sys.modules.get("moto.core.models")
    if moto_core is not None:  # another tier imported moto in this worker: refuse to start it
        monkeypatch.setattr(moto_core.MockAWS, "start", _refuse_moto)
    finder = _NoMoto()
    sys.meta_path.insert(0, finder)
    yield
    sys.meta_path.remove(finder)
