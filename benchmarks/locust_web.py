"""The locust user of ``bench_web.py``: each request is the next URL of a fixed plan.

The plan is a JSON list of ``[endpoint, url]`` pairs in ``$BENCH_WEB_PLAN``; the users share
it (locust's users are gevent greenlets of one process, so a shared index is safe), every URL
is requested once, and the run stops by itself when the plan is done (or at ``--run-time``).
Requests are grouped by endpoint in locust's statistics. Only the host given to locust
(127.0.0.1) is ever requested.
"""

from __future__ import annotations

import json
import os

import gevent
from locust import constant, events, task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ["BENCH_WEB_PLAN"], encoding="utf-8") as handle:
    PLAN: list[list[str]] = json.load(handle)
NEXT = [0]


@events.test_start.add_listener
def _check_host(environment, **_kwargs) -> None:
    host = environment.host or ""
    if not host.startswith(("http://127.0.0.1:", "http://localhost:")):
        raise RuntimeError(f"bench_web only loads a server on this machine, not {host!r}")


class DashboardUser(FastHttpUser):
    wait_time = constant(0)
    connection_timeout = 30.0
    network_timeout = 30.0

    @task
    def next_url(self) -> None:
        i = NEXT[0]
        if i >= len(PLAN):
            if i == len(PLAN):
                NEXT[0] += 1
                gevent.spawn(self.environment.runner.quit)
            gevent.sleep(1)
            return
        NEXT[0] = i + 1
        endpoint, url = PLAN[i]
        self.client.get(url, name=endpoint)
