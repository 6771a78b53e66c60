"""7. Batch rotation against a rate limit: one run, then two overlapping runs, against the floor.

200 Cloud API keys are rotated by ``rotate_api_keys`` against the emulator configured to
allow N requests per second (N x 10 per 10-second window, as Confluent counts). Every
request the emulator answered other than with 429 was needed; the fastest any client could
finish one run is (requests one run needed) / N: the floor.

* one run alone: wall time / floor;
* two runs started together over the same keys (two clients, as two CronJob runs on two
  machines would be): wall time until both end / the same floor (one run's). They must end
  with exactly 200 live keys, each handed over exactly once (the claims make the runs share
  the keys rather than rotate them twice), and no 429 may reach the caller.

The client runs with its defaults: nothing about the limit is configured, the pacing comes
from the ``X-RateLimit-*`` headers. The claim's ``write_window`` covers the longest hold the
pacing may impose (a window), and reads never lag on the emulator (``read_lag=0``); the
workers (128 per run) fill the claim's settle time.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import List, Set, Tuple

from benchmarks.harness import Result, Settings
from openapi_client import ApiClient, IamApiKeysApi
from openapi_client.exceptions import TooManyRequestsException
from openapi_client.testing import FakeConfluentCloud
from openapi_client.workflows import (
    KeyHandover,
    KeySelection,
    LeaseOptions,
    Outcome,
    RotationSummary,
    UsabilityOptions,
    rotate_api_keys,
)

__all__ = ["run"]

KEYS = 200
RATE = 50  # requests per second
WINDOW = 10.0  # seconds; the limit is RATE * WINDOW requests per window, as Confluent counts
WORKERS = 128  # per run: they fill the claims' settle time


class Measurement:
    """What one measurement saw."""

    def __init__(self, wall: float, needed: int, answered_429: int, summaries: List[RotationSummary]) -> None:
        self.wall = wall
        self.needed = needed
        self.answered_429 = answered_429
        self.summaries = summaries
        self.handed: List[str] = []
        self.live: Set[str] = set()


def _measure(runs: int, keys: int, window: float) -> Measurement:
    cloud = FakeConfluentCloud(rate_limit=int(RATE * window), rate_limit_window=window, request_log_size=100_000)
    lease = LeaseOptions(duration=600, clock_skew=0, read_lag=0, write_window=window + 2, step_margin=30)
    handed: List[str] = []
    lock = threading.Lock()

    def handover(new: KeyHandover) -> None:
        with lock:
            handed.append(new.new_key_id)

    with cloud:
        cloud.seed_api_keys(
            keys, owner="sa-bench", resource="CLOUD", created_at=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
        )
        cloud.clear_requests()
        summaries: List[RotationSummary] = []
        start = threading.Barrier(runs + 1)

        def one_run() -> None:
            with ApiClient(cloud.configuration()) as client:  # defaults: no rate limit configured
                start.wait()
                summary = rotate_api_keys(
                    client,
                    KeySelection(owner="sa-bench"),
                    handover=handover,
                    max_workers=WORKERS,
                    usability=UsabilityOptions(poll_interval=0.05),
                    lease=lease,
                )
            with lock:
                summaries.append(summary)

        threads = [threading.Thread(target=one_run) for _ in range(runs)]
        for thread in threads:
            thread.start()
        start.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        statuses = [request.status for request in cloud.requests]
        with ApiClient(cloud.configuration()) as client:
            time.sleep(window)  # a fresh window for the check
            live = {key.id for key in IamApiKeysApi(client).iter_iam_v2_api_keys(page_size=100)}
    measured = Measurement(wall, len(statuses) - statuses.count(429), statuses.count(429), summaries)
    measured.handed = handed
    measured.live = live
    return measured


def _reached_caller(measured: Measurement) -> int:
    return sum(
        1
        for summary in measured.summaries
        for r in summary.failed
        if r.error is not None and isinstance(r.error.__cause__, TooManyRequestsException)
    )


def _counts(measured: Measurement) -> str:
    return " + ".join(str(summary) for summary in measured.summaries)


def _overlap_faults(measured: Measurement, keys: int) -> Tuple[int, str]:
    """How far two runs' end state is from: ``keys`` live keys, each handed over once."""
    distinct = set(measured.handed)
    twice = len(measured.handed) - len(distinct)
    not_live = len(distinct - measured.live)
    never_handed = len(measured.live - distinct)
    faults = twice + not_live + never_handed + abs(len(measured.live) - keys)
    rotated = sum(s.counts.get(Outcome.ROTATED, 0) for s in measured.summaries)
    return faults, (
        f"{len(measured.live)} live keys, {len(measured.handed)} handovers ({twice} repeated), {rotated} rotations;"
        f" {not_live} handed-over keys gone, {never_handed} live keys never handed over"
    )


def run(settings: Settings) -> List[Result]:
    keys = settings.scale(KEYS)
    window = 1.0 if settings.quick else WINDOW  # quick: a few keys, so a short window still binds
    solo = _measure(1, keys, window)
    both = _measure(2, keys, window)
    floor = solo.needed / RATE
    faults, state = _overlap_faults(both, keys)
    return [
        Result(
            "rotation",
            f"{keys} keys, {WORKERS} workers, limit {RATE} req/s: wall s / ({solo.needed} requests / {RATE})",
            solo.wall,
            floor,
            "s",
            1.2,
            f"{_counts(solo)}; server answered {solo.answered_429} x 429; pacing from X-RateLimit-* only",
        ),
        Result(
            "rotation",
            f"two overlapping runs over the same {keys} keys: wall s / one run's floor ({solo.needed} / {RATE})",
            both.wall,
            floor,
            "s",
            1.2,
            f"{_counts(both)}; {both.needed} requests in all; server answered {both.answered_429} x 429",
        ),
        Result(
            "rotation",
            f"two overlapping runs: faults against '{keys} live keys, each handed over once'",
            float(faults),
            1.0,
            "faults",
            0.0,
            state,
        ),
        Result(
            "rotation",
            "429s reaching the caller (both measurements; client paced by X-RateLimit-* only)",
            float(_reached_caller(solo) + _reached_caller(both)),
            1.0,
            "keys",
            0.0,
            f"{sum(len(s.failed) for s in solo.summaries + both.summaries)} failed key(s) in all",
        ),
    ]
