import subprocess
import sys
import textwrap

import pytest

from functions.core import lazy_packages

PACKAGE_INIT = '''"""A package that only gathers names."""
from shop.tills import Till
from .counters import Counter as Desk, Queue
__all__ = ["Till", "Desk", "Queue"]
'''


@pytest.fixture
def shop(tmp_path, monkeypatch):
    """A package `shop` whose submodules note in `shop_imports` when they are imported."""
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text(PACKAGE_INIT)
    for module, names in {"tills": ["Till"], "counters": ["Counter", "Queue"], "signs": []}.items():
        classes = "".join(f"class {name}: pass\n" for name in names)
        (package / f"{module}.py").write_text(f"import builtins\nbuiltins.shop_imports.append({module!r})\n{classes}")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr("builtins.shop_imports", [], raising=False)
    yield
    for name in [n for n in sys.modules if n == "shop" or n.startswith("shop.")]:
        del sys.modules[name]


def test_gathered_names_maps_each_name_to_its_submodule():
    assert lazy_packages.gathered_names(PACKAGE_INIT, "shop") == {
        "Till": ("shop.tills", "Till"), "Desk": ("shop.counters", "Counter"), "Queue": ("shop.counters", "Queue")}


@pytest.mark.parametrize("statement", ["setup_logging()", "from .counters import *", "VERSION = '1'",
                                       "import shop.tills", "from __future__ import annotations"])
def test_an_init_that_does_more_than_gather_names_is_left_alone(statement):
    assert lazy_packages.gathered_names(PACKAGE_INIT + statement + "\n", "shop") is None


def test_a_lazy_package_imports_a_submodule_only_when_one_of_its_names_is_used(shop):
    import builtins

    assert lazy_packages.install("shop")
    import shop

    assert builtins.shop_imports == []
    from shop import Desk
    from shop.counters import Counter

    assert Desk is Counter
    assert builtins.shop_imports == ["counters"]
    from shop import signs  # a submodule by name, as the real package allows

    assert signs.__name__ == "shop.signs"
    assert builtins.shop_imports == ["counters", "signs"]
    assert shop.__all__ == ["Till", "Desk", "Queue"]
    with pytest.raises(ImportError):
        from shop import Nothing  # noqa: F401


def test_a_package_already_imported_is_not_replaced(shop):
    import shop

    assert not lazy_packages.install("shop")
    assert sys.modules["shop"] is shop


def test_an_api_function_skips_the_resolvers_it_does_not_use_yet_every_name_still_resolves():
    # a fresh interpreter: in this one, other tests may have imported Powertools' packages already
    probe = textwrap.dedent("""
        import sys
        import functions.core.api
        from functions.core.lazy_packages import PACKAGES, is_lazy
        assert all(is_lazy(p) for p in PACKAGES), "not lazy"
        assert "aws_lambda_powertools.event_handler.appsync" not in sys.modules, "AppSync imported"
        from aws_lambda_powertools.event_handler import APIGatewayRestResolver, AppSyncResolver, Response
        from aws_lambda_powertools.event_handler import api_gateway, appsync
        from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent, SQSEvent
        from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSEvent as Original
        assert APIGatewayRestResolver is api_gateway.APIGatewayRestResolver and Response is api_gateway.Response
        assert AppSyncResolver is appsync.AppSyncResolver and SQSEvent is Original
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)  # noqa: S603
    assert done.returncode == 0, done.stderr[-2000:]
