"""What a warm Lambda container keeps between invocations (settings, AWS clients, secrets, each area's
wired use cases), and the one way to forget it all: `reset()`, a cold start, which tests and the local
cloud call when a fresh cloud replaces the old one."""

from collections.abc import Callable
from functools import cache
from typing import TypeVar

Built = TypeVar("Built", bound=Callable)

_forgetters: list[tuple[str, Callable[[], None]]] = []  # (the module that keeps it, how to forget it)


def per_container(build: Built) -> Built:
    """Build once per container: `build()`'s result is kept until `reset()`."""
    kept = cache(build)
    _forgetters.append((build.__module__, kept.cache_clear))
    return kept  # type: ignore[return-value]


def on_reset(forget: Callable[[], None]) -> Callable[[], None]:
    """Register something else a container holds (a pool of sessions) to be dropped on `reset()`."""
    _forgetters.append((forget.__module__, forget))
    return forget


def reset(scope: str = "") -> None:
    """Forget what modules under `scope` keep (a dotted prefix, e.g. one area's wiring); by default, all."""
    for module, forget in _forgetters:
        if module == scope or module.startswith(f"{scope}.") or not scope:
            forget()
