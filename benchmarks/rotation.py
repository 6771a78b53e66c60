"""7. Batch rotation against a rate limit: wall time against the limit's floor.

200 Cloud API keys are rotated by ``rotate_api_keys`` (8 workers) against the emulator
configured to allow N requests per second. Each rotation needs a fixed number of requests
(create, two readiness probes with the new key, mark, delete) plus the listing, so the
fastest any client could finish is (requests needed) / N: the floor. The client runs with
its defaults: nothing about the limit is configured, the pacing comes from the
``X-RateLimit-*`` headers the emulator sends. Reported: wall time / floor, the 429s the
server answered (pacing should keep them few), and the 429s that reached the caller (must
be 0: any would show as a failed key).
"""

from __future__ import annotations

import datetime as dt
import inspect
import sys
import time
from typing import List

from benchmarks.harness import Result, Settings
from openapi_client import ApiClient
from openapi_client.exceptions import TooManyRequestsException
from openapi_client.testing import FakeConfluentCloud
from openapi_client.workflows import KeySelection, ReadinessOptions, rotate_api_keys

__all__ = ["run"]

KEYS = 200
RATE = 50  # requests per second: 200 keys x 5 requests / 50 = ~20 s
WORKERS = 8
PER_KEY = 5  # create, two own-credential probes, mark, delete
PAGE = 100


def _rate_limited_emulator_available() -> bool:
    parameters = inspect.signature(FakeConfluentCloud.__init__).parameters
    return "rate_limit" in parameters and "rate_limit_window" in parameters


def run(settings: Settings) -> List[Result]:
    if not _rate_limited_emulator_available():
        print(
            "  rotation: skipped, the emulator has no rate_limit/rate_limit_window yet (INTERFACES.md §B)",
            file=sys.stderr,
        )
        return []
    keys = settings.scale(KEYS)
    cloud = FakeConfluentCloud(rate_limit=RATE, rate_limit_window=1.0)  # type: ignore[call-arg]
    with cloud:
        cloud.seed_api_keys(
            keys, owner="sa-bench", resource="CLOUD", created_at=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
        )
        time.sleep(1.0)  # start on a fresh window
        cloud.clear_requests()
        with ApiClient(cloud.configuration()) as client:  # defaults: no rate limit configured
            started = time.perf_counter()
            summary = rotate_api_keys(
                client,
                KeySelection(owner="sa-bench"),
                handover=lambda key_id, secret: None,
                max_workers=WORKERS,
                readiness=ReadinessOptions(poll_interval=0.05),
            )
            wall = time.perf_counter() - started
        received = len(cloud.requests)
    needed = keys * PER_KEY + keys // PAGE + 1
    answered_429 = max(received - needed, 0)
    reached_caller = sum(
        1 for r in summary.failed if r.error is not None and isinstance(r.error.__cause__, TooManyRequestsException)
    )
    floor = needed / RATE
    return [
        Result(
            "rotation",
            f"{keys} keys, {WORKERS} workers, limit {RATE} req/s: wall s / ({needed} requests / {RATE})",
            wall,
            floor,
            "s",
            1.2,
            f"{summary}; server answered {answered_429} x 429; pacing from X-RateLimit-* only",
        ),
        Result(
            "rotation",
            "429s reaching the caller (failed keys)",
            float(reached_caller),
            1.0,
            "keys",
            0.0,
            f"{len(summary.failed)} failed key(s) in all",
        ),
    ]
