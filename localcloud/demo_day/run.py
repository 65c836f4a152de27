"""`practice demo`: the local cloud on a data directory (a fresh one unless told), the demo practice seeded, the
local server on a free loopback port, and the day driven through it; returns what the summary reads."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from localcloud.demo import DEMO_PRACTICE

ROLES = ("coordinator", "practitioner", "front_desk", "billing", "staff")


def payer_for(cloud: Any) -> Any:
    """The payer's side, which no route of the practice reaches: the simulated clearinghouse's script per claim."""
    from functions.billing.clearinghouse import Adjudicated, Script, SimulatedClearinghouse

    def answer(claim_id: str, how: str) -> None:
        remits = [Adjudicated(outcome="denied", carc="16", rarc="MA130"), Adjudicated(outcome="paid")] \
            if how == "denied_then_paid" else [Adjudicated(outcome="paid")]
        SimulatedClearinghouse(cloud.table()).script(DEMO_PRACTICE, Script(remits=remits), claim_id)

    return answer


def run_demo(data_dir: Path | str, persist: bool) -> dict[str, Any]:
    from infra.catalog import CATALOG
    from localcloud import tokens
    from localcloud.cloud import LocalCloud
    from localcloud.demo import seed
    from localcloud.demo_day.client import Client
    from localcloud.demo_day.script import live_the_day
    from localcloud.server import LocalServer

    previous_url = os.environ.get("PUBLIC_API_URL")
    with LocalCloud(CATALOG, data_dir, persist=persist) as cloud:
        server = LocalServer(cloud, host="127.0.0.1", port=0)
        os.environ["PUBLIC_API_URL"] = server.url  # the links in messages point at this server
        try:
            from functions.core import container

            container.reset()
            demo = seed(cloud)
            server.start()
            key = cloud.token_key()
            people = {role: tokens.mint(key, role, DEMO_PRACTICE) for role in ROLES}
            people |= {f"patient:{p}": tokens.mint(key, "patient", DEMO_PRACTICE, patient=p) for p in demo["patients"]}
            return live_the_day(Client(server.url, people), demo, payer_for(cloud))
        finally:
            server.stop()
            if previous_url is None:
                os.environ.pop("PUBLIC_API_URL", None)
            else:
                os.environ["PUBLIC_API_URL"] = previous_url
