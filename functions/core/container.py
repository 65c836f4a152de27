"""What a warm Lambda container keeps between invocations (settings, AWS clients, secrets, each area's
wired use cases), and the one way to forget it all: `reset()`, a cold start, which tests and the local
cloud call when a fresh cloud replaces the old one."""

from collections.abc import Callable
from functools import cache
from typing import TypeVar

Built = TypeVar("Built", bound=Callable)

_forgetters: list[Callable[[], None]] = []


def per_container(build: Built) -> Built:
    """Build once per container: `build()`'s result is kept until `reset()`."""
    kept = cache(build)
    _forgetters.append(kept.cache_clear)
    return kept  # type: ignore[return-value]


def on_reset(forget: Callable[[], None]) -> Callable[[], None]:
    """Register something else a container holds (a pool of sessions) to be dropped on `reset()`."""
    _forgetters.append(forget)
    return forget


def reset() -> None:
    for forget in _forgetters:
        forget()
