"""The unit tier's guard (tests/unit/conftest.py) refuses sockets and moto, so fast tests stay on fakes."""

import socket

import pytest

from tests.unit.conftest import UnitTestLeftTheMachine


def test_a_unit_test_that_opens_a_socket_fails():
    with pytest.raises(UnitTestLeftTheMachine):
        socket.create_connection(("127.0.0.1", 9))


def test_a_unit_test_that_imports_or_starts_moto_fails():
    with pytest.raises(UnitTestLeftTheMachine):
        import moto  # noqa: F401

        moto.mock_aws().start()
