"""7. Batch rotation against a rate limit: wall time against the limit's floor.

200 Cloud API keys are rotated by ``rotate_api_keys`` (8 workers) against the emulator
configured to allow N requests per second. Each rotation needs a fixed number of requests
(create, two usability probes with the new key, mark, delete) plus the listing; the
requests the emulator answered other than with 429 are the ones needed, and the fastest
any client could finish is (requests needed) / N: the floor. The emulator counts N x 10
requests per 10-second window. The client runs with
its defaults: nothing about the limit is configured, the pacing comes from the
``X-RateLimit-*`` headers the emulator sends. Reported: wall time / floor, the 429s the
server answered (pacing should keep them few), and the 429s that reached the caller (must
be 0: any would show as a failed key).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import List

from benchmarks.harness import Result, Settings
from openapi_client import ApiClient
from openapi_client.exceptions import TooManyRequestsException
from openapi_client.testing import FakeConfluentCloud
from openapi_client.workflows import KeySelection, UsabilityOptions, rotate_api_keys

__all__ = ["run"]

KEYS = 200
RATE = 50  # requests per second: 200 keys x 5 requests / 50 = ~20 s
WINDOW = 10.0  # seconds; the limit is RATE * WINDOW requests per window, as Confluent counts
WORKERS = 8


def run(settings: Settings) -> List[Result]:
    keys = settings.scale(KEYS)
    window = 1.0 if settings.quick else WINDOW  # quick: a few keys, so a short window still binds
    cloud = FakeConfluentCloud(rate_limit=int(RATE * window), rate_limit_window=window, request_log_size=100_000)
    with cloud:
        cloud.seed_api_keys(
            keys, owner="sa-bench", resource="CLOUD", created_at=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
        )
        cloud.clear_requests()
        with ApiClient(cloud.configuration()) as client:  # defaults: no rate limit configured
            started = time.perf_counter()
            summary = rotate_api_keys(
                client,
                KeySelection(owner="sa-bench"),
                handover=lambda key_id, secret: None,
                max_workers=WORKERS,
                usability=UsabilityOptions(poll_interval=0.05),
            )
            wall = time.perf_counter() - started
        statuses = [request.status for request in cloud.requests]
    answered_429 = statuses.count(429)
    needed = len(statuses) - answered_429
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
            f"429s reaching the caller (server answered {answered_429}; client paced by X-RateLimit-* only)",
            float(reached_caller),
            1.0,
            "keys",
            0.0,
            f"{len(summary.failed)} failed key(s) in all",
        ),
    ]
