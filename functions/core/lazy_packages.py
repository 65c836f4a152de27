"""Library packages whose names are imported on first use, so a cold start loads only the parts a function uses.

Powertools' `event_handler/__init__.py` imports every resolver it has (AppSync's pulls in asyncio, besides Bedrock,
VPC Lattice, function URLs) to offer the REST resolver we use, and `utilities/data_classes/__init__.py` imports
about forty event classes to offer the five API Gateway needs. Each `__init__` only gathers names from its
submodules, so the package can hand each name out from its own submodule when first asked: the same object, at
the same import path. A package whose `__init__` does anything else is imported as it is.

Importing this module installs it (functions/__init__.py does, before any area module); a package already
imported stays as it is.
"""

import ast
import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

PACKAGES = ("aws_lambda_powertools.event_handler", "aws_lambda_powertools.utilities.data_classes")


def install(package: str) -> bool:
    """Make `package` hand out its names lazily, unless it is already imported; True when it now does."""
    if package in sys.modules:
        return False
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations or not (spec.origin or "").endswith("__init__.py"):
        return False
    names = gathered_names(Path(spec.origin).read_text(encoding="utf-8"), package)
    if names is None:
        return False
    module = importlib.util.module_from_spec(spec)

    def __getattr__(name: str):  # noqa: N807 - the module hook of PEP 562
        if name in names:
            source, original = names[name]
            value = getattr(importlib.import_module(source), original)
            setattr(module, name, value)
            return value
        if not name.startswith("__") and importlib.util.find_spec(f"{package}.{name}") is not None:
            return importlib.import_module(f"{package}.{name}")  # `from package import submodule`
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    module.__getattr__ = __getattr__
    module.__all__ = list(names)
    sys.modules[package] = module
    parent, _, child = package.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    return True


def gathered_names(source: str, package: str) -> dict[str, tuple[str, str]] | None:
    """{name: (module, name there)} for an `__init__` made only of a docstring, imports of names and `__all__`;
    None for any other `__init__` (it may do something on import that must not be skipped)."""
    names = {}
    for statement in ast.parse(source).body:
        if isinstance(statement, ast.ImportFrom) and statement.module and statement.module != "__future__":
            source_module = statement.module if statement.level == 0 else f"{package}.{statement.module}"
            if statement.level > 1 or any(alias.name == "*" for alias in statement.names):
                return None
            for alias in statement.names:
                names[alias.asname or alias.name] = (source_module, alias.name)
        elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # the docstring
        elif isinstance(statement, ast.Assign) and [ast.unparse(t) for t in statement.targets] == ["__all__"]:
            continue
        else:
            return None
    return names


def is_lazy(package: str) -> bool:
    module = sys.modules.get(package)
    return isinstance(module, ModuleType) and "__getattr__" in vars(module)


for _package in PACKAGES:
    install(_package)
