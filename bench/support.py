"""What every benchmark shares: a local AWS environment for moto, and a counter of DynamoDB requests
hooked onto the table's client (before-call counts requests; after-call adds items read and time spent)."""

import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LOCAL_ENVIRONMENT = {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "bench",
                     "AWS_SECRET_ACCESS_KEY": "bench", "POWERTOOLS_METRICS_DISABLED": "true",
                     "POWERTOOLS_LOG_LEVEL": "ERROR"}


def local_environment() -> None:
    for name, value in LOCAL_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


class RequestCounter:
    """Requests by operation, the items they returned and the time spent in them."""

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}
        self.items = 0
        self.seconds = 0.0
        self._started = 0.0

    def watch(self, client) -> "RequestCounter":
        client.meta.events.register("before-call.dynamodb", self)
        client.meta.events.register("after-call.dynamodb", self.after)
        return self

    def unwatch(self, client) -> None:
        client.meta.events.unregister("before-call.dynamodb", self)
        client.meta.events.unregister("after-call.dynamodb", self.after)

    def __call__(self, model, **_: object) -> None:
        self.calls[model.name] = self.calls.get(model.name, 0) + 1
        self._started = time.perf_counter()

    def after(self, parsed=None, **_: object) -> None:
        self.seconds += time.perf_counter() - self._started
        self.items += (parsed or {}).get("Count", 0)

    def take(self) -> dict[str, int]:
        taken, self.calls = dict(self.calls), {}
        return taken

    def take_reads(self) -> tuple[int, float]:
        taken = (self.items, self.seconds)
        self.items, self.seconds = 0, 0.0
        return taken
